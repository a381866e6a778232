"""The background-task worker beside the web server, restarted whenever it dies.

django-tasks' database backend only stores tasks; ``masthead db_worker`` runs
them (mails, requested citation styles). ``masthead serve`` and ``masthead
demo`` start it as a child process with ``start_task_worker()`` and watch it
from a thread: when it exits, the exit is logged with its code and the worker
is started again after a pause. The pause doubles while the worker keeps dying
soon after starting (a broken configuration should not spin a core) and is
short again once a worker has run for a while. The worker is stopped with the
server. It runs at a lower CPU priority than the web server (``--niceness``):
a newsletter going out to a hundred thousand readers may take every idle
cycle, but not the ones a reader's page needs. In a deployment on several
machines run ``masthead db_worker`` as its own service instead (under
systemd or the like, which restarts it; give it ``--niceness`` there too
when it shares a machine with the web server).
"""

import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
import time

logger = logging.getLogger("masthead.server.worker")

# How much lower than the web server's the worker's CPU priority is (`nice`).
SERVE_NICENESS = 10


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class SupervisedWorker:
    """A ``masthead db_worker`` child process, restarted with a growing pause when it exits."""

    def __init__(self, interval: float = 2.0, *, first_pause: float = 1.0,
                 longest_pause: float = 60.0, steady_after: float = 60.0):  # fmt: skip
        self.command = [sys.executable, "-m", "masthead.cli", "db_worker",
                        "--interval", str(interval), "--no-reload", "--verbosity", "0",
                        "--niceness", str(SERVE_NICENESS)]  # fmt: skip
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.steady_after = steady_after
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> "SupervisedWorker":
        self._spawn()
        threading.Thread(target=self._watch, name="task-worker-supervisor", daemon=True).start()
        return self

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self.process = subprocess.Popen(
                self.command, env={**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings"}
            )

    def _watch(self) -> None:
        pause = self.first_pause
        while not self._stopping.is_set():
            process = self.process
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= self.steady_after:
                pause = self.first_pause
            logger.error(
                "The background-task worker (pid %d) %s; starting it again in %.0f s.",
                process.pid,
                describe_exit(code),
                pause,
            )
            if self._stopping.wait(pause):
                return
            self._spawn()
            if self.process is not process:
                logger.warning("The background-task worker is running again (pid %d).",
                               self.process.pid)  # fmt: skip
            pause = min(pause * 2, self.longest_pause)

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_task_worker(interval: float = 2.0) -> SupervisedWorker:
    """Start the supervised worker; it is stopped when this process exits."""
    worker = SupervisedWorker(interval).start()
    atexit.register(worker.stop)
    return worker
