"""Debian's Chromium under Playwright, for every browser test in the suite.

Never a downloaded browser; a missing Playwright or Chromium fails the test with
the way to fix it, it does not skip.
"""

import contextlib
import os
import time

import pytest
from django.db import OperationalError, connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root in CI, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machine has no outside network: nothing should try to reach it.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextlib.contextmanager
def launch_chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "The browser tests need Playwright for Python: run `make install-test` "
            "(it installs the test extras, playwright among them).",
            pytrace=False,
        )
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests drive Debian's Chromium at {CHROMIUM}, which is missing: "
            "run `make install-test` as root, or `apt-get install chromium`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            # The ORM used while Playwright runs keeps its connection under another
            # context than the one the test's own teardown closes: closed here, where
            # it is seen, or PostgreSQL finds the test database still in use at the end.
            connections.close_all()
            chromium.close()


def once_the_live_server_lets_go(write, seconds: float = 10):
    """Run ``write`` (an ORM write from the test's own thread) once no request of the
    live server holds a table it needs.

    On SQLite the live server's threads and the test share one in-memory database in
    shared-cache mode, where a table still being read for a request (an autosave sent
    just before its page was closed) refuses a writer at once instead of waiting.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            return write()
        except OperationalError as error:
            if "is locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
