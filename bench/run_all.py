"""`make bench`: the site's main figures side by side in one run, against nginx as the ceiling.

Builds a throwaway site in a temporary MASTHEAD_DATA_DIR (its own SQLite
database with the demo's sample content and a generated post with 1,000
approved comments), then starts, on 127.0.0.1 only:

- nginx, serving the sample post page's exact bytes as a static file (the ceiling);
- ``masthead serve`` as configured by default (its page cache on, where the
  build has one), with its task worker;
- a second ``masthead serve`` with ``MASTHEAD_PAGE_CACHE=off``: every page
  rendered anew. A build whose settings have no ``MASTHEAD_PAGE_CACHE`` has no
  page cache to turn off: both servers render, and the table says so.

Each case is one wrk run (``-t2 -c32 -d8s`` by default) against one of them,
one after the other, so every figure comes from the same minute on the same
machine. Comment intake POSTs distinct comments with a valid form token and
``Origin`` through a wrk Lua script, each from a reader of its own (a distinct
email, and a distinct address in ``X-Forwarded-For``, which the servers read
because 127.0.0.1 is declared their trusted proxy, as nginx would be), so the
rate limits keep their defaults; the rows stored are compared with the
accepted answers. Afterwards every process the run started is stopped by its
PID, and the run checks that none of their processes remain.

    .venv/bin/python bench/run_all.py [--seconds 8] [--connections 32] [--first-port 18500]
    .venv/bin/python bench/run_all.py --smoke   # 1 s per case: does the harness work?

Prints a Markdown table (requests/s, p50, p99, × nginx, server CPU per answer);
passes or fails nothing on speed. Failed answers (timeouts, errors) are counted
in the notes. Exits non-zero only when the harness itself failed: a case had no
successful answer, the comment rows stored do not match the accepted answers,
or a process it started left anything running.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from comments_load import (  # noqa: E402 - the comment form as the load benchmark posts it
    FORM_TOKEN_AGE_SECONDS,
    MASTHEAD,
    ROOT,
    comment_accepted,
    comment_fields,
    comment_form_token,
    comment_headers,
    run,
    wait_for_port,
)
from processes import tree_cpu_seconds  # noqa: E402

# What selects the uncached server. The page cache reads it (settings, as everywhere, carry
# the environment variable's name); a build without one ignores it.
PAGE_CACHE_SETTING = "MASTHEAD_PAGE_CACHE"
PAGE_CACHE_OFF = {PAGE_CACHE_SETTING: "off"}

LONG_THREAD_COMMENTS = 1000

# Run inside `masthead shell` once the demo content is loaded: adds the long thread and
# prints, as JSON, the pages and posts the cases use.
PREPARE = f"""
import datetime, json
from django.conf import settings
from django.utils import timezone
from masthead.publishing.models import Author, Post, PostAuthor
from masthead.discussion.models import Comment, Thread

public = list(Post.objects.public().order_by("-publish_at"))
sample, intake = public[0], public[1]
when = timezone.now() - datetime.timedelta(days=2)
long = Post.objects.create(
    blog=sample.blog, title="A long thread", slug="a-long-thread", status="published",
    publish_at=when, body="Much discussed: {LONG_THREAD_COMMENTS} comments.")
PostAuthor.objects.create(post=long, author=Author.objects.order_by("pk").first(), position=0)
comments = []
for n in range({LONG_THREAD_COMMENTS}):
    comment = Comment(post=long, author_name=f"Reader {{n}}", email=f"r{{n}}@example.org",
                      status="approved", created_at=when + datetime.timedelta(minutes=n))
    comment.set_text(f"Comment {{n}}: a considered view, with a source https://example.org/{{n}}.")
    comments.append(comment)
