"""The fault drill: one part fails at a time under load, and no promise breaks.

The documented deployment on loopback: a PostgreSQL and a Redis of the drill's
own, two ``masthead serve --no-worker`` behind nginx running deploy/nginx.conf,
a separate ``masthead db_worker``; readers and commenters under bounded load
throughout. Then, one at a time:

1. an app server's main process is killed with SIGKILL (and started again);
2. Redis is stopped for a few seconds and started again (empty);
3. PostgreSQL is stopped for a few seconds and started again.

For each it prints comments acknowledged and stored, reader answers and errors,
and how long until reads and comments succeeded again. It fails (exit 1) on:
an acknowledged comment that is not stored; a pending comment's text in any
public answer; any 5xx on a public page while only Redis is down; a task
worker that did not survive. Times are figures, never pass/fail.

    .venv/bin/python bench/fault_drill.py [--hold 4]

Run by .ci/run after the PostgreSQL suite; about a minute and a half here.
"""

import argparse
import os
import re
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.caches import RestartableRedis  # noqa: E402
from harness.databases import ThrowawayPostgres  # noqa: E402
from harness.nginx import start_nginx, stop  # noqa: E402
from harness.sites import make_site  # noqa: E402

POST_PAGE = "/energy/grid-storage/"
PUBLIC_PAGES = ["/", "/energy/", POST_PAGE, "/feed/", "/api/v1/posts", "/archive/"]
# Every comment carries this, and none is approved: seen in a public answer, it is a leak.
PENDING_MARK = f"pendingmark{secrets.token_hex(4)}"
READERS = 4
COMMENTERS = 8
# The whole drill is bounded: a stuck phase ends it as a failure, not a hung CI job.
LONGEST_SECONDS = 600


class FromAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


@dataclass
class Answer:
    at: float
    kind: str  # "read" or "comment"
    status: int  # 0: no answer at all (connection refused, timed out)
    path: str = ""


@dataclass
class Ledger:
    answers: list[Answer] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    leaks: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def between(self, start: float, end: float, kind: str) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.kind == kind and start <= a.at < end]

    def first_success_after(self, moment: float, kind: str) -> float | None:
        ok = (200,) if kind == "read" else (302,)
        with self.lock:
            times = [a.at for a in self.answers if a.kind == kind and a.at >= moment
                     and a.status in ok]  # fmt: skip
        return min(times) - moment if times else None


def reader_loop(base: str, n: int, ledger: Ledger, stopping: threading.Event) -> None:
    session = requests.Session()
    session.mount("http://", FromAddress(f"127.0.0.{20 + n}"))
    i = n
    while not stopping.is_set():
        path = PUBLIC_PAGES[i % len(PUBLIC_PAGES)]
        i += 1
        started = time.monotonic()
        try:
            answer = session.get(base + path, timeout=10)
            status, text = answer.status_code, answer.text
        except requests.RequestException:
            status, text = 0, ""
        ledger.add(Answer(started, "read", status, path))
        if PENDING_MARK in text:
            with ledger.lock:
                ledger.leaks.append(path)
        stopping.wait(0.05)


def commenter_loop(base: str, post_id: int, n: int, ledger: Ledger, stopping: threading.Event):
    session = requests.Session()
    session.mount("http://", FromAddress(f"127.0.0.{100 + n}"))
    session.headers["Origin"] = base
    sent = 0
    while not stopping.is_set():
        started = time.monotonic()
        try:
            page = session.get(base + POST_PAGE, timeout=10).text
            token = re.search(r'name="started" value="([^"]+)"', page).group(1)
        except (requests.RequestException, AttributeError):
            ledger.add(Answer(started, "comment", 0))
            stopping.wait(0.3)
            continue
        sent += 1
        text = f"Note {n}-{sent} on storage {PENDING_MARK}"
        try:
            answer = session.post(
                f"{base}/comments/{post_id}/",
                data={"author_name": f"Drill {n}", "email": f"drill{n}@example.org",
                      "body": text, "started": token},
                allow_redirects=False, timeout=15,
            )  # fmt: skip
            status = answer.status_code
            if status == 302 and "/comments/status/" in answer.headers.get("Location", ""):
                with ledger.lock:
                    ledger.acknowledged.add(text)
        except requests.RequestException:
            status = 0
        ledger.add(Answer(started, "comment", status))
        stopping.wait(0.2)


def answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/robots.txt", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def stored_texts(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT body FROM discussion_comment WHERE body LIKE %s", (f"%{PENDING_MARK}%",)
        ).fetchall()
    return {row[0] for row in rows}


def summarise(name: str, ledger: Ledger, start: float, end: float, recovered_from: float):
    reads = ledger.between(start, end, "read")
    comments = ledger.between(start, end, "comment")
    read_statuses = Counter(a.status for a in reads)
    read_errors = sum(n for status, n in read_statuses.items() if status == 0 or status >= 500)
    acks = sum(1 for a in comments if a.status == 302)
    read_back = ledger.first_success_after(recovered_from, "read")
    comment_back = ledger.first_success_after(recovered_from, "comment")
    print(
        f"{name:<22} reads {len(reads):>5}, errors {read_errors:>4} "
        f"({dict(sorted(read_statuses.items()))}); comments sent {len(comments):>4}, "
        f"acknowledged {acks:>4}; back after: reads "
        f"{'—' if read_back is None else f'{read_back:.1f} s'}, comments "
        f"{'—' if comment_back is None else f'{comment_back:.1f} s'}",
        flush=True,
    )


