import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def refuse_if_served(host: str, port: int) -> None:
    """Refuse to start beside a server already answering on the port.

    Granian listens with SO_REUSEPORT, so a second server could bind the same port and
    share its connections with the first: old and new code answering at once.
    """
    # A server listening on every interface answers on loopback too.
    address = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    try:
        with socket.create_connection((address, port), timeout=1):
            pass
    except OSError:
        return
    raise CommandError(
        f"Port {port} on {host} is already served by another process (an earlier "
        "`masthead serve`?); stop it first or choose another --port."
    )


class Command(BaseCommand):
    help = "Serve the site with Granian, a production-grade server (not Django's runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.MASTHEAD_SERVER_WORKERS)
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.MASTHEAD_SERVER_THREADS,
            help="Requests running Django's code at once, per process.",
        )
        parser.add_argument(
            "--interface",
            choices=["asgi", "wsgi"],
            default="asgi",
            help="asgi (the default) reads request bodies in the event loop, so slow clients "
            "hold no thread; wsgi is the former blocking-thread server, kept for comparison.",
        )
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Static files are already collected."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background-task worker (run `masthead db_worker` yourself).",
        )

    def handle(self, *args, host, port, workers, threads, interface, no_collectstatic, no_worker,
               **options):  # fmt: skip
        refuse_if_served(host, port)
        from masthead.server.lifeline import mark_as_parent

        # Before any child starts: each one ends with this process (masthead/server/lifeline.py).
        mark_as_parent()
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if not no_worker:
            from masthead.server.worker import start_task_worker

            start_task_worker()
        serve(host=host, port=port, workers=workers, threads=threads, interface=interface)


def serve(*, host: str, port: int, workers: int, threads: int, interface: str = "asgi") -> None:
    from granian import Granian
    from granian.constants import Interfaces

    threads = max(1, threads)
    # The ASGI handler reads its limit from the settings: Granian's workers are forked
    # from this process (settings already loaded) or spawned (settings read anew).
    settings.MASTHEAD_SERVER_THREADS = threads
    os.environ["MASTHEAD_SERVER_THREADS"] = str(threads)
    if interface == "wsgi":
        target, options = "masthead.wsgi:application", {"interface": Interfaces.WSGI,
                                                        "blocking_threads": threads}  # fmt: skip
    else:
        # Django has no lifespan events: the interface without them.
        target, options = "masthead.asgi:application", {"interface": Interfaces.ASGINL}
    Granian(
        target,
        address=host,
        port=port,
        workers=workers,
        log_access=False,
        # A Granian worker that dies is started again rather than leaving fewer.
        respawn_failed_workers=True,
        **options,
    ).serve()
