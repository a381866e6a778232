"""Readers' latency while slow clients trickle comment bodies, per server interface.

For each interface asked for (``--interfaces asgi,wsgi``), starts ``masthead
serve`` on a free 127.0.0.1 port with its own temporary data folder and a post
to read, then:

1. a reader GETs the post page ``--reads`` times (new connection each time):
   latency p50 / p99 with nobody else connected;
2. ``--slow`` connections send a comment POST's headers (valid Origin, a
   Content-Length of 1,000 bytes) and then one byte of the body a second;
3. after two seconds the reader GETs the post page ``--reads`` times again,
   each with a 10 s timeout: latency p50 / p99 and how many got no answer
   (three unanswered in a row end the phase: the server is not answering);
4. prints how many slow connections were still open, answered or cut off.

The server runs with the same settings for both interfaces (one process,
``--threads`` threads, 5 by default: what ``masthead serve`` uses on two
cores). Everything is bounded: at most 1,000 slow connections, 200 reads,
``--hold`` seconds of trickling per interface. Only the processes this script
starts are stopped, by their PID.

    .venv/bin/python bench/slow_clients.py [--slow 50] [--reads 40] [--interfaces asgi,wsgi]

Prints figures; never passes or fails on time.
"""

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = [sys.executable, "-m", "masthead.cli"]
READ_TIMEOUT = 10.0
BODY_LENGTH = 1000

SETUP = """
import datetime
from django.utils import timezone
from masthead.publishing.models import Blog, Institution, Post
Institution.objects.create(name="Bench Institute", short_name="Bench")
blog = Blog.objects.create(name="Bench Blog", slug="bench", tagline="Slow clients")
post = Post.objects.create(blog=blog, title="Read me", slug="read-me", status="published",
                           publish_at=timezone.now() - datetime.timedelta(days=1),
                           body="A post readers want to read while others type slowly.")
print(post.pk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[float, int | None]:
    """Seconds until the whole answer came, and its status (None: no answer in time)."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT) as connection:
            connection.sendall(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
            )
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
    except OSError:
        return time.monotonic() - started, None
    answer = b"".join(chunks)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else None
    return time.monotonic() - started, status


def read_pages(port: int, path: str, count: int) -> dict:
    """``count`` reads, one after the other; three unanswered in a row end the phase early."""
    latencies, unanswered, in_a_row = [], 0, 0
    for _ in range(count):
        seconds, status = get(port, path)
        latencies.append(seconds)
        if status == 200:
            in_a_row = 0
            continue
        unanswered += 1
        in_a_row += 1
        if in_a_row == 3:
            break
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        "unanswered": unanswered,
        "count": len(latencies),
    }


class SlowClients:
    """Connections that send a comment's headers, then one body byte per second each."""

    def __init__(self, port: int, post_id: int, count: int):
        self.port, self.post_id, self.count = port, post_id, count
        self.sockets: list[socket.socket] = []
        self.answered: dict[str, int] = {}
        self.cut_off = 0
        self.refused_at_connect = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def open(self) -> None:
        head = (
            f"POST /comments/{self.post_id}/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\n"
            f"Origin: http://127.0.0.1:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {BODY_LENGTH}\r\n\r\n"
        ).encode()
        for _ in range(self.count):
            try:
                connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                connection.sendall(head)
                connection.setblocking(False)
                self.sockets.append(connection)
            except OSError:
                self.refused_at_connect += 1
        self._thread.start()

    def _trickle(self) -> None:
        while not self._stop.wait(1.0):
            for connection in list(self.sockets):
                try:
                    data = connection.recv(65536)
                except BlockingIOError:
                    data = None
                except OSError:
                    data = b""
                if data is not None:  # an answer, or the server closed the connection
                    if data:
                        status = data.split(b" ", 2)[1].decode(errors="replace")
                        self.answered[status] = self.answered.get(status, 0) + 1
                    else:
                        self.cut_off += 1
                    self.sockets.remove(connection)
                    connection.close()
                    continue
                try:
                    connection.send(b"x")
                except OSError:
                    self.cut_off += 1
                    self.sockets.remove(connection)
                    connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self.sockets:
            connection.close()


