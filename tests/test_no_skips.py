"""The suite's own rule: a run in which any test skips is a failed run."""

pytest_plugins = ["pytester"]

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


def test_a_run_with_skipped_or_xfailed_tests_fails_and_names_them(pytester):
    pytester.makepyfile(SUITE)
    result = pytester.runpytest("-p", "tests.no_skips", "-p", "no:django")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*tests that did not run (this fails the suite)*",
            "*test_that_needs_a_browser_nobody_installed*chromium is not installed*",
            "*test_that_is_expected_to_fail*known bug*",
        ]
    )


def test_a_run_in_which_everything_passes_succeeds(pytester):
    pytester.makepyfile("def test_that_runs():\n    pass\n")
    result = pytester.runpytest("-p", "tests.no_skips", "-p", "no:django")
    assert result.ret == 0
