"""The work anonymous requests can make a running site do, and what a mail waits behind it.

Starts its own ``masthead serve`` (with its task worker) on 127.0.0.1 with a
temporary MASTHEAD_DATA_DIR and a fresh SQLite database holding one post,
then, over real HTTP:

1. one client asks for ``--styles`` different citation styles nobody asked
   for before: answers by status, jobs queued, server CPU per answer;
2. with those jobs waiting, a commenter's "published" mail is queued: the
   seconds until the worker has sent it;
3. the post's PDF through five different ``Host:`` ports: how often it was
   laid out, and the time of each answer;
4. ``--unknown`` invented style ids: time and server CPU per answer.

    .venv/bin/python bench/anonymous_work.py [--styles 200] [--unknown 100]

Prints figures; passes or fails nothing. The server keeps its defaults
(MASTHEAD_STYLE_REQUESTS_PER_CLIENT and the rest), so what it prints is what
one client gets.
"""

import argparse
import http.client
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from comments_load import (  # noqa: E402 - the shared helpers of the load benchmark
    MASTHEAD,
    ROOT,
    free_port,
    run,
    server_cpu_seconds,
    wait_for_port,
)

SETUP = """
import datetime
from django.utils import timezone
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor

Institution.objects.create(name="Bench Institute", short_name="Bench")
blog = Blog.objects.create(name="Bench Blog", slug="bench", tagline="Load")
author = Author.objects.create(display_name="Ada Okafor", given_name="Ada",
                               family_name="Okafor", slug="ada")
post = Post.objects.create(blog=blog, title="Storage and the grid", slug="storage",
                           status="published", body="Batteries shift power in time.",
                           publish_at=timezone.now() - datetime.timedelta(days=1))
PostAuthor.objects.create(post=post, author=author, position=0)
print(post.pk)
"""

QUEUE_MAIL = """
from django.utils import timezone
from masthead.discussion.models import Comment
from masthead.discussion.notifications import notify_commenter_published
comment = Comment.objects.create(
    post_id={post_id}, author_name="Rosa", email="rosa@example.org", body="Agreed.",
    body_html="<p>Agreed.</p>", status="approved", notify_on_publish=True,
    decided_at=timezone.now())
notify_commenter_published.enqueue(comment.pk)
print(comment.pk)
"""


def get(port: int, path: str, host: str | None = None) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host} if host else {}
    started = time.monotonic()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - started


def one_row(database: Path, sql: str, *params):
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(sql, params).fetchone()


def one_value(database: Path, sql: str, *params):
    return one_row(database, sql, *params)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--styles", type=int, default=200)
    parser.add_argument("--unknown", type=int, default=100)
    options = parser.parse_args()
    options.styles = max(1, min(options.styles, 1000))
    options.unknown = max(1, min(options.unknown, 1000))

    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
        database = Path(data_dir) / "masthead.sqlite3"
        port = free_port()
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": data_dir,
            "MASTHEAD_COLLECTED_STATIC": "true",
            "MASTHEAD_LOG_LEVEL": "ERROR",
            "MASTHEAD_SITE_URL": f"http://127.0.0.1:{port}",
        }
        env.pop("DATABASE_URL", None)
        print(f"Preparing a database in {data_dir} ...", flush=True)
        run([*MASTHEAD, "migrate", "--verbosity", "0"], env)
        run([*MASTHEAD, "collectstatic", "--noinput", "--verbosity", "0"], env)
        post_id = int(
            run([*MASTHEAD, "shell", "-c", SETUP], env, capture_output=True).stdout.split()[-1]
        )
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        import django

        django.setup()
        from masthead.citations import styles

        core = {"modern-language-association", "apa", "chicago-author-date"}
        wanted = [i for i in sorted(styles.all_style_ids()) if not i.startswith("chicago")]
        wanted = [i for i in wanted if i not in core][: options.styles]

        serve = [*MASTHEAD, "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--no-collectstatic"]  # fmt: skip
        # Its log names every 404 and 429 this run provokes on purpose.
        server = subprocess.Popen(
            serve,
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port)
            cite = "/bench/storage/cite/?style="

            print(f"1. One client asks for {len(wanted)} new styles (4 at a time) ...", flush=True)
            cpu_before = server_cpu_seconds(server.pid)
            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(lambda i: get(port, cite + quote(i)), wanted))
            cpu_used = server_cpu_seconds(server.pid) - cpu_before
            statuses: dict[int, int] = {}
            for status, _ in answers:
                statuses[status] = statuses.get(status, 0) + 1
            jobs = one_value(
                database,
                "select count(*) from django_tasks_database_dbtaskresult where task_path like ?",
                "%format_post_citations",
            )
            print(f"   answers by status: {dict(sorted(statuses.items()))}")
            print(f"   formatting jobs queued: {jobs}")
            print(f"   server CPU (web and worker): {cpu_used / len(answers) * 1000:.1f} ms "
                  "per answer")  # fmt: skip

            print("2. A commenter's mail queued behind those jobs ...", flush=True)
            run([*MASTHEAD, "shell", "-c", QUEUE_MAIL.format(post_id=post_id)], env,
                capture_output=True)  # fmt: skip
            mail = None
            deadline = time.monotonic() + 120
            while mail is None and time.monotonic() < deadline:
                time.sleep(0.2)
                mail = one_row(
                    database,
                    "select enqueued_at, finished_at from django_tasks_database_dbtaskresult "
                    "where task_path like ? and finished_at is not null",
                    "%notify_commenter_published",
                )
            if mail is None:
                print("   not sent within 120 s")
            else:
                enqueued_at, finished_at = (datetime.fromisoformat(value) for value in mail)
                behind = one_value(
                    database,
                    "select count(*) from django_tasks_database_dbtaskresult where task_path "
                    "like ? and (finished_at is null or finished_at > ?)",
                    "%format_post_citations",
                    mail[1],
                )
                print(f"   sent {(finished_at - enqueued_at).total_seconds():.1f} s after it "
                      f"was queued; {behind} formatting jobs ran after it")  # fmt: skip

            print("3. The PDF through five Host ports ...", flush=True)
            pdf = "/bench/storage.pdf"
            times = []
            rendered = set()
            for offset in range(5):
                status, seconds = get(port, pdf, host=f"127.0.0.1:{8001 + offset}")
                times.append(f"{seconds * 1000:.0f} ms ({status})")
                rendered.add(one_value(database, "select rendered_at from citations_printedpost"))
            print(f"   answers: {', '.join(times)}")
            print(f"   laid out {len(rendered)} time(s)")

            print(f"4. {options.unknown} invented style ids ...", flush=True)
            invented = [f"no-such-style-{n:04d}-{'x' * (n % 60)}" for n in range(options.unknown)]
            cpu_before = server_cpu_seconds(server.pid)
            answers = [get(port, cite + quote(i)) for i in invented]
            cpu_used = server_cpu_seconds(server.pid) - cpu_before
            mean = sum(seconds for _, seconds in answers) / len(answers)
            print(f"   statuses: {sorted({status for status, _ in answers})}; mean answer "
                  f"{mean * 1000:.1f} ms; server CPU {cpu_used / len(answers) * 1000:.1f} ms "
                  "per answer")  # fmt: skip
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)  # the group of the server we started
                server.wait()


if __name__ == "__main__":
    main()
