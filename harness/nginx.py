"""deploy/nginx.conf, adapted to a temporary folder and ports, run by the real nginx.

Used by the static publishing tests, the several-app-servers tests and
bench/static_publish.py.
"""

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from harness.http import free_port, get, status_of

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def local_config(
    workdir: Path,
    *,
    root: Path,
    port: int,
    app_ports: Sequence[int],
    media: Path,
    http_directives: str = "",
    source: Path = ROOT / "deploy" / "nginx.conf",
) -> Path:
    """The deployment's config with only the site-specific paths and ports changed.

    ``app_ports`` become the upstream's servers (one line each, as the comment in
    deploy/nginx.conf says for several app servers); ``http_directives`` are added
    to the ``http`` block as they are (a test's own headers or logs). ``source``
    is the config adapted (another checkout's, for a benchmark).
    """
    text = source.read_text()
    upstream_servers = "\n        ".join(f"server 127.0.0.1:{app_port};" for app_port in app_ports)
    changes = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "root /srv/masthead/site;": f"root {root};",
        "server 127.0.0.1:8000;": upstream_servers,
        "alias /srv/masthead/media/;": f"alias {media}/;",
        "default $host;": "default $host:$server_port;",
    }
    for old, new in changes.items():
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has one {old!r}"
        text = text.replace(old, new)
    temp = workdir / "temp"
    temp.mkdir(exist_ok=True)
    own_files = f"pid {workdir}/nginx.pid;\n"
    if os.geteuid() == 0:  # workers would otherwise run as nobody, who cannot read tmp folders
        own_files += "user root;\n"
    text = own_files + text.replace(
        "http {",
        "http {\n" + "".join(f"    {kind}_temp_path {temp}/{kind};\n"
                             for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + http_directives,
        1,
    )  # fmt: skip
    config = workdir / "nginx.conf"
    config.write_text(text)
    return config


def start_nginx(workdir: Path, *, port: int = 0, **adaptations) -> tuple[subprocess.Popen, int]:
    port = port or free_port()
    config = local_config(workdir, port=port, **adaptations)
    error_log = workdir / "error.log"
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(config), "-e", str(error_log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        assert process.poll() is None, error_log.read_text() if error_log.exists() else "nginx died"
        try:
            status_of(get(port, "/robots.txt", timeout=2))
            return process, port
        except (OSError, AssertionError):
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
