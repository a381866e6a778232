"""Agreement of our formatted references with citeproc-js's, on a set of CSL-JSON items.

Used by tests/citations/test_fidelity.py and by
bench/citation_fidelity.py, which prints the figures and every difference.
"""

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from masthead.citations.engine import format_bibliography
from masthead.citations.styles import get_style


@dataclass
class Agreement:
    style_id: str
    total: int = 0
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # id, ours, reference

    @property
    def agreeing(self) -> int:
        return self.total - len(self.differences)

    @property
    def ratio(self) -> float:
        return self.agreeing / self.total if self.total else 0.0

    def describe(self) -> str:
        lines = [f"{self.style_id}: {self.agreeing}/{self.total} ({self.ratio:.1%}) identical"]
        for item_id, ours, reference in self.differences:
            lines += [f"  {item_id}", f"    ours:       {ours}", f"    citeproc-js: {reference}"]
        return "\n".join(lines)


def comparable_html(fragment: str) -> str:
    """The markup both engines mean alike: italics and bold, not their links or spans.

    citeproc-js writes <i> and <b>, pandoc <em> and <strong>; pandoc also links
    URLs and wraps quoted titles in a bare <span>.
    """
    fragment = re.sub(r"</?(span|a)\b[^>]*>", "", fragment)
    for old, new in (("i", "em"), ("b", "strong")):
        fragment = fragment.replace(f"<{old}>", f"<{new}>").replace(f"</{old}>", f"</{new}>")
    return html.unescape(fragment).strip()


def measure(items_path: Path, reference_path: Path, *, markup: bool = False) -> list[Agreement]:
    """Agreement per style in plain text, or (``markup``) in text with italics and bold."""
    items = json.loads(items_path.read_text(encoding="utf-8"))
    reference = json.loads(reference_path.read_text(encoding="utf-8"))
    results = []
    for style_id, data in reference["styles"].items():
        entries = format_bibliography(items, get_style(style_id))
        agreement = Agreement(style_id, total=len(items))
        for item, entry in zip(items, entries, strict=True):
            reference_entry = data["entries"][item["id"]]
            if markup:
                ours, expected = (
                    comparable_html(entry.html),
                    comparable_html(reference_entry["html"]),
                )
            else:
                ours, expected = entry.text, reference_entry["text"]
            if ours != expected:
                agreement.differences.append((item["id"], ours, expected))
        results.append(agreement)
    return results
