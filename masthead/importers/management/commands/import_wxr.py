"""``masthead import_wxr FILE``: move a WordPress archive in (see the README)."""

import contextlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.importers.progress import PlainProgress, terminal_progress
from masthead.importers.wordpress import Options, WordPressImport
from masthead.importers.wxr import WxrError


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2): posts, authors, topics, comments, "
        "attachments and old links. All or nothing, and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the export, from WordPress's Tools → Export")
        parser.add_argument("--blog", dest="blog", help="slug of the blog that receives the posts")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="a copy of wp-content/uploads: pictures are taken from it first",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help="download the pictures from the old site (public addresses only, bounded)",
        )
        parser.add_argument(
            "--allow-host",
            action="append",
            default=[],
            metavar="HOST",
            help="fetch from HOST although it resolves to a private or loopback address "
            "(an intranet site); may be repeated",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the summary; write nothing"
        )
        parser.add_argument(
            "--blog-from-category",
            action="store_true",
            help="a post's first category chooses (or creates) its blog",
        )

    def handle(self, *args, **options):
        path = options["file"]
        settings = Options(
            blog_slug=options["blog"],
            media_dir=options["media_dir"],
            dry_run=options["dry_run"],
            blog_from_category=options["blog_from_category"],
            fetch_media=options["fetch_media"],
            allowed_hosts=tuple(options["allow_host"]),
        )
        # Progress and the summary go to standard output; standard error is for the one-line
        # reason an import did not happen.
        with contextlib.ExitStack() as stack:
            if self.stdout.isatty():
                progress = stack.enter_context(terminal_progress(sys.stdout))
            else:
                progress = PlainProgress(lambda line: self.stdout.write(line))
            size = path.stat().st_size if path.is_file() else 0
            job = WordPressImport(
                path, settings, scan_progress=progress.scanner(size), item_progress=progress.items
            )
            try:
                summary = job.run()
            except WxrError as error:
                raise CommandError(f"Nothing was imported: {error}") from None
            except Exception as error:  # noqa: BLE001 - one line for the person, never a traceback
                raise CommandError(
                    "Nothing was imported: the import stopped on "
                    f"{type(error).__name__}: {one_line(error)}"
                ) from None
        heading = (
            f"Dry run of {path.name}: nothing was written. It would do this:"
            if settings.dry_run
            else f"Imported {path.name} (WXR {job.channel.version}):"
        )
        self.stdout.write(heading)
        for line in summary.lines():
            self.stdout.write(line)
