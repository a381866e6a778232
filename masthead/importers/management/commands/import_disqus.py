"""``masthead import_disqus FILE``: comments kept in Disqus, onto the imported posts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.importers.disqus import DisqusImport
from masthead.importers.progress import PlainProgress
from masthead.importers.wxr import WxrError


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
        progress = PlainProgress(lambda line: self.stdout.write(line))
        size = path.stat().st_size if path.is_file() else 0
        job = DisqusImport(path, dry_run=options["dry_run"], scan_progress=progress.scanner(size))
        try:
            summary = job.run()
        except WxrError as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        except Exception as error:  # noqa: BLE001 - one line for the person, never a traceback
            raise CommandError(
                f"Nothing was imported: the import stopped on {type(error).__name__}: {error}"
            ) from None
        if options["dry_run"]:
            self.stdout.write(f"Dry run of {path.name}: nothing was written. It would do this:")
        else:
            self.stdout.write(f"Imported {path.name}:")
        for line in summary.lines():
            self.stdout.write(line)