Comment.objects.bulk_create(comments, batch_size=200)
Thread.objects.get_or_create(post=long)[0].recount()
print(json.dumps({{
    "post": sample.get_absolute_url(),
    "long_thread": long.get_absolute_url(),
    "intake_post": intake.get_absolute_url(),
    "intake_post_id": intake.pk,
    "page_cache_setting": hasattr(settings, "{PAGE_CACHE_SETTING}"),
}}))
"""

NGINX_CONF = """
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/site;
        index index.html;
    }}
}}
"""

# wrk's Lua side of comment intake: a distinct comment per request (thread id and sequence
# in the text), and a tally of answers by status and Location, its last segment (the
# comment's own token) cut off, so that Python judges which answers were acceptances.
INTAKE_LUA = """
local path = [==[{path}]==]
local template = [==[{template}]==]
local headers = {{}}
{headers}
local threads = {{}}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  sequence = 0
  answers = {{}}
end

function request()
  sequence = sequence + 1
  -- Each comment from a reader of its own: a distinct email, and the address a proxy
  -- in front would name (10.thread.high.low; 65,536 per thread, far past a bounded run).
  local reader = "wrk" .. id .. "-" .. sequence
  local body = template:gsub("%%7Bclient%%7D", reader):gsub("%%7Bsequence%%7D", sequence)
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id % 256,
    math.floor(sequence / 256) % 256, sequence % 256)
  return wrk.format("POST", path, headers, body)
end

function response(status, response_headers, body)
  local location = response_headers["Location"] or response_headers["location"] or "-"
  local key = status .. " " .. location:gsub("[^/]+/?$", "")
  answers[key] = (answers[key] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("answers")) do
      io.write("answer\\t" .. key .. "\\t" .. count .. "\\n")
    end
  end
