"""A pytest plugin: the suite fails when any test skips or is expected to fail.

A skipped test is a promise nobody checked; with this plugin "green" always means every
test ran and passed. pyproject.toml loads it for every run (`-p tests.no_skips`).
"""

import pytest


class TestsThatDidNotRun:
    def __init__(self):
        self.lines = []

    def pytest_runtest_logreport(self, report):
        if report.skipped:
            reason = getattr(report, "wasxfail", None) or (
                report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            )
            self.lines.append(f"{report.nodeid}: {reason}")

    def pytest_sessionfinish(self, session, exitstatus):
        if self.lines and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.lines:
            terminalreporter.section("tests that did not run (this fails the suite)", red=True)
            for line in self.lines:
                terminalreporter.line(line, red=True)


def pytest_configure(config):
    config.pluginmanager.register(TestsThatDidNotRun(), "tests-that-did-not-run")
