"""Static publishing: nginx serving the published folder, against nginx serving the same bytes.

Builds the demo site in a temporary MASTHEAD_DATA_DIR, starts the app
(``masthead serve``), ``masthead publish_static DIR`` (watching) and nginx with
``deploy/nginx.conf`` pointed at DIR, plus a second, minimal nginx serving the
same bytes as plain files. Then, on 127.0.0.1:

1. speed, page by page (the post page, the same with ``Accept-Encoding: gzip``,
   the hub, the site's Atom feed), against a plain file holding exactly the
   bytes the deployed config sends (the ``.gz`` for the gzip case):
   - in turns: ``wrk -t2 -c32`` on the plain file and on each config, one after
     the other, ``--rounds`` times ``--seconds`` each, a different one first
     every round; per side the median requests/s, the median and range of the
     ratio to the plain file within a round, nginx's CPU microseconds per answer
     (all its processes) and its ratio to the plain file's;
   - at once: the plain file and a config served at the same time
     (``-t1 -c16`` each), ``--rounds`` runs; the median and range of the ratio.
     Load from other work that comes and goes then falls on both at every
     instant, so on a shared machine this ratio is the steadiest figure;
2. freshness: a comment is approved (in another process, as a moderator would)
   and the post page is read through nginx until it shows the comment: the
   seconds between the approval's commit and the first answer that has it.

    .venv/bin/python bench/static_publish.py [--seconds 3] [--rounds 5] [--approvals 3]
        [--pages post,post-gzip,hub,feed] [--config FILE] [--against FILE ...]
        [--site DIR] [--port 18300]

``--config`` measures another nginx config in place of deploy/nginx.conf;
``--against FILE`` adds one to the same turns (say, a base commit's
deploy/nginx.conf, to compare a change); ``--site DIR`` measures an already
published folder (speed only, nothing built). Prints figures; passes or fails
nothing.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.http import get  # noqa: E402
from harness.nginx import NGINX, start_nginx, stop  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from processes import tree_cpu_seconds  # noqa: E402 - the sibling module

MASTHEAD = [sys.executable, "-m", "masthead.cli"]
POST = "/energy/reading-the-winter-price-spike/"

PENDING = """
from masthead.discussion.models import Comment
from masthead.publishing.models import Post
post = Post.objects.get(slug="reading-the-winter-price-spike")
comment = Comment.objects.create(post=post, author_name="Bench Reader",
                                 email="bench@example.org", body="Marker {marker}.")
