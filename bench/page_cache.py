"""The anonymous page cache against nginx serving the same bytes, and against no cache at all.

Sets up the demo site in a temporary data folder (or uses ``--data-dir``), then,
one after the other on 127.0.0.1, each for ``--seconds`` (at most 10) with
``wrk -t2 -c32``:

1. nginx serving the post page's bytes as a static file (the ceiling);
2. ``masthead serve`` answering the post page, and the hub, from the page cache;
3. ``masthead serve`` with ``MASTHEAD_PAGE_CACHE=off`` making the post page each time.

Prints requests/s, p50 and p99 latency and the ratio to nginx for each. wrk and
nginx come from Debian (``apt-get install wrk nginx``). Only the processes this
script starts are stopped, by their PID.

    .venv/bin/python bench/page_cache.py [--seconds 8] [--workers 2] [--port 0]

Prints figures; never passes or fails on time.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = [sys.executable, "-m", "masthead.cli"]
MAX_SECONDS = 10

NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/site;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


@dataclass
class Figures:
    what: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: str = ""


def free_port(wanted: int = 0) -> int:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        probe.bind(("127.0.0.1", wanted))
        return probe.getsockname()[1]


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(what: str, url: str, seconds: int, connections: int = 32, threads: int = 2) -> Figures:
    """One bounded wrk run against ``url`` (127.0.0.1 only)."""
    assert url.startswith("http://127.0.0.1:"), "benchmarks hit 127.0.0.1 only"
    seconds = max(1, min(seconds, MAX_SECONDS))
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    notes = []
    if errors:
        notes.append(f"{errors.group(1)} non-2xx")
    if socket_errors:
        notes.append(f"socket errors: {socket_errors.group(1)}")
    return Figures(what, rate, p50, p99, "; ".join(notes))


def fetch(url: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - 127.0.0.1 only
        return answer.read(), dict(answer.headers)


def wait_for(url: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare_demo(env: dict) -> None:
    subprocess.run([*MASTHEAD, "demo", "--no-serve"], env=env, check=True, timeout=600,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def first_post_path(env: dict) -> str:
    code = "from masthead.publishing.models import Post; print(Post.objects.public().first()" \
           ".get_absolute_url())"  # fmt: skip
    done = subprocess.run([*MASTHEAD, "shell", "-c", code], env=env, check=True,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def serve(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as output:
        return subprocess.Popen(
            [*MASTHEAD, "serve", "--port", str(port), "--workers", str(workers), "--no-worker"],
            env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip


def bench_masthead(env, port, workers, folder, runs, seconds) -> tuple[list[Figures], bytes]:
    """Start ``masthead serve`` with ``env``, warm every worker, run each (what, path).

    Also returns the first path's body as the server sent it: the bytes nginx serves.
    """
    process = serve(env, port, workers, folder / f"serve-{port}.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/robots.txt", process)
        body, _ = fetch(base + runs[0][1])
        figures = []
        for what, path in runs:
            run_wrk("warm-up", base + path, 1)
            figures.append(run_wrk(what, base + path, seconds))
        return figures, body
    finally:
        stop(process)


def bench_nginx(body: bytes, path: str, port: int, workers: int, folder: Path, seconds: int):
    site = folder / "nginx"
    target = site / "site" / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    (site / "tmp").mkdir(exist_ok=True)
    target.write_bytes(body)
    conf = site / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, dir=site, port=port))
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(site)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_for(url, process, 20)
        run_wrk("warm-up", url, 1)
        return run_wrk("nginx, the same bytes as a static file", url, seconds)
    finally:
        stop(process)


def main(argv=None) -> list[Figures]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help=f"per run, at most {MAX_SECONDS}")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=0, help="first of three ports (0: any free)")
    parser.add_argument("--data-dir", type=Path, help="a demo data folder to reuse")
    args = parser.parse_args(argv)
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk nginx")
    ports = [free_port(args.port + n if args.port else 0) for n in range(3)]

    with tempfile.TemporaryDirectory(prefix="masthead-page-cache-") as scratch:
        folder = Path(scratch)
        folder.chmod(0o755)  # nginx's workers (not root) read the page from it
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("MASTHEAD_") and key not in {"DATABASE_URL", "REDIS_URL"}
        }
        env.update(MASTHEAD_DATA_DIR=str(args.data_dir or folder / "data"), PYTHONPATH=str(ROOT))
        if args.data_dir is None:
            print("Setting up the demo site ...", flush=True)
            prepare_demo(env)
        post = first_post_path(env)

        cached, body = bench_masthead(
            env, ports[0], args.workers, folder,
            [("masthead serve, post page from the page cache", post),
             ("masthead serve, hub from the page cache", "/")],
            args.seconds,
        )  # fmt: skip
        ceiling = bench_nginx(body, post, ports[1], args.workers, folder, args.seconds)
        uncached, _ = bench_masthead(
            {**env, "MASTHEAD_PAGE_CACHE": "off"}, ports[2], args.workers, folder,
            [("masthead serve, post page made each time (cache off)", post)], args.seconds,
        )  # fmt: skip

    figures = [ceiling, *cached, *uncached]
    print(f"\nwrk -t2 -c32 -d{args.seconds}s, 127.0.0.1, {args.workers} worker process(es), "
          f"post page {post} ({len(body):,} bytes)\n")  # fmt: skip
    print("| what | requests/s | p50 ms | p99 ms | × nginx |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in figures:
        ratio = row.requests_per_second / ceiling.requests_per_second
        note = f" ({row.errors})" if row.errors else ""
        print(f"| {row.what}{note} | {row.requests_per_second:,.0f} | {row.p50_ms:.2f} | "
              f"{row.p99_ms:.2f} | {ratio:.3f} |")  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
