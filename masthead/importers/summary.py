"""What an import did, kind by kind: created, updated, unchanged, skipped (with reasons)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

OUTCOMES = ("created", "updated", "unchanged", "skipped")
KINDS = (
    "institution", "blogs", "authors", "topics", "posts", "comments", "attachments", "documents",
    "pages",
    "menu items", "menus", "other items",
)  # fmt: skip


@dataclass
class Summary:
    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    reasons: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    notes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, reason: str = "") -> None:
        self.outcomes[kind][outcome] += 1
        if reason:
            self.reasons[kind][f"{outcome}: {reason}"] += 1

    def note(self, kind: str, what: str, times: int = 1) -> None:
        """Something worth knowing that is not an outcome (a conversion, a status mapping)."""
        self.notes[kind][what] += times

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def total(self, kind: str, outcome: str) -> int:
        return self.outcomes[kind][outcome]

    def lines(self) -> list[str]:
        lines = []
        for kind in KINDS:
            counts = self.outcomes.get(kind)
            if not counts and not self.notes.get(kind):
                continue
            figures = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if counts and counts[o])
            lines.append(f"{kind}: {figures or 'as noted'}")
            for reason, times in sorted(self.reasons[kind].items()):
                lines.append(f"  {times} {reason}")
            for what, times in sorted(self.notes[kind].items()):
                lines.append(f"  {times} {what}")
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
            lines.extend(f"  {warning}" for warning in self.warnings[:50])
            if len(self.warnings) > 50:
                lines.append(f"  … and {len(self.warnings) - 50} more")
        return lines
