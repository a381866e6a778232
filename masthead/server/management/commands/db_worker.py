"""``masthead db_worker``: django-tasks' database worker, made to outlast a locked database.

django-tasks' worker takes SQLite's write lock each time it looks for a task.
When another process holds the lock for longer than the busy timeout (a
backup, a long import), that attempt fails with "database is locked" and the
worker exits, leaving mails and requested citation styles unsent for good.
Here such a failure is logged and the loop starts again after a pause that
grows while the database stays locked. Every other error still ends the
worker; ``masthead serve`` restarts it (see ``masthead.server.worker``).
"""

import logging
import os
import time

from django.db import connections
from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks.backends.database.management.commands import db_worker as tasks_db_worker

logger = logging.getLogger("masthead.server.worker")

FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0


def database_is_locked(error: OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class LockTolerantWorker(tasks_db_worker.Worker):
    def run(self) -> None:
        pause = FIRST_PAUSE_SECONDS
        last_failure = 0.0
        while self.running:
            try:
                super().run()
                return  # a batch or --max-tasks run that finished its work
            except OperationalError as error:
                if not database_is_locked(error):
                    raise
                if time.monotonic() - last_failure > 2 * LONGEST_PAUSE_SECONDS:
                    pause = FIRST_PAUSE_SECONDS  # locked again after a healthy spell
                last_failure = time.monotonic()
                logger.warning(
                    "Background-task worker: the database is locked (%s); trying again in %.0f s.",
                    error,
                    pause,
                )
                # A connection left inside a failed transaction is of no further use.
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)


class Command(tasks_db_worker.Command):
    help = (
        "Run the background-task worker (mails, requested citation styles); "
        "a locked database is retried, not fatal."
    )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, **options):  # fmt: skip
        self.configure_logging(verbosity)
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
