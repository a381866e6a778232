"""Two saved versions of a post compared as a reader of a diff expects: lines out, lines in."""

import dataclasses
import difflib

# What an editor compares, in the order the post form shows it.
COMPARED_FIELDS = [
    ("title", "Title"),
    ("summary", "Summary"),
    ("body", "Body"),
    ("status", "Status"),
    ("publish_at", "Publish time"),
    ("updated_at", "Last substantive update"),
    ("correction_note", "Correction note"),
    ("image_alt", "Image alt text"),
    ("image_caption", "Image caption"),
    ("image_credit", "Image credit"),
]


@dataclasses.dataclass(frozen=True)
class Line:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    lines: list[Line]


def _text(value) -> str:
    return "" if value is None else str(value)


def compare(older, newer) -> list[FieldChange]:
    """The fields that differ between two historical records, line by line."""
    changes = []
    for name, label in COMPARED_FIELDS:
        before, after = _text(getattr(older, name)), _text(getattr(newer, name))
        if before == after:
            continue
        lines = []
        for row in difflib.ndiff(before.splitlines(), after.splitlines()):
            mark, text = row[:2], row[2:]
            if mark == "- ":
                lines.append(Line("removed", text))
            elif mark == "+ ":
                lines.append(Line("added", text))
            elif mark == "  ":
                lines.append(Line("same", text))
            # "? " rows are ndiff's hints for a terminal; the page marks whole lines.
        changes.append(FieldChange(label, lines))
    return changes
