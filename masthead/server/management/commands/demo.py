from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from masthead.server.lifeline import mark_as_parent
from masthead.server.management.commands.serve import refuse_if_served, serve
from masthead.server.sample.comments import ensure_moderator_login, load_sample_comments
from masthead.server.sample.loader import DEMO_LOGINS, load_sample_content
from masthead.server.worker import start_task_worker


class Command(BaseCommand):
    help = "Set up the demo site (database, sample content, logins) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the demo site but do not serve it."
        )

    def handle(self, *args, port, no_serve, **options):
        if settings.PRODUCTION:
            # The demo resets its logins' passwords to the printed ones: never on a real site.
            raise CommandError(
                "masthead demo refuses to run with MASTHEAD_ENV=production; "
                "use masthead serve for a real site."
            )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(load_sample_content())
        self.stdout.write(load_sample_comments())
        self.stdout.write("")
        logins = {**DEMO_LOGINS, "moderator": ensure_moderator_login()}
        for role, (username, password) in logins.items():
            self.stdout.write(f"  {role:<10} username: {username:<10} password: {password}")
        if no_serve:
            return
        self.stdout.write("")
        self.stdout.write(
            f"Masthead demo: http://127.0.0.1:{port}/  (admin: /admin/, moderation: /moderation/)"
        )
        self.stdout.write("Stop with Ctrl+C.")
        self.stdout.flush()
        refuse_if_served("127.0.0.1", port)
        mark_as_parent()  # the worker and Granian's worker end with this process
        start_task_worker()  # sends the notification emails (printed to the console here)
        # One process: the demo's local-memory cache (rate limits) is then shared.
        serve(host="127.0.0.1", port=port, workers=1, threads=settings.MASTHEAD_SERVER_THREADS)
