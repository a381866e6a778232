"""The suite's own rule: a run in which any test skips is a failed run, in one process
or spread over pytest-xdist's workers as `make test` runs it."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
# The suite in one process, and over two workers (their reports reach the controller).
PROCESSES = pytest.mark.parametrize(
    "processes", [["-p", "no:xdist"], ["-n", "2"]], ids=["one", "xdist"]
)

SUITE = """
import pytest

def test_that_runs():
    pass

def test_that_needs_a_browser_nobody_installed():
    pytest.skip("chromium is not installed")

@pytest.mark.xfail(reason="known bug")
def test_that_is_expected_to_fail():
    assert False
"""


@PROCESSES
def test_a_run_with_skipped_or_xfailed_tests_fails_and_names_them(pytester, monkeypatch, processes):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # where xdist's workers find tests.no_skips
    pytester.makepyfile(SUITE)
    result = pytester.runpytest("-p", "tests.no_skips", "-p", "no:django", *processes)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*tests that did not run (this fails the suite)*",
            "*test_that_needs_a_browser_nobody_installed*chromium is not installed*",
            "*test_that_is_expected_to_fail*known bug*",
        ]
    )


@PROCESSES
def test_a_run_in_which_everything_passes_succeeds(pytester, monkeypatch, processes):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile("def test_that_runs():\n    pass\n")
    result = pytester.runpytest("-p", "tests.no_skips", "-p", "no:django", *processes)
    assert result.ret == 0
