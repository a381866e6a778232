import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.citations.engine import FormattingError, format_bibliography
from masthead.citations.styles import UnknownStyle, get_style


class Command(BaseCommand):
    help = (
        "Format the CSL-JSON items in FILE (a JSON array) in a CSL style and print one "
        "bibliography entry per line, in the order given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--style", required=True, help="A CSL style id, e.g. apa or nature.")
        parser.add_argument("--format", choices=["text", "html"], default="text")
        parser.add_argument(
            "file", help="A JSON file holding an array of CSL-JSON items; - for stdin."
        )

    def handle(self, *args, **options):
        try:
            style = get_style(options["style"])
        except UnknownStyle as unknown:
            hint = ", ".join(s.id for s in unknown.suggestions[:5])
            raise CommandError(
                f"No CSL style called {options['style']!r}." + (f" Close: {hint}." if hint else "")
            ) from None
        items = self.read_items(options["file"])
        try:
            entries = format_bibliography(items, style)
        except FormattingError as error:
            raise CommandError(str(error)) from None
        for entry in entries:
            line = entry.html if options["format"] == "html" else entry.text
            self.stdout.write(" ".join(line.split()))

    def read_items(self, name: str) -> list[dict]:
        import sys

        try:
            raw = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror}.") from None
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as error:
            raise CommandError(f"{name} is not JSON: {error}.") from None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise CommandError(f"{name} must hold a JSON array of CSL-JSON items (objects).")
        missing_type = [n for n, item in enumerate(items, 1) if "type" not in item]
        if missing_type:
            raise CommandError(f"Item {missing_type[0]} has no CSL “type” (e.g. post-weblog).")
        return items
