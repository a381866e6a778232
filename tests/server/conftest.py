"""The real ``masthead serve`` and ``masthead db_worker``, each on a database of its own.

Each site gets a temporary data folder with a freshly migrated SQLite file and
one published post; processes are started as children and stopped by their PID.
"""

import functools
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.http import free_port, get, status_of
from tests import isolation

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
        if "--no-collectstatic" not in args:
            # What `serve` would collect, copied from one collection per test process:
            # the same files, without hashing and compressing 850 of them every time.
            # (The browser suite's server still runs serve's own collectstatic.)
            shutil.copytree(collected_static_files(), self.data_dir / "static", dirs_exist_ok=True)
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


@functools.cache
def migrated_sqlite_file() -> Path:
    """A SQLite database ``masthead migrate`` made, once per test process, to copy from."""
    data_dir = Path(tempfile.mkdtemp(prefix="migrated-", dir=isolation.DATA_DIR))
    migrate(site_environment(data_dir))
    return data_dir / "masthead.sqlite3"


@functools.cache
def collected_static_files() -> Path:
    """``masthead collectstatic``'s output as ``serve`` makes it, once per test process."""
    data_dir = Path(tempfile.mkdtemp(prefix="collected-", dir=isolation.DATA_DIR))
    env = site_environment(data_dir, MASTHEAD_COLLECTED_STATIC="true")
    subprocess.run([MASTHEAD, "collectstatic", "--noinput", "-v", "0"], env=env, check=True,
                   timeout=300)  # fmt: skip
    return data_dir / "static"


def make_site(data_dir: Path, **settings: str) -> Site:
    env = site_environment(data_dir, **settings)
    if "DATABASE_URL" in settings:
        migrate(env)
    else:
        # The migrations do not depend on the settings: a copy of one migrated file is
        # the same database as migrating anew, in a fraction of the time.
        data_dir.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(migrated_sqlite_file())
        copy = sqlite3.connect(data_dir / "masthead.sqlite3")
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    site = Site(data_dir=data_dir, env=env, post_id=0)
    site.post_id = int(site.shell(ONE_POST).split()[-1])
    return site


@pytest.fixture
def new_site(tmp_path_factory):
    """Make sites with the given settings; their processes are stopped after the test."""
    sites = []

    def new(**settings: str) -> Site:
        site = make_site(tmp_path_factory.mktemp("site"), **settings)
        sites.append(site)
        return site

    yield new
    for site in sites:
        site.stop_all()
