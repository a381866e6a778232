"""A site of its own for a test or a drill: a data folder with a freshly migrated SQLite
file (or the database given) and one published post; processes started as children and
stopped by their PID."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.http import free_port, get, status_of

MASTHEAD = str(Path(sys.executable).parent / "masthead")

ONE_POST = """
import datetime
from django.utils import timezone
from masthead.publishing.models import Blog, Institution, Post
Institution.objects.create(name="Harbour Institute for Public Affairs", short_name="Harbour")
blog = Blog.objects.create(name="Energy Desk", slug="energy", tagline="Energy, explained")
post = Post.objects.create(blog=blog, title="Grid storage", slug="grid-storage",
                           status="published", body="Batteries, pumped hydro and patience.",
                           publish_at=timezone.now() - datetime.timedelta(days=1))
print(post.pk)
"""


@dataclass
class Site:
    data_dir: Path
    env: dict
    post_id: int
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.data_dir / "masthead.sqlite3"

    def log(self, name: str) -> str:
        path = self.data_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, name: str, *args: str) -> subprocess.Popen:
        """Start ``masthead ARGS``; its output (stdout and stderr) goes to NAME.log."""
        with open(self.data_dir / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                [MASTHEAD, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def serve(self, *args: str) -> int:
        port = free_port()
        process = self.start("serve", "serve", "--port", str(port), "--workers", "1", *args)
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, self.log("serve")
            try:
                if status_of(get(port, "/robots.txt", timeout=5)) == 200:
                    return port
            except (OSError, AssertionError):
                pass
            assert time.monotonic() < deadline, "the server did not start within two minutes"
            time.sleep(0.3)

    def shell(self, code: str) -> str:
        finished = subprocess.run(
            [MASTHEAD, "shell", "-c", code], env=self.env, capture_output=True, text=True,
            timeout=120, check=True,
        )  # fmt: skip
        return finished.stdout

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def make_site(data_dir: Path, **settings: str) -> Site:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "DJANGO_", "PYTEST_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="masthead.settings", MASTHEAD_DATA_DIR=str(data_dir),
               **settings)  # fmt: skip
    subprocess.run([MASTHEAD, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)
    site = Site(data_dir=data_dir, env=env, post_id=0)
    site.post_id = int(site.shell(ONE_POST).split()[-1])
    return site
