"""Comment intake under load, and what happens to it when an app server is killed.

Starts its own servers (``masthead serve``) on 127.0.0.1 with a temporary
MASTHEAD_DATA_DIR and a freshly migrated SQLite database holding one post. Then:

1. **Intake**: 32 clients, each with a keep-alive connection, POST distinct
   comments for 10 s through the whole path (Origin check, the signed form
   token taken from the post page, validation, flags, rate limits, cleaning
   and sanitising, one INSERT). Prints accepted comments per second, p50
   and p99 of the accepted answers, and the rows stored against the accepted
   answers (the redirects to the status page): they must be equal, and every
   acknowledged comment's private link must name a stored row.
2. **SIGKILL**: two ``masthead serve`` processes on the same database, the
   clients split between them; half-way through, one is killed with SIGKILL
   (its whole process group, by PID) and its clients carry on against the other,
   as a proxy in front would send them. Every comment acknowledged before the
   kill (and after it) must be stored; comments in flight at the kill may be
   stored without an answer, never answered without being stored.

Every comment comes from a reader of its own, as a crowd's would: the load reaches
the servers from 127.0.0.1, which the run declares a trusted proxy
(``MASTHEAD_TRUSTED_PROXIES``, as behind ``deploy/nginx.conf``), and each request
names a distinct reader's address in ``X-Forwarded-For`` and a distinct email. So
the rate limits stay at their defaults and every check runs as it would for the
public. ``--one-address`` instead sends everything as 32 senders from 127.0.0.1,
with the per-address and per-address-book limits raised for the run (the counts
then grow with the run: each check reads every comment of the window).

``--against DIR`` measures another checkout (its .venv) in the same run, side by
side, and prints the ratio. ``--profile`` instead runs 400 submissions in this
process under cProfile and prints (and saves) where the time goes.

    .venv/bin/python bench/comment_intake.py [--clients 32] [--seconds 10]
        [--workers N] [--threads N] [--interface asgi|wsgi] [--against /work/main]
        [--ports 18720-18739]
    .venv/bin/python bench/comment_intake.py --profile [--profile-out intake.prof]

Prints figures; never passes or fails on time.
"""

import argparse
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import tree_cpu_seconds  # noqa: E402 - the sibling module, wherever this is run from

SETUP = """
import datetime
from django.utils import timezone
from masthead.publishing.models import Blog, Institution, Post
Institution.objects.create(name="Bench Institute", short_name="Bench")
blog = Blog.objects.create(name="Bench Blog", slug="bench", tagline="Load")
when = timezone.now() - datetime.timedelta(days=1)
post = Post.objects.create(blog=blog, title="Comment here", slug="comment-here",
                           status="published", publish_at=when, body="Say something.")
print(post.pk)
"""

BENCH_SETTINGS = {
    "MASTHEAD_COLLECTED_STATIC": "true",
    "MASTHEAD_LOG_LEVEL": "ERROR",
    # The clients stand for a proxy in front: X-Forwarded-For names each reader.
    "MASTHEAD_TRUSTED_PROXIES": "127.0.0.1",
}
# With --one-address: every client is 127.0.0.1 itself, so the limits are raised.
ONE_ADDRESS_SETTINGS = {
    "MASTHEAD_COMMENT_RATE_LIMIT_PER_IP": "100000000",
    "MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL": "100000000",
    "MASTHEAD_TRUSTED_PROXIES": "",
}


def reader_address(client: int, sequence: int) -> str:
    """A distinct address per client and comment (10.0.0.0/8, 65,536 per client)."""
    return f"10.{client % 256}.{sequence // 256 % 256}.{sequence % 256}"


# Ports the servers may take (``--ports FIRST-LAST``); empty: any free port.
PORT_RANGE: list[int] = []


