from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with Granian, a production-grade server (not Django's runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.MASTHEAD_SERVER_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.MASTHEAD_SERVER_THREADS)
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Static files are already collected."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background-task worker (run `masthead db_worker` yourself).",
        )

    def handle(self, *args, host, port, workers, threads, no_collectstatic, no_worker, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if not no_worker:
            from masthead.discussion.worker import start_task_worker

            start_task_worker()
        serve(host=host, port=port, workers=workers, threads=threads)


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "masthead.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_access=False,
    ).serve()