end
"""


@dataclass
class Case:
    name: str
    server: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    answers: int = 0
    # CPU time the serving processes spent per answer: on a machine shared with other
    # work, the figure that depends least on what else runs.
    cpu_ms_per_answer: float = 0
    note: str = ""


def wrk_path() -> str:
    return shutil.which("wrk") or "/usr/bin/wrk"


def nginx_path() -> str:
    # Debian installs nginx in /usr/sbin, which is not on every user's PATH.
    return shutil.which("nginx") or "/usr/sbin/nginx"


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # As the servers bind: a closed connection of an earlier run does not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def milliseconds(text: str) -> float:
    """wrk's latency, as in ``402.00us``, ``1.23ms`` or ``1.05s``, in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, the p50 and p99 latencies and the failed answers from wrk's report."""
    figures = {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99_ms": milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "answers": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": 0,
    }
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        figures["errors"] += int(found.group(1))
    if found := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                          output):  # fmt: skip
        figures["errors"] += sum(int(n) for n in found.groups())
    return figures


def wrk(url: str, options, server_pid: int, script: Path | None = None) -> tuple[dict, str]:
    """One wrk run against ``url``; its figures, with the CPU the server used per answer."""
    command = [wrk_path(), f"-t{options.threads}", f"-c{options.connections}",
               f"-d{options.seconds}s", "--latency", "--timeout", "5s"]  # fmt: skip
    if script:
        command += ["-s", str(script)]
    cpu_before = tree_cpu_seconds(server_pid)
    # wrk stops itself after -d seconds; the timeout only guards against a hung run.
    done = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                          timeout=options.seconds + 30)  # fmt: skip
    cpu_used = tree_cpu_seconds(server_pid) - cpu_before
    figures = parse_wrk(done.stdout)
    figures["cpu_ms_per_answer"] = cpu_used * 1000 / max(figures["answers"], 1)
    return figures, done.stdout


def fetch(url: str) -> tuple[int, bytes]:
    with urlopen(url, timeout=30) as answer:  # noqa: S310 - 127.0.0.1 only
        return answer.status, answer.read()


def post_comment(port: int, path: str, fields: dict, origin: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, body=urlencode(fields), headers=comment_headers(origin))
    answer = connection.getresponse()
    answer.read()
    connection.close()
    if not comment_accepted(answer.status, answer.getheader("Location")):
        raise SystemExit(f"A comment posted before the run was answered {answer.status}.")


def warm(url: str, times: int = 20) -> bytes:
    body = b""
    for _ in range(times):
        status, body = fetch(url)
        if status != 200:
            raise SystemExit(f"{url} answered {status} before the run.")
    return body


class Started:
    """The processes this run started, each stopped by its own PID (and its own group)."""

    def __init__(self):
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict, stop_signal=signal.SIGTERM):
        process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        process.stop_signal = stop_signal
        self.processes.append((name, process))
        return process

    def check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace")[-2000:]
                raise SystemExit(f"{name} exited with code {process.returncode}:\n{error}")

    def stop_all(self) -> list[str]:
        """Stop each process; return the names of those leaving anything running behind."""
        for _name, process in self.processes:
            if process.poll() is None:
                process.send_signal(process.stop_signal)
        survivors = []
        for name, process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group of the process we started
                process.wait()
            deadline = time.monotonic() + 10
            while group_members(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if group_members(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
                survivors.append(name)
        return survivors


def group_members(group: int) -> list[int]:
    """PIDs still in the process group ``group`` (Linux /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def comment_rows(database: Path, post_id: int) -> int:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(
            "select count(*) from discussion_comment where post_id = ?", (post_id,)
        ).fetchone()[0]


def intake_script(directory: Path, path: str, origin: str, started: str) -> Path:
    template = urlencode(comment_fields("{client}", "{sequence}", started))
    headers = "\n".join(
        f"headers[{json.dumps(name)}] = {json.dumps(value)}"
        for name, value in comment_headers(origin).items()
    )
    script = directory / "intake.lua"
    script.write_text(INTAKE_LUA.format(path=path, template=template, headers=headers))
    return script


def accepted_answers(output: str) -> tuple[int, int]:
    """(accepted, other) from the Lua script's tally of status and Location."""
    accepted = other = 0
    for status, location, count in re.findall(r"^answer\t(\d+) (\S*)\t(\d+)$", output, re.M):
        if comment_accepted(int(status), location):
            accepted += int(count)
        else:
            other += int(count)
    return accepted, other


def short(milliseconds: float) -> str:
    """Three significant figures at most: 0.07, 1.89, 14.0, 925."""
    if milliseconds < 10:
        return f"{milliseconds:.2f}"
    return f"{milliseconds:.1f}" if milliseconds < 100 else f"{milliseconds:,.0f}"


def markdown_table(cases: list[Case]) -> str:
    ceiling = cases[0].requests_per_second
    lines = [
        "| case | served by | requests/s | p50 ms | p99 ms | × nginx | CPU ms/answer | notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for case in cases:
        ratio = case.requests_per_second / ceiling if ceiling else 0
        failed = f"{case.errors:,} failed or refused answers" if case.errors else ""
        notes = "; ".join(note for note in (case.note, failed) if note)
        lines.append(
            f"| {case.name} | {case.server} | {case.requests_per_second:,.0f} "
            f"| {short(case.p50_ms)} | {short(case.p99_ms)} | {ratio:.4f} "
            f"| {short(case.cpu_ms_per_answer)} | {notes} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=8, help="per case (at most 20)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--first-port", type=int, default=18500,
                        help="nginx, the cached and the uncached server use this and the next "
                        "two ports on 127.0.0.1")  # fmt: skip
    parser.add_argument("--smoke", action="store_true",
                        help="1 s per case, 4 connections: checks the harness")  # fmt: skip
    options = parser.parse_args()
    if options.smoke:
        options.seconds, options.connections = 1, 4
    options.seconds = max(1, min(options.seconds, 20))
    options.connections = max(1, min(options.connections, 256))
    options.threads = max(1, min(options.threads, options.connections))

    missing = [name for name, path in (("wrk", wrk_path()), ("nginx", nginx_path()))
               if not os.access(path, os.X_OK)]  # fmt: skip
    if missing:
        print(f"make bench needs {' and '.join(missing)} (Debian packages). As root: "
              f"apt-get install -y {' '.join(missing)}  (or: make bench as root installs them)",
              file=sys.stderr)  # fmt: skip
        return 1
    nginx_port, cached_port, uncached_port = (options.first_port + n for n in range(3))
    taken = [p for p in (nginx_port, cached_port, uncached_port) if not port_is_free(p)]
    if taken:
        print(f"Port(s) {taken} on 127.0.0.1 are in use; choose others with --first-port.",
              file=sys.stderr)  # fmt: skip
        return 1

    started = Started()
    failures: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir,
        tempfile.TemporaryDirectory(prefix="masthead-bench-nginx-") as nginx_dir,
    ):
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": data_dir,
            "MASTHEAD_COLLECTED_STATIC": "true",
            "MASTHEAD_LOG_LEVEL": "ERROR",
            # wrk stands for the proxy in front (deploy/nginx.conf): its X-Forwarded-For
            # names a distinct reader per comment, so the rate limits keep their defaults
            # and every check runs as it would for a crowd.
            "MASTHEAD_TRUSTED_PROXIES": "127.0.0.1",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        for name in PAGE_CACHE_OFF:
            env.pop(name, None)  # the cached server runs with the defaults
        began = time.monotonic()
        print(f"Building the demo site in {data_dir} ...", flush=True)
        run([*MASTHEAD, "demo", "--no-serve"], env, capture_output=True)
        database = Path(data_dir) / "masthead.sqlite3"

        try:
            serve = [*MASTHEAD, "serve", "--host", "127.0.0.1", "--no-collectstatic"]
            cached_server = started.start("masthead serve (page cache as configured)",
                                          [*serve, "--port", str(cached_port)], env)  # fmt: skip
            # One task worker is enough for both servers: they share the database.
            uncached_server = started.start("masthead serve (MASTHEAD_PAGE_CACHE=off)",
                                            [*serve, "--port", str(uncached_port), "--no-worker"],
                                            {**env, **PAGE_CACHE_OFF})  # fmt: skip
            # The servers start up while the long thread is written: they read nothing yet.
            prepared = run([*MASTHEAD, "shell", "-c", PREPARE], env, capture_output=True)
            pages = json.loads(prepared.stdout.splitlines()[-1])
            wait_for_port(cached_port)
            wait_for_port(uncached_port)
            started.check_alive()
            cached = f"http://127.0.0.1:{cached_port}"
            if pages["page_cache_setting"]:
                cached_label, uncached_label = "serve", "serve, page cache off"
                from_cache, uncached_render = "from the cache", "uncached render"
            else:
                # This build has no page cache to turn off: both servers render every page.
                cached_label = uncached_label = "serve (no page cache in this build)"
                from_cache, uncached_render = "rendered (server 1)", "rendered (server 2)"
            uncached = f"http://127.0.0.1:{uncached_port}"

            post_bytes = warm(cached + pages["post"])
            site = Path(nginx_dir) / "site"
            site.mkdir()
            (site / "index.html").write_bytes(post_bytes)
            # nginx's workers run as an unprivileged user when started as root.
            for path in (Path(nginx_dir), site, site / "index.html"):
                path.chmod(0o755 if path.is_dir() else 0o644)
            conf = Path(nginx_dir) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(workers=os.cpu_count() or 1, prefix=nginx_dir,
                                              port=nginx_port))  # fmt: skip
            nginx_server = started.start("nginx", [nginx_path(), "-p", nginx_dir, "-c", str(conf),
                                    "-e", f"{nginx_dir}/error.log"], env,
                          stop_signal=signal.SIGQUIT)  # fmt: skip
            wait_for_port(nginx_port)
            nginx = f"http://127.0.0.1:{nginx_port}"
            if warm(nginx + "/", 3) != post_bytes:
                raise SystemExit("nginx does not serve the post page's bytes.")
            long_thread = warm(cached + pages["long_thread"], 3).decode()
            if f"{LONG_THREAD_COMMENTS} Comments" not in long_thread.replace(",", ""):
                raise SystemExit("The long thread's page does not show its 1,000 comments.")

            page_kib = len(post_bytes) / 1024
            by_nginx = ("nginx", nginx_server)
            from_cached, from_uncached = (
                (cached_label, cached_server),
                (uncached_label, uncached_server),
            )
            long_note = "its first page: 50 comments"
            reads = [
                ("post page's bytes as a file", by_nginx, nginx + "/", "the ceiling"),
                (f"post page, {from_cache}", from_cached, cached + pages["post"], ""),
                (f"post page, {uncached_render}", from_uncached, uncached + pages["post"], ""),
                (f"hub, {from_cache}", from_cached, cached + "/", ""),
                (f"hub, {uncached_render}", from_uncached, uncached + "/", ""),
                (f"1,000-comment post, {from_cache}", from_cached,
                 cached + pages["long_thread"], long_note),
                (f"1,000-comment post, {uncached_render}", from_uncached,
                 uncached + pages["long_thread"], long_note),
            ]  # fmt: skip
            cases: list[Case] = []
            load_before = os.getloadavg()[0]
            for name, (label, process), url, note in reads:
                started.check_alive()
                warm(url, 4)  # each server process imports and caches what it needs
                print(f"  {name} ...", flush=True)
                figures, _ = wrk(url, options, process.pid)
                cases.append(Case(name, label, note=note, **figures))

            started.check_alive()
            token = comment_form_token(cached_port, pages["intake_post"])
            time.sleep(FORM_TOKEN_AGE_SECONDS)  # a younger form is flagged "too fast"
            script = intake_script(Path(nginx_dir), f"/comments/{pages['intake_post_id']}/",
                                   cached, token)  # fmt: skip
            for sequence in range(4):  # as the pages were: each server process warmed up
                post_comment(cached_port, f"/comments/{pages['intake_post_id']}/",
                             comment_fields("warm-up", sequence, token), cached)  # fmt: skip
            rows_before = comment_rows(database, pages["intake_post_id"])
            print("  comment intake ...", flush=True)
            figures, output = wrk(cached + pages["intake_post"], options, cached_server.pid,
                                  script)  # fmt: skip
            accepted, other = accepted_answers(output)
            rows_stored = comment_rows(database, pages["intake_post_id"]) - rows_before
            figures["requests_per_second"] *= accepted / max(accepted + other, 1)
            figures["errors"] += other
            cases.append(Case("comment intake: accepted POSTs", cached_label,
                              note=f"{accepted:,} accepted, {rows_stored:,} rows stored",
                              **figures))  # fmt: skip
            # wrk drops the answers still in flight when its time is up (one per connection
            # at most), so a few more rows than counted acceptances is expected; fewer is not.
            if not accepted <= rows_stored <= accepted + options.connections:
                failures.append(f"comment intake: {accepted} accepted but {rows_stored} stored")
            load_after = os.getloadavg()[0]
        finally:
            survivors = started.stop_all()
        failures += [f"{name} left processes running" for name in survivors]

    for case in cases:
        if case.requests_per_second <= 0:
            failures.append(f"{case.name}: no successful answer")

    print()
    print(markdown_table(cases))
    print()
    print(f"wrk -t{options.threads} -c{options.connections} -d{options.seconds}s per case, "
          f"one case after another, 127.0.0.1; post page {page_kib:.0f} KiB; "
          f"{os.cpu_count()} cores; load average {load_before:.1f} before the cases, "
          f"{load_after:.1f} after; {time.monotonic() - began:.0f} s in all.")  # fmt: skip
    workers = env.get("MASTHEAD_SERVER_WORKERS", os.cpu_count())
    print(f"Servers: two `masthead serve` ({workers} Granian workers each), one with its page "
          f"cache as configured, one with "
          f"{' '.join(f'{k}={v}' for k, v in PAGE_CACHE_OFF.items())}"
          f"{'' if pages['page_cache_setting'] else ' (a setting this build does not have yet)'}"
          "; " + (f"processes left running: {', '.join(survivors)}." if survivors
                  else "all the processes the run started are gone."))  # fmt: skip
    if failures:
        print("\nThe harness failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
