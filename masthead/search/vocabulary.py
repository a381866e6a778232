"""The index's words, for widening a prefix to the words that begin with it (see ``SearchWord``)."""

import re
import unicodedata

from django.db import connection
from django.db.models.functions import Collate

from masthead.search.models import SearchWord
from masthead.search.query import MAX_TERM_CHARS, SearchQuery, Term

WORD = re.compile(r"\w+")
# Shorter prefixes are longer than no stem worth the name; the engines' own prefix
# indexes find their words.
SHORTEST_WIDENED_PREFIX = 3
MOST_WORDS_PER_PREFIX = 40


def fold(text: str) -> str:
    """Lower case without accents, as both engines read text (“Tomás” → “tomas”)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words_of(*texts: str) -> set[str]:
    return {
        word[:MAX_TERM_CHARS]
        for text in texts
        for word in WORD.findall(fold(text))
        if len(word) > SHORTEST_WIDENED_PREFIX
    }


def remember(documents) -> None:
    words = set()
    for doc in documents:
        words |= words_of(doc.title, doc.summary, doc.body, doc.authors, doc.topics)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=500
    )


def forget_all() -> None:
    SearchWord.objects.all().delete()


def words_beginning(prefix: str) -> tuple[str, ...]:
    prefix = fold(prefix)
    if len(prefix) < SHORTEST_WIDENED_PREFIX:
        return ()
    # A range rather than LIKE, which SQLite's index cannot serve. It must compare
    # characters by code point: SQLite does; PostgreSQL follows the database's
    # collation unless told "C" (migration 0003 indexes the words that way).
    words, key = SearchWord.objects.all(), "word"
    if connection.vendor == "postgresql":
        words, key = words.annotate(in_code_point_order=Collate("word", "C")), "in_code_point_order"
    words = words.filter(**{f"{key}__gt": prefix, f"{key}__lt": prefix + "\U0010ffff"})
    return tuple(words.order_by(key).values_list("word", flat=True)[:MOST_WORDS_PER_PREFIX])


def widen_prefixes(query: SearchQuery) -> SearchQuery:
    """The query with each prefix term also naming the indexed words that begin with it."""
    if not any(term.prefix for term in query.terms):
        return query
    terms = tuple(
        Term(term.words, prefix=True, alternatives=words_beginning(term.words[-1]))
        if term.prefix and not term.is_phrase
        else term
        for term in query.terms
    )
    return SearchQuery(text=query.text, terms=terms, notes=query.notes)
