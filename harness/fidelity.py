"""Agreement of our formatted references with citeproc-js's, on a set of CSL-JSON items.

Used by tests/citations/test_fidelity.py, tests/citations/test_ten_styles.py and
bench/citation_fidelity.py, which prints the figures and every difference.
citeproc-js itself runs in Node (harness/citeproc_js/format.mjs), so the
reference entries are made fresh from the same style files on every run.
"""

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from masthead.citations.engine import format_bibliography
from masthead.citations.styles import get_style

ORACLE_DIR = Path(__file__).resolve().parent / "citeproc_js"
ORACLE_TIMEOUT_SECONDS = 600
# The four styles of the post page and six more that institutions are asked for.
TEN_STYLES = [
    "modern-language-association",
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "ieee",
    "harvard-cite-them-right",
    "american-medical-association",
    "nature",
    "american-sociological-association",
    "american-political-science-association",
]


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
    # Numbered styles put the number in a div of its own; pandoc ends it with a space.
    fragment = re.sub(r"\s+</div>", "</div>", fragment)
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


class OracleMissing(RuntimeError):
    pass


def citeproc_js(items: list[dict], style_ids: list[str]) -> dict[str, dict[str, dict]]:
    """citeproc-js's entry for every item in every style: {style: {item id: {text, html}}}."""
    node = shutil.which("node")
    if node is None or not (ORACLE_DIR / "node_modules" / "citeproc").is_dir():
        raise OracleMissing(
            "citeproc-js is not installed: `make install-test` runs "
            "`npm ci --prefix harness/citeproc_js` (needs Node.js and npm)"
        )
    request = {"styles": {i: str(get_style(i).path) for i in style_ids}, "items": items}
    done = subprocess.run(
        [node, str(ORACLE_DIR / "format.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=ORACLE_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"citeproc-js failed: {done.stderr.strip()[:2000]}")
    return json.loads(done.stdout)["styles"]


def compare(items: list[dict], style_ids: list[str]) -> dict[str, list[Agreement]]:
    """Our entries against citeproc-js's, made now from the same items and style files:
    {"text": agreements in plain text, "markup": in text with italics and bold}."""
    reference = citeproc_js(items, style_ids)
    results: dict[str, list[Agreement]] = {"text": [], "markup": []}
    for style_id in style_ids:
        entries = format_bibliography(items, get_style(style_id))
        text, markup = Agreement(style_id, len(items)), Agreement(style_id, len(items))
        for item, entry in zip(items, entries, strict=True):
            expected = reference[style_id][item["id"]]
            if entry.text != expected["text"]:
                text.differences.append((item["id"], entry.text, expected["text"]))
            ours, theirs = comparable_html(entry.html), comparable_html(expected["html"])
            if ours != theirs:
                markup.differences.append((item["id"], ours, theirs))
        results["text"].append(text)
        results["markup"].append(markup)
    return results
