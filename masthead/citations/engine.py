"""Formatting CSL-JSON items with a real CSL processor: pandoc's citeproc.

Why pandoc 3.9 (``pypandoc-binary``): measured against citeproc-js, the
reference engine, it agrees on far more entries than citeproc-py, it is a
self-contained binary installed from PyPI (no Node.js, GPL as a separate
program), and one call formats a whole batch of items. A call costs a
process start, so this module is only used at edit time, by background
tasks and by commands — never while serving a page view.

A post's reference must read as if the post were the only item cited: no
"2024a" because another post by the same author was in the same batch, no
number [2], no "———" for a repeated author. Items in one bibliography only
affect each other through shared names (disambiguation, author substitution)
or through numbering, so a batch is split into groups of items with no family
name in common, each group formatted as a bibliography of its own; numeric
and label styles, and items without names, get a group each. Parsing a large
style once per group instead of once per item is what makes a batch fast.
"""

import html
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from masthead.citations import conformance
from masthead.citations.styles import Style
from masthead.subprocesses import PandocError, run_pandoc

ENTRY_START = re.compile(r'<div id="ref-(?P<key>item-\d+)" class="csl-entry"[^>]*>')
TAG = re.compile(r"<[^>]+>")
PANDOC_TIMEOUT_SECONDS = 300
GROUPS_FILTER = Path(__file__).resolve().parent / "independent_bibliographies.lua"
GROUP_START = re.compile(r'<div id="group-\d+">')
MAX_GROUP_SIZE = 250
NAME_VARIABLES = (
    "author", "editor", "translator", "composer", "director", "collection-editor",
    "container-author", "editorial-director", "interviewer", "recipient", "reviewed-author",
)  # fmt: skip


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

    With ``--wrap=none`` pandoc writes an entry's content on the lines between
    its opening tag and its closing ``</div>`` line; the closing lines of the
    bibliography and the group follow the last entry. Content may hold divs of
    its own (numeric styles put the number in one), so only whole closing
    lines are dropped.
    """
    found = {}
    starts = list(ENTRY_START.finditer(output))
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(output)
        chunk = GROUP_START.split(output[start.end() : end])[0]
        lines = chunk.strip().splitlines()
        while lines and lines[-1].strip() == "</div>":
            lines.pop()
        found[start["key"]] = "\n".join(lines).strip()
    return found


def _year_of(item: dict) -> str:
    try:
        return str(item["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError):
        return "no date"


def _names_of(item: dict, *, per_year: bool) -> set[str]:
    """What the item shares with a neighbour that could change its entry.

    Year suffixes and added names only separate entries that would read the
    same (same names, same year); a style that substitutes a repeated
    author (“———”) compares authors whatever the year.
    """
    year = _year_of(item) if per_year else ""
    names = set()
    for variable in NAME_VARIABLES:
        for name in item.get(variable) or []:
            if isinstance(name, dict):
                family = (name.get("family") or name.get("literal") or "").strip().casefold()
                if family:
                    names.add(f"{family}|{year}")
    return names


def plan_groups(items: list[dict], style: Style) -> list[list[int]]:
    """Item indexes grouped so that no two items in a group can change each other's entry."""
    if style.is_numbered:
        return [[index] for index in range(len(items))]
    per_year = not style.substitutes_repeated_authors
    groups: list[list[int]] = []
    names_in: list[set[str]] = []  # an empty set closes a group: its item has no names
    for index, item in enumerate(items):
        names = _names_of(item, per_year=per_year)
        for group, taken in zip(groups, names_in, strict=True):
            if names and taken and not taken & names and len(group) < MAX_GROUP_SIZE:
                group.append(index)
                taken.update(names)
                break
        else:
            groups.append([index])
            names_in.append(set(names))
    return groups


def format_bibliography(items: list[dict], style: Style) -> list[Entry]:
    """One bibliography entry per item, in the order given, each as if cited alone."""
    if not items:
        return []
    groups = plan_groups(items, style)
    with tempfile.TemporaryDirectory(prefix="masthead-cite-") as workdir:
        folder = Path(workdir)
        for number, indexes in enumerate(groups):
            # Keys of our own: the caller's ids may hold characters pandoc reads as syntax.
            keyed = [{**conformance.prepare(items[i]), "id": f"item-{i}"} for i in indexes]
            (folder / f"{number}.json").write_text(
                json.dumps(keyed, ensure_ascii=False), encoding="utf-8"
            )
        metadata = {
            "masthead-groups-folder": str(folder),
            "masthead-groups": str(len(groups)),
            "masthead-csl": str(style.path),
        }
        arguments = [
            "--from=markdown",
            "--to=html",
            "--wrap=none",
            f"--lua-filter={GROUPS_FILTER}",
            *(f"--metadata={key}:{value}" for key, value in metadata.items()),
        ]
        try:
            output = run_pandoc(arguments, timeout=PANDOC_TIMEOUT_SECONDS)
        except PandocError as error:
            raise FormattingError(f"pandoc failed for style {style.id}: {error}") from error
    found = split_entries(output)
    entries = []
    for index, item in enumerate(items):
        body = conformance.finish(item, found.get(f"item-{index}", ""), style.path)
        entries.append(Entry(html=body, text=html_to_text(body)))
    return entries
