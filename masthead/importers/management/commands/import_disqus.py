"""``masthead import_disqus FILE``: comments kept in Disqus, onto the imported posts."""

import contextlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.importers.disqus import DisqusImport
from masthead.importers.progress import PlainProgress, terminal_progress
from masthead.importers.wxr import WxrError


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]


class Command(BaseCommand):
    help = (
        "Import a Disqus XML export: each thread's comments go onto the post at its address "
        "(old WordPress permalinks included). All or nothing, and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="print the summary; write nothing"
        )

    def handle(self, *args, **options):
        path = options["file"]
        size = path.stat().st_size if path.is_file() else 0
        with contextlib.ExitStack() as stack:
            if self.stdout.isatty():
                progress = stack.enter_context(terminal_progress(sys.stdout))
            else:
                progress = PlainProgress(lambda line: self.stdout.write(line))
            job = DisqusImport(
                path, dry_run=options["dry_run"], scan_progress=progress.scanner(size)
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
        if options["dry_run"]:
            self.stdout.write(f"Dry run of {path.name}: nothing was written. It would do this:")
        else:
            self.stdout.write(f"Imported {path.name}:")
        for line in summary.lines():
            self.stdout.write(line)
