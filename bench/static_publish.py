"""Static publishing: nginx serving the published folder, against nginx serving a plain file.

Builds the demo site in a temporary MASTHEAD_DATA_DIR, starts the app
(``masthead serve``), ``masthead publish_static DIR`` (watching) and nginx with
``deploy/nginx.conf`` pointed at DIR, plus a second nginx serving the same post
page as a plain file. Then, on 127.0.0.1:

1. ``wrk`` (``-t2 -c32``, ``--seconds`` each, ``--rounds`` interleaved rounds)
   on the plain file, and through the deployed config on the post page, the hub
   and a feed: requests/s and the ratio to the plain file;
2. freshness: a comment is approved (in another process, as a moderator would)
   and the post page is read through nginx until it shows the comment: the
   seconds between the approval's commit and the first answer that has it.

    .venv/bin/python bench/static_publish.py [--seconds 5] [--rounds 3] [--approvals 3]

Prints figures; passes or fails nothing.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server.conftest import get  # noqa: E402
from tests.server.nginx import NGINX, start_nginx, stop  # noqa: E402

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


def wrk(port: int, path: str, seconds: int) -> float:
    output = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def shell(env, code: str) -> str:
    done = subprocess.run([*MASTHEAD, "shell", "-c", code], env=env, capture_output=True,
                          text=True, check=True, timeout=120)  # fmt: skip
    return done.stdout.split()[-1]


def plain_nginx(workdir: Path, folder: Path, port: int) -> subprocess.Popen:
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
    time.sleep(0.5)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run (at most 10)")
    parser.add_argument("--approvals", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved wrk rounds")
    parser.add_argument("--port", type=int, default=18300, help="first of four ports used")
    args = parser.parse_args()
    seconds = min(args.seconds, 10)
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
        subprocess.run([*MASTHEAD, "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, timeout=600, cwd=ROOT)  # fmt: skip
        nginx_port, app_port, plain_port = args.port, args.port + 1, args.port + 2
        try:
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
                workdir, root=folder, app_ports=[app_port], media=temp, port=nginx_port
            )
            processes.append(nginx)
            plain_folder = temp / "plain"
            plain_folder.mkdir()
            (plain_folder / "post.html").write_bytes(
                (folder / POST.strip("/") / "index.html").read_bytes()
            )
            processes.append(plain_nginx(workdir, plain_folder, plain_port))

            targets = {
                "nginx, the post page as a plain file": (plain_port, "/post.html"),
                "deploy/nginx.conf on DIR, the post page": (port, POST),
                "deploy/nginx.conf on DIR, the hub": (port, "/"),
                "deploy/nginx.conf on DIR, the site's Atom feed": (port, "/feed/"),
            }
            # Interleaved rounds: on a shared machine, load comes and goes between runs.
            rates = {label: [] for label in targets}
            for _ in range(args.rounds):
                for label, (target_port, path) in targets.items():
                    rates[label].append(wrk(target_port, path, seconds))
            print(f"\nwrk -t2 -c32 -d{seconds}s, 127.0.0.1, {args.rounds} interleaved rounds; "
                  "req/s (best, median); the best's ratio to the plain file's")  # fmt: skip
            ceiling = max(rates["nginx, the post page as a plain file"])
            for label, values in rates.items():
                best = max(values)
                print(f"{label:<48} {best:>8.0f} {statistics.median(values):>8.0f}"
                      f"   {best / ceiling:.2f}")  # fmt: skip

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