def took_too_long(signum, frame):
    raise TimeoutError(f"the drill took longer than {LONGEST_SECONDS} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hold", type=float, default=4.0, help="seconds each part stays down")
    args = parser.parse_args()
    # Ends the drill (and fails CI) if something hangs, through the cleanup below: an
    # exception, not the alarm's default exit, which would leave the servers running.
    signal.signal(signal.SIGALRM, took_too_long)
    signal.alarm(LONGEST_SECONDS)
    began = time.monotonic()
    failures: list[str] = []
    postgres = ThrowawayPostgres().start()
    redis = RestartableRedis().start()
    site = nginx = None
    workdir = postgres.folder / "drill"
    try:
        for folder in ("data", "nginx", "published"):
            (workdir / folder).mkdir(parents=True)
        site = make_site(
            workdir / "data",
            DATABASE_URL=postgres.create_database(),
            REDIS_URL=redis.url,
            MASTHEAD_TRUSTED_PROXIES="127.0.0.1",
            MASTHEAD_COMMENT_MIN_SECONDS="0",
            MASTHEAD_COMMENT_RATE_LIMIT_PER_IP="100000",
            MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL="100000",
            MASTHEAD_SERVER_THREADS="2",
            PYTHONUNBUFFERED="1",
        )
        # One after the other: the first collects the static files both serve.
        ports = [site.serve("--no-worker"), site.serve("--no-worker", "--no-collectstatic")]
        worker = site.start("worker", "db_worker", "--interval", "0.5", "--no-reload",
                            "--no-startup-delay")  # fmt: skip
        nginx, nginx_port = start_nginx(workdir / "nginx", root=workdir / "published",
                                        app_ports=ports, media=site.data_dir)  # fmt: skip
        base = f"http://127.0.0.1:{nginx_port}"
        print(f"Set up in {time.monotonic() - began:.0f} s: PostgreSQL, Redis, two app servers "
              f"(ports {ports[0]}, {ports[1]}), a task worker, nginx on {nginx_port}.",
              flush=True)  # fmt: skip

        ledger, stopping = Ledger(), threading.Event()
        load = [threading.Thread(target=reader_loop, args=(base, n, ledger, stopping))
                for n in range(READERS)]  # fmt: skip
        load += [threading.Thread(target=commenter_loop,
                                  args=(base, site.post_id, n, ledger, stopping))
                 for n in range(COMMENTERS)]  # fmt: skip
        for thread in load:
            thread.start()
        time.sleep(3)
        print(
            f"{'part':<22} figures for the fault's window (from the fault until 3 s after "
            "the part is back)",
            flush=True,
        )

        # 1. An app server's main process killed outright; started again.
        first = site.processes[0]
        start = time.monotonic()
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        time.sleep(args.hold)
        # Started again on its own port, the one nginx lists.
        site.start("serve-again", "serve", "--port", str(ports[0]), "--workers", "1",
                   "--no-worker", "--no-collectstatic")  # fmt: skip
        while not answers(ports[0]):
            time.sleep(0.2)
        back = time.monotonic()
        time.sleep(3)
        summarise("app server SIGKILL", ledger, start, time.monotonic(), start)
        print(
            f"{'':<22} the killed server was serving again after {back - start:.1f} s "
            "(a new `masthead serve` on its port)",
            flush=True,
        )

        # 2. Redis stopped and started again (empty).
        start = time.monotonic()
        redis.stop()
        time.sleep(args.hold)
        redis_down = (start, time.monotonic())
        redis.start()
        back = time.monotonic()
        time.sleep(3)
        summarise("Redis restart", ledger, start, time.monotonic(), back)
        errors_while_down = [
            a for a in ledger.between(*redis_down, "read") if a.status == 0 or a.status >= 500
        ]
        if errors_while_down:
            failures.append(
                f"{len(errors_while_down)} public pages answered an error while only Redis "
                f"was down: {Counter((a.path, a.status) for a in errors_while_down)}"
            )

        # 3. PostgreSQL stopped and started again.
        start = time.monotonic()
        postgres.stop()
        time.sleep(args.hold)
        postgres.start()
        back = time.monotonic()
        time.sleep(3)
        summarise("PostgreSQL restart", ledger, start, time.monotonic(), back)

        stopping.set()
        for thread in load:
            thread.join(timeout=30)

        stored = stored_texts(postgres.url)
        lost = ledger.acknowledged - stored
        print(f"Acknowledged {len(ledger.acknowledged)} comments, {len(stored)} stored; "
              f"acknowledged but not stored: {len(lost)}.", flush=True)  # fmt: skip
        print(f"Public answers showing a pending comment's text: {len(ledger.leaks)}.")
        if lost:
            failures.append(f"{len(lost)} acknowledged comments were lost, e.g. {sorted(lost)[:3]}")
        if ledger.leaks:
            failures.append(f"pending text was public on {Counter(ledger.leaks)}")
        if worker.poll() is not None:
            failures.append(f"the task worker exited ({worker.returncode}) during the drill")
        else:
            print("The task worker ran through all three faults.")
    finally:
        if nginx:
            stop(nginx)
        if site:
            site.stop_all()
        redis.stop()
        postgres.remove()
    print(f"Drill took {time.monotonic() - began:.0f} s.")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
