"""The browser suite's harness: Debian's Chromium, and the real server on a free port.

``masthead serve`` (Granian, collected static files, the task worker) runs as a
child process with a database of its own: a fresh SQLite file, or, when the
suite runs on PostgreSQL (``DATABASE_URL``), a PostgreSQL database beside the
test database. It is migrated and given known content by ``seed.py``. Nothing
here is skipped: a missing browser or Playwright fails the tests with the way
to fix it.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.browser import launch_chromium

E2E_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
SERVER_START_SECONDS = 90

_server_log: Path | None = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and _server_log is not None and E2E_DIR in Path(item.fspath).parents:
        report.sections.append(("masthead serve output", _server_log.read_text(errors="replace")))
    return report


# --- the browser --------------------------------------------------------------------
@pytest.fixture(scope="package", autouse=True)
def orm_beside_playwright():
    """Let these tests use the ORM while Playwright's event loop runs in the same thread.

    Playwright's sync API keeps an asyncio loop running for as long as it is
    started, which Django would take for async code; the ORM calls made
    between browser steps are plain synchronous code. Scoped to this package
    so the rest of the suite keeps Django's guard.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(orm_beside_playwright):
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def new_context(browser, server):
    """Open fresh browser contexts (cookies, storage) on the server; closed after the test."""
    opened = []

    def open_context(**options):
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def reader(new_context):
    """A page in a fresh context, as an anonymous reader sees the site."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def axe_script():
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT}): run `make install-test`, which runs "
            "`npm ci` in tests/e2e.",
            pytrace=False,
        )
    return AXE_SCRIPT


# --- the server ---------------------------------------------------------------------
@dataclass
class Server:
    url: str
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def own_postgres_database(test_database_url: str) -> tuple[str, str]:
    """(server database URL, maintenance URL): the suite's database name suffixed ``_e2e``,
    and the pytest-xdist worker's name after it, so two workers never share one."""
    parts = urlsplit(test_database_url)
    name = parts.path.lstrip("/") or "masthead"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    suffix = f"_e2e_{worker}" if worker else "_e2e"
    server_url = urlunsplit(parts._replace(path=f"/{name}{suffix}"))
    maintenance_url = urlunsplit(parts._replace(path="/postgres"))
    return server_url, maintenance_url


def run_on_postgres(maintenance_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    global _server_log
    data_dir = tmp_path_factory.mktemp("e2e-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="masthead.settings",
        MASTHEAD_DATA_DIR=str(data_dir),
        MASTHEAD_MEDIA_ROOT=str(data_dir / "media"),
        # Stored references carry the address the site is served on.
        MASTHEAD_SITE_URL=url,
        MASTHEAD_SERVER_WORKERS="1",
        MASTHEAD_SERVER_THREADS="4",
        # Few enough that the seeded author and topic listings run to a second page.
        MASTHEAD_POSTS_PER_PAGE="4",
        # Every browser of the suite writes from 127.0.0.1: the per-address limit on
        # comments would otherwise count the whole suite as one busy commenter.
        MASTHEAD_COMMENT_RATE_LIMIT_PER_IP="100",
    )
    postgres = None
    if os.environ.get("DATABASE_URL"):
        database_url, maintenance_url = own_postgres_database(os.environ["DATABASE_URL"])
        database = urlsplit(database_url).path.lstrip("/")
        run_on_postgres(
            maintenance_url,
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
            f'CREATE DATABASE "{database}"',
        )
        postgres = (maintenance_url, database)
        env["DATABASE_URL"] = database_url

    masthead = str(Path(sys.executable).with_name("masthead"))
    _server_log = data_dir / "server.log"
    with _server_log.open("w") as log:
        migrate = [masthead, "migrate", "--no-input", "--verbosity", "0"]
        for step in (migrate, [sys.executable, E2E_DIR / "seed.py"]):
            done = subprocess.run(step, env=env, stdout=log, stderr=subprocess.STDOUT)
            if done.returncode:
                pytest.fail(f"{step[1]} failed:\n{_server_log.read_text()}", pytrace=False)
        # A session of its own, so that stopping it stops the task worker it starts too.
        process = subprocess.Popen(
            [masthead, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_serving(url, process)
        yield Server(url=url, process=process)
    finally:
        stop(process)
        if postgres:
            maintenance_url, database = postgres
            run_on_postgres(maintenance_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(data_dir / "static", ignore_errors=True)


def wait_until_serving(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"masthead serve exited with {process.returncode}:\n{_server_log.read_text()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url + "/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    stop(process)
    pytest.fail(
        f"masthead serve did not answer on {url} within {SERVER_START_SECONDS}s:\n"
        + _server_log.read_text(),
        pytrace=False,
    )


def stop(process: subprocess.Popen) -> None:
    """Ask the server (and its task worker, in the same process group) to stop, then insist."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
