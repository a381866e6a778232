"""``masthead db_worker``: django-tasks' database worker, made to outlast its database.

django-tasks' worker exits on the first database error it meets while looking
for a task: SQLite's "database is locked" when another process holds the write
lock past the busy timeout (a backup, a long import), PostgreSQL's "the database
system is shutting down" or a refused connection across a restart. A worker run
as its own service (``serve --no-worker`` on several machines) then stayed down,
and mails and requested citation styles with it. Here any such failure (Django's
``OperationalError`` or ``InterfaceError``: the database is locked, gone or
restarting) is logged, the connection is dropped, and the loop starts again after
a pause that doubles while the database stays away. Every other error still ends
the worker; ``masthead serve`` restarts it (see ``masthead.server.worker``).
"""

import logging
import os
import time

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks.backends.database.management.commands import db_worker as tasks_db_worker

from masthead.server.lifeline import exit_with_parent
from masthead.server.worker import SERVE_NICENESS

logger = logging.getLogger("masthead.server.worker")

FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0


def database_is_locked(error: Exception) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def drop_connections() -> None:
    """Close every connection; one to a database that went away may fail to close."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except (OperationalError, InterfaceError):
            connection.connection = None  # Django opens a fresh one on next use


class LockTolerantWorker(tasks_db_worker.Worker):
    def run(self) -> None:
        pause = FIRST_PAUSE_SECONDS
        last_failure = 0.0
        while self.running:
            try:
                super().run()
                return  # a batch or --max-tasks run that finished its work
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - last_failure > 2 * LONGEST_PAUSE_SECONDS:
                    pause = FIRST_PAUSE_SECONDS  # failing again after a healthy spell
                last_failure = time.monotonic()
                what = "locked" if database_is_locked(error) else "unreachable"
                logger.warning(
                    "Background-task worker: the database is %s (%s); trying again in %.0f s.",
                    what,
                    str(error).strip(),
                    pause,
                )
                # A connection left inside a failed transaction, or to a server that
                # restarted, is of no further use.
                drop_connections()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)


class Command(tasks_db_worker.Command):
    help = (
        "Run the background-task worker (mails, requested citation styles); "
        "a locked database is retried, not fatal."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--niceness",
            type=int,
            default=0,
            choices=range(20),
            metavar="0-19",
            help=f"Lower this worker's CPU priority by this much (`masthead serve` uses "
            f"{SERVE_NICENESS}), so that readers' pages come first when both want the CPU.",
        )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, niceness, **options):  # fmt: skip
        self.configure_logging(verbosity)
        if niceness:
            os.nice(niceness)
        # Started by `masthead serve`: end with it, even when it is killed outright.
        exit_with_parent()
        worker = LockTolerantWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the reloaded child
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
