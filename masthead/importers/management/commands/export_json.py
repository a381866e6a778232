"""``masthead export_json [FILE]``: every blog, author, topic, post and comment as JSON."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.importers.json_export import write_json


class Command(BaseCommand):
    help = (
        "Write the site's content and comments as one JSON document (see the README for its "
        "shape), to FILE or standard output. It holds commenters' email addresses."
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
            counts = write_json(self.stdout, options["site_url"])
            sys.stderr.write(f"{counts['posts']} posts, {counts['comments']} comments\n")
            return
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                counts = write_json(out, options["site_url"])
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {target}: {error.strerror or error}") from None
        self.stdout.write(f"Wrote {target}: {counts['posts']} posts, {counts['comments']} comments")
