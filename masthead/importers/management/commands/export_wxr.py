"""``masthead export_wxr [FILE]``: the site as a WordPress export (WXR 1.2)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.importers.wordpress_export import write_wxr


class Command(BaseCommand):
    help = (
        "Write the site (posts, authors, blogs, topics, approved and pending comments, "
        "images by address) as a WordPress export, to FILE or standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="where to write; - or none: stdout")
        parser.add_argument(
            "--site-url", help="the public address for links (default: MASTHEAD_SITE_URL)"
        )

    def handle(self, *args, **options):
        target = options["file"]
        if target is None or str(target) == "-":
            self.stdout.ending = ""  # the document is written in pieces; add nothing between
            counts = write_wxr(self.stdout, options["site_url"])
            sys.stderr.write(_described(counts) + "\n")
            return
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                counts = write_wxr(out, options["site_url"])
            # Written whole, then put in place: a reader never sees half a file.
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {target}: {error.strerror or error}") from None
        self.stdout.write(f"Wrote {target}: {_described(counts)}")


def _described(counts: dict[str, int]) -> str:
    return ", ".join(f"{number} {kind}" for kind, number in counts.items())