def free_port() -> int:
    for port in PORT_RANGE or [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            if port:
                PORT_RANGE.remove(port)  # each server its own, even before it listens
            return probe.getsockname()[1]
    raise SystemExit("No free port left in --ports.")


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The server on port {port} exited with {process.returncode}.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/robots.txt")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"The server did not start on port {port} within {timeout} s.")


class Checkout:
    """A Masthead checkout and its virtualenv: the code under measurement."""

    def __init__(self, root: Path):
        self.root = root
        # Its own virtualenv if it has one; else this one's (``python -m`` puts the
        # checkout first on the path, so its own code runs).
        own = root / ".venv" / "bin" / "python"
        self.python = own if own.exists() else Path(sys.executable)

    def masthead(self, *args: str) -> list[str]:
        return [str(self.python), "-m", "masthead.cli", *args]

    def run(self, env, *args, capture=False) -> str:
        done = subprocess.run(self.masthead(*args), env=env, cwd=self.root, check=True,
                              text=True, capture_output=capture)  # fmt: skip
        return done.stdout if capture else ""


@dataclass
class Tally:
    """What the clients saw: each acknowledged comment's private token, when, and latency."""

    acknowledged: list[tuple[float, str]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    other_answers: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


STATUS_LINK = re.compile(r"/comments/status/([^/]+)/")


def hammer(
    ports,
    seconds,
    clients,
    post_id,
    form_token,
    origin_port_of,
    on_halfway=None,
    at_least=0,
    first_client=0,
    one_address=False,
):
    """``clients`` threads posting comments for ``seconds``; client n starts on ports[n % len].

    A client whose server stops answering moves on to the next port, as a proxy would.
    """
    tally = Tally()
    stop_at = time.monotonic() + seconds
    dead_ports: set[int] = set()

    def client(number):
        port_index = number % len(ports)
        connection = None
        sequence = 0
        while time.monotonic() < stop_at or sequence < at_least:
            port = ports[port_index]
            if port in dead_ports:
                port_index = (port_index + 1) % len(ports)
                connection = None
                continue
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            sequence += 1
            sender = f"{number}" if one_address else f"{number}-{sequence}"
            body = urlencode({
                "author_name": f"Load client {sender}",
                "email": f"client{sender}@example.org",
                "body": f"Comment {sequence} from client {number}: measured under load, "
                        "with a link https://example.org/notes and some *words*.",
                "started": form_token,
                "website": "",
            })  # fmt: skip
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{origin_port_of(port)}",
            }
            if not one_address:
                headers["X-Forwarded-For"] = reader_address(number, sequence)
            started = time.perf_counter()
            try:
                connection.request("POST", f"/comments/{post_id}/", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with tally.lock:
                    tally.errors += 1
                connection.close()
                connection = None
                if len(ports) > 1:
                    port_index = (port_index + 1) % len(ports)
                continue
            elapsed = time.perf_counter() - started
            found = STATUS_LINK.search(response.getheader("Location") or "")
            with tally.lock:
                if response.status in (302, 303) and found:
                    tally.acknowledged.append((time.monotonic(), found.group(1)))
                    tally.latencies.append(elapsed)
                else:
                    tally.other_answers += 1
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(first_client + n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    killed_at = None
    if on_halfway is not None:
        time.sleep(seconds / 2)
        killed_at = time.monotonic()
        dead_ports.add(on_halfway())
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started, killed_at


def warm_up(port: int, post_id: int, form_token: str, one_address: bool, count: int = 24) -> None:
    """A few comments first, so every worker has loaded its code before the clock starts."""
    hammer([port], 0.0, 1, post_id, form_token, lambda p: p, at_least=count, first_client=1000,
           one_address=one_address)  # fmt: skip


def stored_tokens(database: Path, post_id: int) -> set[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT status_token FROM discussion_comment WHERE post_id = ? AND status = 'pending'",
            (post_id,),
        ).fetchall()
    return {token for (token,) in rows}


def percentile(values, fraction) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Site:
    """A fresh data folder with one post, and the servers started on it."""

    def __init__(self, checkout: Checkout, data_dir: str, one_address: bool):
        self.checkout = checkout
        self.data_dir = Path(data_dir)
        self.env = {**os.environ, "MASTHEAD_DATA_DIR": data_dir, **BENCH_SETTINGS}
        if one_address:
            self.env.update(ONE_ADDRESS_SETTINGS)
        for name in ("DATABASE_URL", "REDIS_URL"):
            self.env.pop(name, None)
        checkout.run(self.env, "migrate", "--verbosity", "0")
        checkout.run(self.env, "collectstatic", "--noinput", "--verbosity", "0")
        self.post_id = int(checkout.run(self.env, "shell", "-c", SETUP, capture=True).split()[-1])
        self.servers: dict[int, subprocess.Popen] = {}

    @property
    def database(self) -> Path:
        return self.data_dir / "masthead.sqlite3"

    def serve(self, options) -> int:
        port = free_port()
        command = self.checkout.masthead("serve", "--host", "127.0.0.1", "--port", str(port),
                                         "--no-collectstatic", "--no-worker",
                                         "--interface", options.interface)  # fmt: skip
        if options.workers:
            command += ["--workers", str(options.workers)]
        if options.threads:
            command += ["--threads", str(options.threads)]
        # A session of its own: killing its process group kills that server and nothing else.
        process = subprocess.Popen(command, env=self.env, cwd=self.checkout.root,
                                   start_new_session=True)  # fmt: skip
        self.servers[port] = process
        wait_for_port(port, process)
        return port

    def kill(self, port: int) -> int:
        os.killpg(self.servers[port].pid, signal.SIGKILL)
        self.servers[port].wait()
        return port

    def form_token(self, port: int) -> str:
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        page.request("GET", "/bench/comment-here/")
        html = page.getresponse().read().decode()
        return re.search(r'name="started" value="([^"]+)"', html).group(1)

    def stop(self) -> None:
        for process in self.servers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def measure(checkout: Checkout, options) -> float:
    """Both runs against one checkout; returns accepted comments per second of the first."""
    print(f"== {checkout.root} ==", flush=True)
    with tempfile.TemporaryDirectory(prefix="masthead-intake-") as data_dir:
        site = Site(checkout, data_dir, options.one_address)
        try:
            port = site.serve(options)
            token = site.form_token(port)
            time.sleep(3)  # the form ages past the "sent too fast" flag, as a reader's would
            warm_up(port, site.post_id, token, options.one_address)
            warmed = stored_tokens(site.database, site.post_id)
            cpu_before = tree_cpu_seconds(site.servers[port].pid)

            senders = ("from 127.0.0.1, limits raised" if options.one_address
                       else "each comment from its own reader")  # fmt: skip
            print(f"Intake: {options.clients} clients ({senders}) for {options.seconds:.0f} s, "
                  "one server "
                  f"(--workers {options.workers or 'default'} --threads "
                  f"{options.threads or 'default'} --interface {options.interface}) ...",
                  flush=True)  # fmt: skip
            client_cpu_before = time.process_time()
            tally, elapsed, _ = hammer([port], options.seconds, options.clients, site.post_id,
                                       token, lambda p: p,
                                       one_address=options.one_address)  # fmt: skip
            client_cpu_ms = (time.process_time() - client_cpu_before) * 1000
            rate = len(tally.acknowledged) / elapsed
            cpu_ms = (tree_cpu_seconds(site.servers[port].pid) - cpu_before) * 1000
            stored = stored_tokens(site.database, site.post_id) - warmed
            missing = {t for _, t in tally.acknowledged} - stored
            print(f"  accepted: {len(tally.acknowledged)} in {elapsed:.1f} s = {rate:.0f}/s   "
                  f"p50 {percentile(tally.latencies, 0.5) * 1000:.0f} ms   "
                  f"p99 {percentile(tally.latencies, 0.99) * 1000:.0f} ms   "
                  f"(other answers {tally.other_answers}, errors {tally.errors})")  # fmt: skip
            if tally.acknowledged:
                per_comment = cpu_ms / len(tally.acknowledged)
                print(f"  server CPU: {per_comment:.2f} ms per accepted comment, so about "
                      f"{1000 / per_comment:.0f}/s per free core, "
                      f"{1000 / per_comment * (os.cpu_count() or 1):.0f}/s if the server had "
                      "every core to itself")  # fmt: skip
                print(
                    f"  client CPU (this script's {options.clients} threads): "
                    f"{client_cpu_ms / len(tally.acknowledged):.2f} ms per accepted comment"
                )
            print(f"  rows stored: {len(stored)}  vs accepted answers: {len(tally.acknowledged)}"
                  f"  -> {'equal' if len(stored) == len(tally.acknowledged) else 'DIFFERENT'};"
                  f" acknowledged but not stored: {len(missing)}")  # fmt: skip
            site.stop()
            site.servers.clear()
            if options.no_kill:
                return rate

            ports = [site.serve(options), site.serve(options)]
            for each in ports:
                warm_up(each, site.post_id, token, options.one_address)
            before = stored_tokens(site.database, site.post_id)
            victim = ports[0]
            print(f"SIGKILL: {options.clients} clients for {options.seconds:.0f} s on two servers; "
                  f"the one on port {victim} is killed half-way ...", flush=True)  # fmt: skip
            tally, elapsed, killed_at = hammer(
                ports, options.seconds, options.clients, site.post_id, token, lambda p: p,
                on_halfway=lambda: site.kill(victim),
                first_client=100,  # new senders: the first run's texts would be "already received"
                one_address=options.one_address,
            )  # fmt: skip
            stored = stored_tokens(site.database, site.post_id) - before
            acknowledged = {t for _, t in tally.acknowledged}
            before_kill = {t for when, t in tally.acknowledged if when < killed_at}
            print(
                f"  acknowledged: {len(acknowledged)} ({len(before_kill)} before the kill), "
                f"{len(acknowledged) / elapsed:.0f}/s; errors at the kill: {tally.errors}"
            )
            print(
                f"  acknowledged before the kill and stored: "
                f"{len(before_kill & stored)}/{len(before_kill)}; all acknowledged stored: "
                f"{len(acknowledged & stored)}/{len(acknowledged)} -> "
                f"{'OK' if acknowledged <= stored else 'LOST ACKNOWLEDGED COMMENTS'}"
            )
            print(
                f"  stored without an answer (in flight at the kill): {len(stored - acknowledged)}"
            )
            return rate
        finally:
            site.stop()


def profile(options) -> None:
    """Submissions through Django's whole handler in this process, under cProfile."""
    import cProfile
    import pstats

    data_dir = tempfile.mkdtemp(prefix="masthead-intake-profile-")
    os.environ.update(BENCH_SETTINGS)
    os.environ.update(MASTHEAD_COLLECTED_STATIC="false", MASTHEAD_DATA_DIR=data_dir,
                      DJANGO_SETTINGS_MODULE="masthead.settings")  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from masthead.discussion.abuse import new_form_token

    call_command("migrate", verbosity=0)
    namespace: dict = {}
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(SETUP, namespace)  # noqa: S102 - our own setup text above
    post_id = int(printed.getvalue().split()[-1])
    client = Client(HTTP_ORIGIN="http://127.0.0.1:8000", HTTP_HOST="127.0.0.1:8000")
    token = new_form_token()

    def submit(n):
        body = urlencode({"author_name": f"Client {n}", "email": f"c{n}@example.org",
                          "body": f"Comment {n}: measured, with a link https://example.org/x.",
                          "started": token, "website": ""})  # fmt: skip
        response = client.post(f"/comments/{post_id}/", body,
                               content_type="application/x-www-form-urlencoded",
                               HTTP_X_FORWARDED_FOR=reader_address(0, n))  # fmt: skip
        assert response.status_code in (302, 303), response.status_code

    for n in range(50):
        submit(n)
    count = 400
    cpu = time.process_time()
    for n in range(50, 50 + count):
        submit(n)
    cpu_ms = (time.process_time() - cpu) / count * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(50 + count, 50 + 2 * count):
        submit(n)
    profiler.disable()
    print(
        f"One process, Django's test client (no HTTP server): {cpu_ms:.2f} ms CPU per "
        f"accepted comment without the profiler ({1000 / cpu_ms:.0f}/s per free core)."
    )
    stats = pstats.Stats(profiler)
    stats.dump_stats(options.profile_out)
    print(
        f"Profile of {count} submissions saved to {options.profile_out}; "
        "the 30 biggest cumulative entries:"
    )
    stats.sort_stats("cumulative").print_stats(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, help="Granian processes per server")
    parser.add_argument("--threads", type=int, help="threads per process")
    parser.add_argument("--interface", choices=["asgi", "wsgi"], default="asgi")
    parser.add_argument("--against", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--no-kill", action="store_true", help="skip the SIGKILL run")
    parser.add_argument("--one-address", action="store_true",
                        help="32 senders from 127.0.0.1 with the rate limits raised")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="profile in-process instead")
    parser.add_argument("--profile-out", default="comment_intake.prof")
    parser.add_argument("--ports", help="FIRST-LAST: the servers take ports from this range only")
    options = parser.parse_args()
    if options.ports:
        first, _, last = options.ports.partition("-")
        PORT_RANGE.extend(range(int(first), int(last or first) + 1))
    options.clients = max(1, min(options.clients, 64))
    options.seconds = max(2.0, min(options.seconds, 20.0))
    if options.profile:
        profile(options)
        return
    ours = measure(Checkout(ROOT), options)
    if options.against:
        theirs = measure(Checkout(options.against.resolve()), options)
        print(f"Accepted comments/s: this checkout {ours:.0f}, {options.against} {theirs:.0f} "
              f"-> ratio {ours / theirs:.2f}")  # fmt: skip
    print(
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; other work on "
        "the machine lowers every figure)"
    )


if __name__ == "__main__":
    main()