def process_tree_rss_mb(root_pid: int) -> float:
    """Resident memory of the server and its children, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"masthead serve exited with code {process.returncode}")
        if get(port, "/robots.txt")[1] == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"The server did not answer on port {port} within {timeout} s.")


def measure(interface: str, options, env, post_path: str, post_id: int) -> dict:
    port = free_port()
    serve = [*MASTHEAD, "serve", "--port", str(port), "--workers", "1",
             "--threads", str(options.threads), "--interface", interface,
             "--no-collectstatic", "--no-worker"]  # fmt: skip
    server = subprocess.Popen(serve, env=env, cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    slow = None
    try:
        wait_until_serving(port, server)
        for _ in range(5):
            get(port, post_path)  # warm the page cache, as a site in use would be
        alone = read_pages(port, post_path, options.reads)
        rss_before = process_tree_rss_mb(server.pid)
        slow = SlowClients(port, post_id, options.slow)
        slow.open()
        time.sleep(2)
        crowded_started = time.monotonic()
        crowded = read_pages(port, post_path, options.reads)
        rss_during = process_tree_rss_mb(server.pid)
        still_open_after_reads = len(slow.sockets)
        # Let the trickle go on until --hold seconds have passed, to see cut-offs.
        remaining = options.hold - (time.monotonic() - crowded_started)
        while remaining > 0 and slow.sockets:
            time.sleep(min(1.0, remaining))
            remaining = options.hold - (time.monotonic() - crowded_started)
        return {
            "alone": alone,
            "crowded": crowded,
            "held_during_reads": still_open_after_reads,
            "open_at_end": len(slow.sockets),
            "answered": slow.answered,
            "cut_off": slow.cut_off,
            "refused_at_connect": slow.refused_at_connect,
            "rss_before": rss_before,
            "rss_during": rss_during,
        }
    finally:
        if slow is not None:
            slow.close()
        os.killpg(server.pid, signal.SIGTERM)  # the session we started for it
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=50, help="slow connections (at most 1,000)")
    parser.add_argument("--reads", type=int, default=40, help="page reads per phase (at most 200)")
    parser.add_argument("--threads", type=int, default=5, help="serve --threads (default 5)")
    parser.add_argument("--interfaces", default="asgi,wsgi", help="comma-separated: asgi, wsgi")
    parser.add_argument("--hold", type=float, default=20, help="seconds of trickling (at most 120)")
    parser.add_argument("--body-seconds", type=int, default=15,
                        help="MASTHEAD_REQUEST_BODY_SECONDS for the run (default 15)")  # fmt: skip
    options = parser.parse_args()
    options.slow = max(1, min(options.slow, 1000))
    options.reads = max(5, min(options.reads, 200))
    options.hold = max(5.0, min(options.hold, 120.0))
    interfaces = [name.strip() for name in options.interfaces.split(",") if name.strip()]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, options.slow + 256)), hard))

    with tempfile.TemporaryDirectory(prefix="masthead-slow-") as data_dir:
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": data_dir,
            "MASTHEAD_COLLECTED_STATIC": "true",
            "MASTHEAD_LOG_LEVEL": "ERROR",
            "MASTHEAD_REQUEST_BODY_SECONDS": str(options.body_seconds),
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        print(f"Preparing a database in {data_dir} ...", flush=True)
        subprocess.run([*MASTHEAD, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
        subprocess.run([*MASTHEAD, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT,
                       check=True)  # fmt: skip
        setup = subprocess.run([*MASTHEAD, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
                               capture_output=True, text=True)  # fmt: skip
        post_id = int(setup.stdout.split()[-1])
        post_path = "/bench/read-me/"

        results = {}
        for interface in interfaces:
            print(f"Measuring `masthead serve --interface {interface}` ...", flush=True)
            results[interface] = measure(interface, options, env, post_path, post_id)

    print()
    print(f"{options.slow} slow clients (a comment POST's headers, then 1 body byte/s), "
          f"{options.reads} reads of a post page per phase, 1 process, {options.threads} threads, "
          f"body deadline {options.body_seconds} s, {os.cpu_count()} cores")  # fmt: skip
    header = f"{'':34}" + "".join(f"{name:>18}" for name in results)
    print(header)

    def row(label, render):
        print(f"{label:34}" + "".join(f"{render(result):>18}" for result in results.values()))

    def answers(by_status):
        return "+".join(f"{count}×{status}" for status, count in sorted(by_status.items())) or "0"

    def percentiles(phase):
        return f"{phase['p50'] * 1000:.0f} / {phase['p99'] * 1000:.0f}"

    row("reader p50 / p99, alone (ms)", lambda r: percentiles(r["alone"]))
    row("reader p50 / p99, crowded (ms)", lambda r: percentiles(r["crowded"]))
    row(f"reads unanswered within {READ_TIMEOUT:.0f} s",
        lambda r: f"{r['crowded']['unanswered']} of {r['crowded']['count']}")  # fmt: skip
    row(
        "slow clients held while reading",
        lambda r: f"{r['held_during_reads']} of {options.slow - r['refused_at_connect']}",
    )
    row(f"after {options.hold:.0f} s: answered / cut off / open",
        lambda r: f"{answers(r['answered'])} / {r['cut_off']} / {r['open_at_end']}")  # fmt: skip
    row("server memory before / during (MB)",
        lambda r: f"{r['rss_before']:.0f} / {r['rss_during']:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
