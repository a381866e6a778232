"""Mailing one post to 100,000 readers: how long, how much memory, and what readers notice.

Starts everything itself on 127.0.0.1 with a temporary MASTHEAD_DATA_DIR and a freshly
migrated SQLite database:

- a real SMTP server on the loopback, counting the mails it accepts: aiosmtpd in a process
  of its own (the default), or Postfix's test server ``smtp-sink`` (``--smtp-server
  smtp-sink``), written in C as production mail servers are, so that the figure measures
  Masthead's sending rather than a Python test server's receiving (aiosmtpd spends about
  1.8 ms of CPU per 14 kB mail, more than the worker does);
- ``masthead serve`` (one worker), which also runs the background-task worker as its
  child, exactly as a deployment does;
- READERS confirmed subscribers of one blog, then one post published through the model.

While the worker sends, a reader fetches the post page over and over (one keep-alive
connection); the same was measured idle before publishing. The worker's resident
memory is read from /proc every half second.

Prints: seconds from publication to the last mail accepted, mails per second, the
worker's memory at the start, peak and end of the send, and the readers' p50/p99 idle
and during the send (and their ratio).

    .venv/bin/python bench/newsletter_send.py [--readers 100000] [--rate 0]
        [--connections 8] [--batch 25] [--smtp-processes 1] [--dkim]
        [--smtp-server aiosmtpd|smtp-sink] [--smtp-sink PATH]

``smtp-sink`` comes with Debian's ``postfix`` package. Without installing the mail
server itself: ``apt-get download postfix && dpkg-deb -x postfix_*.deb /tmp/postfix``,
then ``--smtp-sink /tmp/postfix/usr/sbin/smtp-sink`` (its libraries are found beside it).

Prints figures; never passes or fails on time.
"""

import argparse
import asyncio
import datetime
import http.client
import multiprocessing
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = str(Path(sys.executable).parent / "masthead")

SETUP = """
from django.utils import timezone
from masthead.newsletter.models import Subscriber
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor
Institution.objects.create(name="Harbour Institute for Public Affairs", short_name="Harbour")
blog = Blog.objects.create(name="Energy Desk", slug="energy", tagline="Energy, explained")
author = Author.objects.create(display_name="Ada Okafor", family_name="Okafor", slug="ada")
now = timezone.now()
Follow = Subscriber.blogs.through
for start in range(0, {readers}, 5000):
    made = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{{n}}@example.org", confirmed_at=now, consent_source="bench")
        for n in range(start, min(start + 5000, {readers})))
    Follow.objects.bulk_create(Follow(subscriber_id=s.pk, blog_id=blog.pk) for s in made)
# Published two days ago: old enough that it is not mailed itself.
post = Post.objects.create(blog=blog, title="An Idle Page", slug="idle", status="published",
                           publish_at=now - timezone.timedelta(days=2),
                           body="Read while the mail goes out.")
PostAuthor.objects.create(post=post, author=author)
print(post.get_absolute_url())
"""

