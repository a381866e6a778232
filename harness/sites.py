"""A site of its own for a test or a drill: a data folder with a migrated SQLite file (or
the database given) and one published post; its processes started as children and
stopped by their PID."""

import os
import shutil
import sqlite3
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
    # collectstatic's output to copy in before `serve`, instead of collecting anew.
    static_files: Path | None = None

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
        if self.static_files is not None and "--no-collectstatic" not in args:
            # The same files `serve` would collect, without hashing and compressing
            # 850 of them for every site.
            shutil.copytree(self.static_files, self.data_dir / "static", dirs_exist_ok=True)
            args = ("--no-collectstatic", *args)
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


def site_environment(data_dir: Path, **settings: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "DJANGO_", "PYTEST_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="masthead.settings", MASTHEAD_DATA_DIR=str(data_dir),
               **settings)  # fmt: skip
    return env


def migrate(env: dict) -> None:
    subprocess.run([MASTHEAD, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)


def make_site(
    data_dir: Path,
    *,
    migrated_copy: Path | None = None,
    static_files: Path | None = None,
    **settings: str,
) -> Site:
    """A site in ``data_dir``; with ``migrated_copy`` (a migrated SQLite file) its database
    is a copy of that one rather than migrated anew (the same database, in a fraction of
    the time), unless the settings name another database."""
    env = site_environment(data_dir, **settings)
    if migrated_copy is None or "DATABASE_URL" in settings:
        migrate(env)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(migrated_copy)
        copy = sqlite3.connect(data_dir / "masthead.sqlite3")
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    site = Site(data_dir=data_dir, env=env, post_id=0, static_files=static_files)
    site.post_id = int(site.shell(ONE_POST).split()[-1])
    return site
