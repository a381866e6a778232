"""Reading a search box's text as a reader means it, without trusting any of it.

The text becomes a list of terms (words, prefixes ending in ``*`` and quoted
phrases) built only from word characters, so each backend can write its own
query syntax around them: nothing a reader types reaches FTS5's MATCH or
PostgreSQL's to_tsquery as syntax.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# A query longer than this is cut here: nobody types more into a search box,
# and a bounded query keeps every search's cost bounded.
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_TERM_CHARS = 60

WORD = re.compile(r"\w+")
# A quoted phrase, a word with an optional trailing * (a prefix), or a stray quote.
PIECE = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>\w+)(?P<star>\*)?')


@dataclass(frozen=True)
class Term:
    """One thing every matching post must contain: words in this order, the last maybe a prefix."""

    words: tuple[str, ...]
    prefix: bool = False
    # For a prefix: whole words of the index that begin with it (``masthead.search.vocabulary``).
    alternatives: tuple[str, ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class SearchQuery:
    text: str  # what the reader typed, cleaned, for the search box and the page title
    terms: tuple[Term, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.terms)


def clean_text(raw: str) -> str:
    """The reader's text in one normal form, without invisible or control characters."""
    text = unicodedata.normalize("NFC", raw)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def parse(raw: str, *, all_prefixes: bool = False) -> SearchQuery:
    """The terms of ``raw``; ``all_prefixes`` reads every last word as unfinished (suggestions)."""
    notes = []
    text = clean_text(raw or "")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rstrip()
        notes.append(f"Only the first {MAX_QUERY_CHARS} characters of your search were used.")
    terms: list[Term] = []
    for match in PIECE.finditer(text):
        if match.group("word") is not None:
            words = (match.group("word")[:MAX_TERM_CHARS],)
            prefix = bool(match.group("star"))
        else:
            words = tuple(word[:MAX_TERM_CHARS] for word in WORD.findall(match.group("phrase")))
            prefix = False
        if not words:
            continue
        term = Term(words=tuple(word.lower() for word in words), prefix=prefix)
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        notes.append(f"Only the first {MAX_TERMS} words or phrases of your search were used.")
    if all_prefixes and terms and not terms[-1].is_phrase:
        terms[-1] = Term(words=terms[-1].words, prefix=True)
    return SearchQuery(text=text, terms=tuple(terms), notes=tuple(notes))
