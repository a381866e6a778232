"""Comment submissions under load, and the 1,000-comment post page.

Starts its own server (``masthead serve``) on 127.0.0.1 with a temporary
MASTHEAD_DATA_DIR and a freshly migrated SQLite database holding two posts:
one to comment on, and one with 1,000 approved comments. Then:

1. 32 concurrent clients POST distinct comments for 10 s; prints accepted
   submissions per second and checks that the rows in the database equal the
   accepted answers (every accepted comment committed, none twice);
2. 32 concurrent clients GET the 1,000-comment post page for 10 s; prints
   requests per second.

Rate limits are raised for the run (all clients share one IP); every other
check (origin, signed timestamp, flags, duplicate detection) stays on.

    .venv/bin/python bench/comments_load.py [--clients 32] [--seconds 10] [--interface wsgi]

Prints figures; never passes or fails on time.
"""

import argparse
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import tree_cpu_seconds  # noqa: E402 - the sibling module, wherever this is run from

MASTHEAD = [sys.executable, "-m", "masthead.cli"]

SETUP = """
import datetime
from django.utils import timezone
from masthead.publishing.models import Blog, Institution, Post
from masthead.discussion.models import Comment, Thread

Institution.objects.create(name="Bench Institute", short_name="Bench")
blog = Blog.objects.create(name="Bench Blog", slug="bench", tagline="Load")
when = timezone.now() - datetime.timedelta(days=1)
target = Post.objects.create(blog=blog, title="Comment here", slug="comment-here",
                             status="published", publish_at=when, body="Say something.")
long = Post.objects.create(blog=blog, title="A long thread", slug="long-thread",
                           status="published", publish_at=when, body="Much discussed.")
comments = []
for n in range(1000):
    c = Comment(post=long, author_name=f"Reader {n}", email=f"r{n}@example.org",
                status="approved", created_at=when + datetime.timedelta(seconds=n))
    c.set_text(f"Comment {n}: a considered view with a link https://example.org/{n}.")
    comments.append(c)
Comment.objects.bulk_create(comments, batch_size=200)
thread, _ = Thread.objects.get_or_create(post=long)
thread.recount()
print(target.pk)
"""


# A form sent sooner than this after its page was served is flagged as "too fast".
FORM_TOKEN_AGE_SECONDS = 3


def comment_form_token(port: int, path: str) -> str:
    """The signed ``started`` token of the comment form on the page at ``path``."""
    page = http.client.HTTPConnection("127.0.0.1", port)
    page.request("GET", path)
    html = page.getresponse().read().decode()
    page.close()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def comment_fields(client, sequence, started: str) -> dict[str, str]:
    """The form a commenter sends: distinct per client and sequence, so none is a duplicate."""
    return {
        "author_name": f"Load client {client}",
        "email": f"client{client}@example.org",
        "body": f"Comment {sequence} from client {client}: measured under load.",
        "started": started,
        "website": "",
    }


def comment_headers(origin: str) -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}