print(comment.pk)
"""
APPROVE = """
import time
from masthead.discussion.models import Comment
Comment.objects.get(pk={pk}).approve()
print(time.time())
"""


# What is measured: (label, address on the deployed nginx, request headers).
PAGES = {
    "post": ("the post page", POST, {}),
    "post-gzip": ("the post page, gzip", POST, {"Accept-Encoding": "gzip"}),
    "hub": ("the hub", "/", {}),
    "feed": ("the site's Atom feed", "/feed/", {}),
}


@dataclass
class Run:
    requests_per_second: float
    cpu_us_per_answer: float


def wrk(targets: list[tuple], seconds: int) -> list[Run]:
    """One wrk per (port, path, headers, nginx process), all at once; 32 connections in all.

    Alone, a target gets ``-t2 -c32``; two at once get ``-t1 -c16`` each, so they
    share the machine as evenly as the scheduler shares it.
    """
    threads, connections = (2, 32) if len(targets) == 1 else (1, 32 // len(targets))
    cpu_before = [tree_cpu_seconds(nginx.pid) for *_, nginx in targets]
    running = []
    for port, path, headers, _nginx in targets:
        options = [item for name, value in headers.items() for item in ("-H", f"{name}: {value}")]
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", *options,
                   f"http://127.0.0.1:{port}{path}"]  # fmt: skip
        running.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    outputs = [process.communicate(timeout=seconds + 30)[0] for process in running]
    runs = []
    for (_port, path, _headers, nginx), output, before in zip(
        targets, outputs, cpu_before, strict=True
    ):
        cpu = tree_cpu_seconds(nginx.pid) - before
        if "Non-2xx" in output or "Socket errors" in output or "requests in" not in output:
            raise SystemExit(f"wrk saw errors on {path}:\n{output}")
        answers = int(re.search(r"(\d+) requests in", output).group(1))
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        runs.append(Run(rate, cpu / max(answers, 1) * 1e6))
    return runs


def fetch(port: int, path: str, headers: dict) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def shell(env, code: str) -> str:
    done = subprocess.run([*MASTHEAD, "shell", "-c", code], env=env, capture_output=True,
                          text=True, check=True, timeout=120)  # fmt: skip
    return done.stdout.split()[-1]


def plain_nginx(workdir: Path, folder: Path, port: int) -> subprocess.Popen:
    """nginx at its plainest: files from a folder, as text/html, nothing else."""
    config = workdir / "plain.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(
        f"{user}pid {workdir}/plain.pid;\nworker_processes auto;\n"
        "events { worker_connections 1024; }\n"
        "http { sendfile on; tcp_nopush on; access_log off; keepalive_requests 100000;\n"
        "  open_file_cache max=10000 inactive=30s;\n"
        f"  client_body_temp_path {workdir}/plain-temp;\n"
        f"  server {{ listen 127.0.0.1:{port}; root {folder};"
        " location / { default_type text/html; } }\n}\n"
    )
    (workdir / "plain-temp").mkdir(exist_ok=True)
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(config), "-e", str(workdir / "plain-error.log"),
         "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        assert process.poll() is None, (workdir / "plain-error.log").read_text()
        try:
            fetch(port, "/", {})
            return process
        except OSError:
            assert time.monotonic() < deadline, "the plain nginx did not start"
            time.sleep(0.1)


def compare_speed(pages: list[str], *, configs: dict, plain, plain_folder: Path, seconds, rounds):
    """Each config and the plain file take turns on each page; prints the figures.

    ``configs`` maps a name to a running nginx (process, port); the first one's
    answers are the bytes the plain nginx gets as files.
    """
    plain_process, plain_port = plain
    first_port = next(iter(configs.values()))[1]
    targets = {}
    for key in pages:
        label, path, headers = PAGES[key]
        status, answer_headers, body = fetch(first_port, path, headers)
        if status != 200 or (headers and answer_headers.get("Content-Encoding") != "gzip"):
            raise SystemExit(f"{label}: the deployed config answered {status} {answer_headers}")
        (plain_folder / f"{key}.html").write_bytes(body)
        if fetch(plain_port, f"/{key}.html", {})[2] != body:
            raise SystemExit(f"{label}: the plain nginx does not send the same bytes")
        for name, (_process, port) in configs.items():
            if fetch(port, path, headers)[2] != body:
                raise SystemExit(f"{label}: {name} does not send the same bytes")
        targets[key] = (label, path, headers, len(body))
    runs = {key: {name: [] for name in ["plain", *configs]} for key in pages}
    for number in range(rounds):
        for key, (_label, path, headers, _size) in targets.items():
            turns = [("plain", plain_process, plain_port, f"/{key}.html")]
            turns += [(name, process, port, path) for name, (process, port) in configs.items()]
            shift = number % len(turns)  # each side goes first in turn
            for side, process, port, address in turns[shift:] + turns[:shift]:
                runs[key][side].append(wrk([(port, address, headers, process)], seconds)[0])
    # Then each config at the same time as the plain file: whatever else the machine
    # runs falls on both at every instant.
    together = {key: {name: [] for name in configs} for key in pages}
    for _ in range(rounds):
        for key, (_label, path, headers, _size) in targets.items():
            for name, (process, port) in configs.items():
                plain_run, config_run = wrk(
                    [(plain_port, f"/{key}.html", headers, plain_process),
                     (port, path, headers, process)], seconds,
                )  # fmt: skip
                together[key][name].append(config_run.requests_per_second
                                           / plain_run.requests_per_second)  # fmt: skip

    load = os.getloadavg()[0]
    print(f"\nwrk -t2 -c32 -d{seconds}s, 127.0.0.1, {rounds} rounds, the plain file and each "
          "config in turns (a different one first each round); "
          f"load average {load:.1f} at the end. Ratios are to the plain file "
          "within a round; 'at once': both served at the same time (-t1 -c16 each), "
          f"{rounds} runs.")  # fmt: skip
    print(f"{'page':<26} {'bytes':>6} {'served by':<30} {'req/s':>7} "
          f"{'ratio: median (range)':>22} {'CPU us/answer':>14} {'CPU ratio':>10} "
          f"{'at once: median (range)':>24}")  # fmt: skip
    for key, (label, _path, _headers, size) in targets.items():
        plain_runs = runs[key]["plain"]
        for side, side_runs in runs[key].items():
            ratios = [s.requests_per_second / p.requests_per_second
                      for s, p in zip(side_runs, plain_runs, strict=True)]  # fmt: skip
            cpu_ratios = [s.cpu_us_per_answer / p.cpu_us_per_answer
                          for s, p in zip(side_runs, plain_runs, strict=True)]  # fmt: skip
            name = "nginx, the bytes as a file" if side == "plain" else side
            at_once = together[key].get(side, [1.0])
            print(
                f"{label:<26} {size:>6} {name:<30} "
                f"{statistics.median(run.requests_per_second for run in side_runs):>7.0f} "
                f"{statistics.median(ratios):>9.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
                f"{statistics.median(run.cpu_us_per_answer for run in side_runs):>15.1f}"
                f"{statistics.median(cpu_ratios):>11.2f}"
                f"{statistics.median(at_once):>13.2f} ({min(at_once):.2f}-{max(at_once):.2f})"
            )
            label, size = "", ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=3, help="each wrk run (at most 10)")
    parser.add_argument("--rounds", type=int, default=5, help="turns of each page (at most 9)")
    parser.add_argument("--approvals", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, of {', '.join(PAGES)}")  # fmt: skip
    parser.add_argument("--config", type=Path, default=ROOT / "deploy" / "nginx.conf",
                        help="the nginx config measured (deploy/nginx.conf)")  # fmt: skip
    parser.add_argument("--site", type=Path,
                        help="a published folder: measure speed only, build nothing")  # fmt: skip
    parser.add_argument("--against", type=Path, action="append", default=[],
                        help="another nginx config measured in the same turns "
                             "(a base commit's deploy/nginx.conf); may be repeated")  # fmt: skip
    parser.add_argument("--port", type=int, default=18300,
                        help="first of the ports used (three, and one per --against)")  # fmt: skip
    args = parser.parse_args()
    seconds, rounds = min(args.seconds, 10), min(args.rounds, 9)
    pages = [page for page in args.pages.split(",") if page]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    processes = []
    with tempfile.TemporaryDirectory(prefix="masthead-static-bench-") as temp:
        temp = Path(temp)
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": str(temp / "data"),
            "MASTHEAD_STATIC_PUBLISHING": "1",
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        nginx_port, app_port, plain_port = args.port, args.port + 1, args.port + 2
        try:
            if args.site:
                folder = args.site
            else:
                subprocess.run([*MASTHEAD, "demo", "--no-serve"], env=env, check=True,
                               capture_output=True, timeout=600, cwd=ROOT)  # fmt: skip
                serve = [*MASTHEAD, "serve", "--port", str(app_port), "--no-worker"]
                with open(temp / "app.log", "wb") as log:
                    processes.append(
                        subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT)
                    )
                folder = temp / "site"
                publisher_log = temp / "publish.log"
                publish = [*MASTHEAD, "publish_static", str(folder)]
                with open(publisher_log, "wb") as out:
                    processes.append(
                        subprocess.Popen(publish, env=env, stdout=out, stderr=subprocess.DEVNULL)
                    )
                started = time.monotonic()
                while b"watching" not in publisher_log.read_bytes():
                    assert processes[-1].poll() is None, publisher_log.read_text()
                    time.sleep(0.2)
                files = sum(1 for path in folder.rglob("*") if path.is_file())
                took = time.monotonic() - started
                print(f"publish_static: the demo site, {files} files with assets, in {took:.1f} s")
            workdir = temp / "nginx"
            workdir.mkdir()
            nginx, port = start_nginx(
                workdir, root=folder, app_ports=[app_port], media=temp, port=nginx_port,
                source=args.config,
            )  # fmt: skip
            processes.append(nginx)
            configs = {f"{args.config.parent.name}/{args.config.name}": (nginx, port)}
            print(f"{next(iter(configs))}: {args.config}")
            for number, other in enumerate(args.against):
                other_dir = temp / f"nginx-against-{number}"
                other_dir.mkdir()
                other_nginx = start_nginx(
                    other_dir, root=folder, app_ports=[app_port], media=temp,
                    port=args.port + 3 + number, source=other,
                )  # fmt: skip
                processes.append(other_nginx[0])
                name = f"{other.parent.name}/{other.name} ({number + 1})"
                configs[name] = other_nginx
                print(f"{name}: {other}")
            plain_folder = temp / "plain"
            plain_folder.mkdir()
            processes.append(plain_nginx(workdir, plain_folder, plain_port))
            compare_speed(pages, configs=configs, plain=(processes[-1], plain_port),
                          plain_folder=plain_folder, seconds=seconds, rounds=rounds)  # fmt: skip
            if args.site:
                return

            print("\nfreshness: an approval's commit -> the first nginx answer showing the comment")
            for number in range(args.approvals):
                marker = f"static-bench-{number}-{time.time_ns()}"
                pk = shell(env, PENDING.format(marker=marker))
                time.sleep(1.5)  # the pending comment's own (empty) change passes first
                approved_at = float(shell(env, APPROVE.format(pk=pk)))
                while marker.encode() not in get(port, POST):
                    time.sleep(0.02)
                print(f"  approval {number + 1}: {time.time() - approved_at:.2f} s")
        finally:
            for process in reversed(processes):
                stop(process)


if __name__ == "__main__":
    main()
