from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.static_site.watcher import Watcher
from masthead.static_site.writer import StaticSite


class Command(BaseCommand):
    help = (
        "Writes every public page, feed, sitemap, cite export, PDF and static file into DIR "
        "for nginx (deploy/nginx.conf), then keeps DIR current as content changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="the folder nginx serves")
        parser.add_argument(
            "--once", action="store_true", help="write everything once and exit (no watching)"
        )

    def handle(self, *args, directory, once, **options):
        folder = Path(directory)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} exists and is not a folder.")
        if not once and not settings.MASTHEAD_STATIC_PUBLISHING:
            raise CommandError(
                "Keeping a folder current needs the changes recorded: set "
                "MASTHEAD_STATIC_PUBLISHING=1 for the app servers and for this command "
                "(or use --once)."
            )
        try:
            site = StaticSite(folder, log=self.note)
        except OSError as error:
            raise CommandError(f"Cannot write into {folder}: {error.strerror}.") from None
        if once:
            site.publish_everything()
            self.stdout.write(f"Wrote {site.written} files into {site.directory}.")
            return
        watcher = Watcher(site, log=self.note)
        watcher.start()
        self.stdout.write(
            f"Wrote {site.written} files into {site.directory}; watching for changes "
            "(Ctrl-C stops)."
        )
        self.stdout.flush()
        try:
            while True:
                watcher.step()
                watcher.pause()
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def note(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