def comment_accepted(status: int, location: str | None) -> bool:
    """An accepted comment is answered with a redirect to its status page."""
    return status in (302, 303) and "/comments/status/" in (location or "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, text=True, **kwargs)


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not start on port {port} within {timeout} s.")


def hammer(port, seconds, clients, make_request, is_success, server_pid):
    """``clients`` threads, each with one keep-alive connection, for ``seconds``."""
    successes = [0] * clients
    failures = [0] * clients
    stop_at = time.monotonic() + seconds

    def client(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sequence = 0
        while time.monotonic() < stop_at:
            sequence += 1
            method, path, body, headers = make_request(number, sequence)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failures[number] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if is_success(response):
                successes[number] += 1
            else:
                failures[number] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    server_before = tree_cpu_seconds(server_pid)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server_used = tree_cpu_seconds(server_pid) - server_before
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    print(f"  (the load clients themselves used {client_cpu:.1f} CPU-seconds of {elapsed:.1f} s; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    done = sum(successes)
    if done:
        per_request = server_used / done * 1000
        print(f"  (server CPU: {server_used:.1f} s, {per_request:.1f} ms per answer: about "
              f"{1000 / per_request:.0f}/s per free core)")  # fmt: skip
    return done, sum(failures), elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, help="Granian processes (default: as serve)")
    parser.add_argument("--threads", type=int, help="threads per process (default: as serve)")
    parser.add_argument("--interface", choices=["asgi", "wsgi"], default="asgi",
                        help="serve --interface (default: asgi, as serve)")  # fmt: skip
    options = parser.parse_args()
    options.clients = max(1, min(options.clients, 64))
    options.seconds = max(1.0, min(options.seconds, 30.0))

    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
        port = free_port()
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": data_dir,
            "MASTHEAD_COLLECTED_STATIC": "true",
            "MASTHEAD_COMMENT_RATE_LIMIT_PER_IP": "100000000",
            "MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL": "100000000",
            "MASTHEAD_LOG_LEVEL": "ERROR",
        }
        env.pop("DATABASE_URL", None)
        print(f"Preparing a database in {data_dir} ...", flush=True)
        run([*MASTHEAD, "migrate", "--verbosity", "0"], env)
        run([*MASTHEAD, "collectstatic", "--noinput", "--verbosity", "0"], env)
        post_id = int(
            run([*MASTHEAD, "shell", "-c", SETUP], env, capture_output=True).stdout.split()[-1]
        )

        serve = [*MASTHEAD, "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--no-collectstatic"]  # fmt: skip
        if options.workers:
            serve += ["--workers", str(options.workers)]
        if options.threads:
            serve += ["--threads", str(options.threads)]
        serve += ["--interface", options.interface]
        server = subprocess.Popen(serve, env=env, cwd=ROOT, start_new_session=True)
        try:
            wait_for_port(port)
            origin = f"http://127.0.0.1:{port}"
            started = comment_form_token(port, "/bench/comment-here/")
            time.sleep(FORM_TOKEN_AGE_SECONDS)  # let the form token age past the "too fast" flag

            def comment_request(client, sequence):
                body = urlencode(comment_fields(client, sequence, started))
                return "POST", f"/comments/{post_id}/", body, comment_headers(origin)

            def accepted(response):
                return comment_accepted(response.status, response.getheader("Location"))

            print(f"POST: {options.clients} clients for {options.seconds:.0f} s ...", flush=True)
            ok, failed, elapsed = hammer(
                port, options.seconds, options.clients, comment_request, accepted, server.pid
            )
            rows = int(
                run(
                    [*MASTHEAD, "shell", "-c",
                     "from masthead.discussion.models import Comment;"
                     f"print(Comment.objects.filter(post_id={post_id}).count())"],
                    env, capture_output=True,
                ).stdout.split()[-1]
            )  # fmt: skip
            print(f"  accepted answers: {ok}  (other answers or errors: {failed})")
            print(f"  accepted per second: {ok / elapsed:.0f}")
            print(f"  comment rows afterwards: {rows}  -> {'equal' if rows == ok else 'DIFFERENT'}")

            def page_request(client, sequence):
                return "GET", "/bench/long-thread/", None, {}

            warm = http.client.HTTPConnection("127.0.0.1", port)
            for _ in range(16):
                warm.request("GET", "/bench/long-thread/")
                body = warm.getresponse().read().decode()
            assert "1000 Comments" in body, "the long thread did not render its count"
            print(f"GET 1,000-comment post page: {options.clients} clients for "
                  f"{options.seconds:.0f} s ...", flush=True)  # fmt: skip
            ok, failed, elapsed = hammer(
                port,
                options.seconds,
                options.clients,
                page_request,
                lambda r: r.status == 200,
                server.pid,
            )
            size = len(body.encode()) / 1024
            print(f"  pages per second: {ok / elapsed:.0f}  (errors: {failed}; "
                  f"page size {size:.0f} KiB, 50 comments per page)")  # fmt: skip
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)  # the group of the server we started
                server.wait()


if __name__ == "__main__":
    main()
