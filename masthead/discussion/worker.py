"""Run the tasks worker (django-tasks' database backend) beside the web server.

The database backend only stores tasks; a worker process runs them. ``masthead
demo`` and ``masthead serve`` can start one with ``start_task_worker()`` and it
is stopped with the server. In production run ``masthead db_worker`` as its
own service instead.
"""

import atexit
import os
import subprocess
import sys


def start_task_worker(interval: float = 2.0) -> subprocess.Popen:
    """Start ``masthead db_worker`` as a child process; it is stopped when this process exits."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "db_worker", "--interval", str(interval),
         "--no-reload", "--verbosity", "0"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings"},
    )  # fmt: skip

    def stop():
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)
    return worker
