"""Formatting CSL-JSON items with a real CSL processor: pandoc's citeproc.

Why pandoc 3.9 (``pypandoc-binary``): measured against citeproc-js, the
reference engine, it agrees on far more entries than citeproc-py, it is a
self-contained binary installed from PyPI (no Node.js, GPL as a separate
program), and one call formats a whole batch of items. A call costs a
process start, so this module is only used at edit time, by background
tasks and by commands — never while serving a page view.
"""

import html
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from masthead.citations import conformance
from masthead.citations.styles import Style

ENTRY_START = re.compile(r'<div id="ref-(?P<key>item-\d+)" class="csl-entry"[^>]*>')
TAG = re.compile(r"<[^>]+>")
PANDOC_TIMEOUT_SECONDS = 120
BATCH_FILTER = Path(__file__).resolve().parent / "one_bibliography_per_item.lua"
WRAPPER_START = re.compile(r'<div id="entry-\d+">')


class FormattingError(RuntimeError):
    pass


@dataclass(frozen=True)
class Entry:
    html: str
    text: str


def pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


def html_to_text(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment)).replace("\xa0", " ").strip()


def split_entries(output: str) -> dict[str, str]:
    """The inner HTML of each item's ``csl-entry`` div in pandoc's output, by key.

    The filter wraps each item's bibliography in a div of its own; an entry
    may hold divs too (numeric styles put the number in one), so an entry is
    what follows its opening tag, less the three closing tags at the end of
    its wrapper (entry, bibliography, wrapper).
    """
    found = {}
    for chunk in WRAPPER_START.split(output):
        start = ENTRY_START.search(chunk)
        if start is None:
            continue
        body = chunk[start.end() :].strip()
        for _ in range(3):
            body = body.removesuffix("</div>").rstrip()
        found[start["key"]] = body
    return found


def format_bibliography(items: list[dict], style: Style) -> list[Entry]:
    """One bibliography entry per item, in the order given, each formatted on its own."""
    if not items:
        return []
    with tempfile.TemporaryDirectory(prefix="masthead-cite-") as workdir:
        folder = Path(workdir)
        for index, item in enumerate(items):
            # Keys of our own: the caller's ids may hold characters pandoc reads as syntax.
            keyed = [{**conformance.prepare(item), "id": f"item-{index}"}]
            (folder / f"{index}.json").write_text(
                json.dumps(keyed, ensure_ascii=False), encoding="utf-8"
            )
        metadata = {
            "masthead-items": str(folder),
            "masthead-count": str(len(items)),
            "masthead-csl": str(style.path),
        }
        command = [
            pandoc_path(),
            "--from=markdown",
            "--to=html",
            "--wrap=none",
            f"--lua-filter={BATCH_FILTER}",
            *(f"--metadata={key}:{value}" for key, value in metadata.items()),
        ]
        try:
            done = subprocess.run(
                command,
                input="",
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=PANDOC_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise FormattingError(f"pandoc could not run: {error}") from error
    if done.returncode != 0:
        raise FormattingError(f"pandoc failed for style {style.id}: {done.stderr.strip()[:500]}")
    found = split_entries(done.stdout)
    entries = []
    for index, item in enumerate(items):
        body = conformance.finish(item, found.get(f"item-{index}", ""))
        entries.append(Entry(html=body, text=html_to_text(body)))
    return entries