PUBLISH = """
from masthead.publishing.models import Author, Blog, Post, PostAuthor
blog = Blog.objects.get(slug="energy")
post = Post.objects.create(blog=blog, title="Tidal Power Comes of Age", slug="tidal",
    summary="Predictable power from the sea.",
    body="Tides are **predictable**.\\n\\n" + "A paragraph of argument. " * 150)
PostAuthor.objects.create(post=post, author=Author.objects.get(slug="ada"))
post.publish()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_server(port: int, counter, first_at, last_at) -> None:
    """A mail server that accepts everything and counts it (run in processes of its own).

    aiosmtpd's protocol on an asyncio server of our own, so that several processes can
    listen on the one port (SO_REUSEPORT: the kernel spreads the connections over them).
    """
    from aiosmtpd.smtp import SMTP

    class Counting:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            with counter.get_lock():
                counter.value += len(envelope.rcpt_tos)
                if first_at.value == 0:
                    first_at.value = time.time()
                last_at.value = time.time()
            return "250 OK"

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        server = await loop.create_server(
            lambda: SMTP(Counting(), hostname="bench.invalid"), "127.0.0.1", port, reuse_port=True
        )
        async with server:
            await stop.wait()

    asyncio.run(serve())


def start_smtp_sink(path: str, port: int, counter, first_at, last_at) -> subprocess.Popen:
    """Postfix's smtp-sink on the port; a thread turns its running counter into ours."""
    binary = Path(path)
    env = dict(os.environ)
    libraries = binary.parent.parent / "lib" / "postfix"  # an extracted .deb keeps them here
    if libraries.is_dir():
        env["LD_LIBRARY_PATH"] = str(libraries)
    command = [str(binary), "-c"]
    if os.geteuid() == 0:
        command += ["-u", "nobody"]  # it refuses to run as root
    sink = subprocess.Popen([*command, f"127.0.0.1:{port}", "256"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip

    def follow() -> None:
        # With -c it rewrites one line, "sess=N quit=N mesg=N", after each message.
        pending = b""
        while chunk := sink.stdout.read1(65536):
            pending += chunk
            *updates, pending = pending.split(b"\r")
            for update in updates:
                if b"mesg=" not in update:
                    continue
                accepted = int(update.rsplit(b"mesg=", 1)[1])
                now = time.time()
                if accepted > counter.value:
                    if first_at.value == 0:
                        first_at.value = now
                    counter.value = accepted
                    last_at.value = now

    threading.Thread(target=follow, daemon=True).start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return sink
        except OSError:
            if sink.poll() is not None:
                raise SystemExit("smtp-sink did not start (see its output above)") from None
            time.sleep(0.1)
    raise SystemExit("smtp-sink did not start listening")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_pid(parent: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == parent and b"db_worker" in command:
            return int(entry.name)
    return None


def timed_gets(port: int, path: str, stop: threading.Event, out: list[float]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        out.append(time.perf_counter() - started)
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        time.sleep(0.01)  # one reader, not a load test


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=0, help="MASTHEAD_NEWSLETTER_RATE")
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8,
                        help="MASTHEAD_NEWSLETTER_CONNECTIONS")  # fmt: skip
    parser.add_argument("--batch", type=int, default=25, help="MASTHEAD_NEWSLETTER_BATCH")
    parser.add_argument("--dkim", action="store_true",
                        help="sign every mail with a fresh 2048-bit RSA key")  # fmt: skip
    parser.add_argument("--smtp-processes", type=int, default=1,
                        help="aiosmtpd processes sharing the SMTP port")  # fmt: skip
    parser.add_argument("--smtp-server", choices=["aiosmtpd", "smtp-sink"], default="aiosmtpd")
    parser.add_argument("--smtp-sink", default=shutil.which("smtp-sink") or "/usr/sbin/smtp-sink",
                        help="path of Postfix's smtp-sink")  # fmt: skip
    options = parser.parse_args()
    if options.smtp_server == "smtp-sink" and not Path(options.smtp_sink).is_file():
        raise SystemExit(f"no smtp-sink at {options.smtp_sink}: see this script's docstring")

    data_dir = Path(tempfile.mkdtemp(prefix="masthead-newsletter-bench-"))
    smtp_port, web_port = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "DJANGO_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="masthead.settings", MASTHEAD_DATA_DIR=str(data_dir),
               MASTHEAD_EMAIL_HOST="127.0.0.1", MASTHEAD_EMAIL_PORT=str(smtp_port),
               MASTHEAD_NEWSLETTER_RATE=str(options.rate),
               MASTHEAD_NEWSLETTER_CONNECTIONS=str(options.connections),
               MASTHEAD_NEWSLETTER_BATCH=str(options.batch),
               MASTHEAD_SITE_URL="https://harbour.example.org")  # fmt: skip

    if options.dkim:
        subprocess.run(["openssl", "genrsa", "-out", str(data_dir / "dkim.pem"),
                        "2048"], check=True, capture_output=True)  # fmt: skip
        env.update(MASTHEAD_DKIM_KEY_FILE=str(data_dir / "dkim.pem"),
                   MASTHEAD_DKIM_DOMAIN="harbour.example.org")  # fmt: skip

    counter = multiprocessing.Value("q", 0)
    first_at, last_at = multiprocessing.Value("d", 0.0), multiprocessing.Value("d", 0.0)
    smtps = []
    if options.smtp_server == "smtp-sink":
        smtps.append(start_smtp_sink(options.smtp_sink, smtp_port, counter, first_at, last_at))
        options.smtp_processes = 1
    else:
        smtps = [
            multiprocessing.Process(
                target=smtp_server, args=(smtp_port, counter, first_at, last_at), daemon=True
            )  # fmt: skip
            for _ in range(options.smtp_processes)
        ]
        for smtp in smtps:
            smtp.start()
    serve = None
    try:
        subprocess.run([MASTHEAD, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        began = time.monotonic()
        setup = SETUP.format(readers=options.readers)
        made = subprocess.run([MASTHEAD, "shell", "-c", setup], env=env, check=True,
                              capture_output=True, text=True)  # fmt: skip
        page = made.stdout.split()[-1]
        print(f"{options.readers:,} confirmed readers made in {time.monotonic() - began:.1f} s")
        with open(data_dir / "serve.log", "wb") as log:
            serve = subprocess.Popen([MASTHEAD, "serve", "--port", str(web_port), "--workers", "1"],
                                     env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 120
        worker = None
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", web_port), timeout=1):
                    worker = worker_pid(serve.pid)
                    if worker:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        if worker is None:
            raise SystemExit("the server or its worker did not start: " + str(data_dir))

        idle: list[float] = []
        stop = threading.Event()
        reader = threading.Thread(target=timed_gets, args=(web_port, page, stop, idle))
        reader.start()
        time.sleep(options.idle_seconds)
        stop.set()
        reader.join()

        during: list[float] = []
        stop = threading.Event()
        memory = [rss_kib(worker)]
        cpu_before = cpu_seconds(worker), sum(cpu_seconds(smtp.pid) for smtp in smtps)
        subprocess.run([MASTHEAD, "shell", "-c", PUBLISH], env=env, check=True,
                       capture_output=True, text=True)  # fmt: skip
        reader = threading.Thread(target=timed_gets, args=(web_port, page, stop, during))
        reader.start()
        deadline = time.monotonic() + 900
        while counter.value < options.readers and time.monotonic() < deadline:
            memory.append(rss_kib(worker))
            time.sleep(0.5)
        memory.append(rss_kib(worker))
        cpu_worker = cpu_seconds(worker) - cpu_before[0]
        cpu_smtp = sum(cpu_seconds(smtp.pid) for smtp in smtps) - cpu_before[1]
        stop.set()
        reader.join()
        received = counter.value
        with sqlite3.connect(data_dir / "masthead.sqlite3") as database:
            counted = "SELECT status, COUNT(*) FROM newsletter_delivery GROUP BY status"
            statuses = dict(database.execute(counted).fetchall())
            # The moment publish() stamped on the post (stored in UTC).
            stamp = database.execute("SELECT publish_at FROM publishing_post WHERE slug = 'tidal'")
            published_at = (
                datetime.datetime.fromisoformat(stamp.fetchone()[0])
                .replace(tzinfo=datetime.UTC)
                .timestamp()
            )
        seconds = last_at.value - published_at

        print(f"mails accepted by the SMTP server: {received:,} of {options.readers:,}"
              f" (deliveries recorded: {statuses})")  # fmt: skip
        print(f"publication to last mail: {seconds:.1f} s"
              f" (first mail after {first_at.value - published_at:.1f} s);"
              f" {received / seconds:,.0f} mails/s")  # fmt: skip
        print(f"worker memory (RSS): start {memory[0] / 1024:.0f} MiB, peak"
              f" {max(memory) / 1024:.0f} MiB, end {memory[-1] / 1024:.0f} MiB"
              f" ({len(memory)} samples)")  # fmt: skip
        print(f"CPU per mail: worker {cpu_worker / max(received, 1) * 1000:.2f} ms,"
              f" SMTP server ({options.smtp_server}, {options.smtp_processes} process(es))"
              f" {cpu_smtp / max(received, 1) * 1000:.2f} ms;"
              f" {options.connections} connection(s), {options.batch} mails each per round;"
              f" DKIM {'on' if options.dkim else 'off'};"
              f" load average at the end {os.getloadavg()[0]:.1f}")  # fmt: skip
        p99_idle, p99_busy = percentile(idle, 0.99) * 1000, percentile(during, 0.99) * 1000
        print(f"post page, idle: p50 {statistics.median(idle) * 1000:.1f} ms,"
              f" p99 {p99_idle:.1f} ms ({len(idle)} requests)")  # fmt: skip
        print(f"post page, during the send: p50 {statistics.median(during) * 1000:.1f} ms,"
              f" p99 {p99_busy:.1f} ms ({len(during)} requests);"
              f" p99 ratio {p99_busy / p99_idle:.2f}")  # fmt: skip
    finally:
        if serve is not None and serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=30)
        for smtp in smtps:
            if isinstance(smtp, subprocess.Popen):
                if smtp.poll() is None:
                    smtp.terminate()
                    smtp.wait(timeout=10)
            elif smtp.is_alive():
                os.kill(smtp.pid, signal.SIGTERM)
                smtp.join(timeout=10)


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
