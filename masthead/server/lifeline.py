"""The processes ``masthead serve`` starts end when it ends, however it ends.

Granian's workers and the background-task worker are children of the ``serve``
process. When that process is stopped politely it stops them; killed outright
(SIGKILL, the out-of-memory killer) it cannot, and the children used to live on,
re-parented to init, still answering on the port beside a newly started server:
old and new code at once. So each child watches its parent: once the parent is
gone (the child's parent id changes), the child stops itself.

Polling ``os.getppid()`` rather than Linux's parent-death signal
(``prctl(PR_SET_PDEATHSIG)``): that signal fires when the *thread* that started
the child ends, and Granian starts replacement workers from a watcher thread.
"""

import logging
import os
import signal
import threading
import time

logger = logging.getLogger("masthead.server")

# The ``serve`` process's id, given to its children in their environment.
ENVIRONMENT_KEY = "MASTHEAD_SERVE_PID"
CHECK_SECONDS = 0.5
# After asking itself to stop, how long a child may take before it is ended outright.
GRACE_SECONDS = 5.0


def mark_as_parent() -> None:
    """In ``serve``: the children started from now on end with this process."""
    os.environ[ENVIRONMENT_KEY] = str(os.getpid())


def _stop_self(reason: str) -> None:
    logger.error("%s; this process (pid %d) stops too.", reason, os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(CHECK_SECONDS)
    _stop_self(f"The masthead serve process (pid {parent}) is gone")


def exit_with_parent() -> None:
    """In a child of ``serve`` (no-op elsewhere): stop once the ``serve`` process is gone."""
    raw = os.environ.get(ENVIRONMENT_KEY)
    if not raw or not raw.isdigit() or int(raw) == os.getpid():
        return
    serve_pid = int(raw)
    parent = os.getppid()
    # Started by something the serve process started (multiprocessing's helper) the
    # parent is that; re-parented to init, serve is already gone.
    if parent != serve_pid and parent == 1:
        _stop_self(f"The masthead serve process (pid {serve_pid}) is gone")
        return
    threading.Thread(target=_watch, args=(parent,), name="serve-lifeline", daemon=True).start()
