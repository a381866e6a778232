"""One search interface, two engines: SQLite's FTS5 and PostgreSQL's full-text search.

Both fold accents (``Tomas`` finds “Tomás”), stem English (``budgets`` finds
“budget”), read a trailing ``*`` as a prefix and quoted words as a phrase, rank
title and summary above authors and topics, and those above the body. Each
marks matched words in titles and snippets with two private-use characters
(``MARK_START``, ``MARK_END``) that ``masthead.search.highlight`` turns into
``<mark>`` after escaping everything else.
"""

import contextlib

from django.contrib.postgres.search import SearchHeadline, SearchVector
from django.contrib.postgres.search import SearchQuery as PgSearchQuery
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from masthead.search.models import SearchDocument
from masthead.search.query import SearchQuery, Term

MARK_START = "\ue000"
MARK_END = "\ue001"

FTS_TABLE = "search_fts"
FTS_COLUMNS = ("title", "summary", "body", "authors", "topics")
# bm25 weights in FTS_COLUMNS order: title and summary count most, the body least.
FTS_WEIGHTS = (10.0, 6.0, 1.0, 3.0, 3.0)
SNIPPET_WORDS = 28

# PostgreSQL: a copy of the English configuration that strips accents before stemming
# (migration 0002 creates it with the `unaccent` extension).
PG_CONFIG = "masthead_search"


class SQLiteSearch:
    """FTS5 with the porter stemmer around unicode61 (diacritics removed), rowid = post id."""

    @contextlib.contextmanager
    def cursor(self):
        """A plain cursor: FTS5 always answers a MATCH from its own index.

        No transaction either: SQLite's are IMMEDIATE here (they take the write lock),
        which a search must not hold.
        """
        with connection.cursor() as cursor:
            yield cursor

    def match_expression(self, query: SearchQuery, *, titles_only=False) -> str:
        # Every piece is a double-quoted FTS5 string made of word characters only, so
        # no reader's text is ever read as FTS5 syntax (NEAR, OR, column filters, ^ ...).
        parts = []
        for term in query.terms:
            quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
            if term.prefix:
                alternatives = ['"' + word.replace('"', '""') + '"' for word in term.alternatives]
                quoted = "(" + " OR ".join([quoted + "*", *alternatives]) + ")"
            parts.append(quoted)
        expression = " AND ".join(parts)
        return f"{{title}} : ({expression})" if titles_only else expression

    def filter_matching(self, documents, query: SearchQuery, *, titles_only=False):
        matching = RawSQL(  # noqa: S611 (the match expression is a parameter)
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [self.match_expression(query, titles_only=titles_only)],
        )
        return documents.filter(post_id__in=matching)

    def hits_sql(self, query: SearchQuery, published_before) -> tuple[str, list]:
        """SQL for every public document that matches: post_id, blog_id, year, publish_at, score.

        A higher score is a better match (bm25 counts down, so it is negated).
        """
        weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
        # Only constants are formatted in; the match expression and the time are parameters.
        sql = (
            "SELECT d.post_id, d.blog_id, d.year, d.publish_at,"
            f" -bm25({FTS_TABLE}, {weights}) AS score"
            f" FROM {FTS_TABLE} JOIN search_searchdocument d ON d.post_id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH %s AND d.publish_at <= %s"
        )
        return sql, [self.match_expression(query), published_before]

    def marked_texts(self, post_ids, query: SearchQuery) -> dict[int, tuple[str, str, str, str]]:
        """Per post: title, summary, a body snippet and the authors, matched words marked."""
        if not post_ids or not query:
            return {}
        placeholders = ", ".join(["%s"] * len(post_ids))
        marks = f"'{MARK_START}', '{MARK_END}'"
        sql = (
            f"SELECT rowid, highlight({FTS_TABLE}, 0, {marks}), highlight({FTS_TABLE}, 1, {marks}),"
            f" snippet({FTS_TABLE}, 2, {marks}, '…', {SNIPPET_WORDS}),"
            f" highlight({FTS_TABLE}, 3, {marks})"
            f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match_expression(query), *post_ids])
            return {row[0]: row[1:] for row in cursor.fetchall()}

    def store(self, documents) -> None:
        rows = [
            (doc.post_id, *(getattr(doc, column) for column in FTS_COLUMNS)) for doc in documents
        ]
        if not rows:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [row[0] for row in rows])
            columns = ", ".join(FTS_COLUMNS)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )

    def remove(self, post_ids) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, list(post_ids))

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    def _delete(self, cursor, post_ids) -> None:
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start : start + 500]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", chunk)


class PostgresSearch:
    """A weighted tsvector per document (GIN index), ts_rank, ts_headline."""

    @contextlib.contextmanager
    def cursor(self):
        """A cursor that matches through the GIN index even for a word most posts contain.

        For such a word the planner prefers reading the table, which means fetching
        and unpacking every post's whole vector from TOAST storage (3 to 7 times
        slower on a 10,000-post archive, bench/search_pg_plan.py); the index answers
        without touching the vectors. The setting ends with the transaction around it.
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            yield cursor

    def tsquery(self, query: SearchQuery, *, titles_only=False) -> PgSearchQuery:
        # to_tsquery's syntax around lexemes quoted here; the words hold word characters only.
        weight = "A" if titles_only else ""
        expression = " & ".join(self._term(term, weight) for term in query.terms)
        return PgSearchQuery(expression, search_type="raw", config=PG_CONFIG)

    def _term(self, term: Term, weight: str) -> str:
        lexemes = ["'" + word.replace("'", "''") + "'" for word in term.words]
        if term.prefix:
            lexemes[-1] += ":*" + weight
            alternatives = [
                "'" + word.replace("'", "''") + "'" + (":" + weight if weight else "")
                for word in term.alternatives
            ]
            return "(" + " | ".join([" <-> ".join(lexemes), *alternatives]) + ")"
        if weight:
            lexemes[-1] += ":" + weight
        return "(" + " <-> ".join(lexemes) + ")"

    def filter_matching(self, documents, query: SearchQuery, *, titles_only=False):
        return documents.filter(vector=self.tsquery(query, titles_only=titles_only))

    def hits_sql(self, query: SearchQuery, published_before) -> tuple[str, list]:
        expression = " & ".join(self._term(term, "") for term in query.terms)
        tsquery = f"to_tsquery('{PG_CONFIG}', %s)"
        sql = (
            "SELECT post_id, blog_id, year, publish_at, ts_rank(rank_vector, "
            + tsquery
            + ") AS score"
            " FROM search_searchdocument WHERE vector @@ " + tsquery + " AND publish_at <= %s"
        )
        return sql, [expression, expression, published_before]

    def marked_texts(self, post_ids, query: SearchQuery) -> dict[int, tuple[str, str, str, str]]:
        if not post_ids or not query:
            return {}
        tsquery = self.tsquery(query)
        marks = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": PG_CONFIG}
        rows = (
            SearchDocument.objects.filter(post_id__in=post_ids)
            .annotate(
                marked_title=SearchHeadline("title", tsquery, highlight_all=True, **marks),
                marked_summary=SearchHeadline("summary", tsquery, highlight_all=True, **marks),
                marked_body=SearchHeadline(
                    "body",
                    tsquery,
                    max_words=SNIPPET_WORDS,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **marks,
                ),  # fmt: skip
                marked_authors=SearchHeadline("authors", tsquery, highlight_all=True, **marks),
            )
            .values_list(
                "post_id", "marked_title", "marked_summary", "marked_body", "marked_authors"
            )
        )
        return {row[0]: row[1:] for row in rows}

    def store(self, documents) -> None:
        post_ids = [doc.post_id for doc in documents]
        for start in range(0, len(post_ids), 1000):
            SearchDocument.objects.filter(post_id__in=post_ids[start : start + 1000]).update(
                vector=weighted_vector(), rank_vector=ranking_vector()
            )

    def remove(self, post_ids) -> None:
        """The document rows go with SearchDocument; the vector lives in them."""

    def clear(self) -> None:
        """As for ``remove``."""


def ranking_vector():
    return (
        SearchVector("title", weight="A", config=PG_CONFIG)
        + SearchVector("summary", weight="B", config=PG_CONFIG)
        + SearchVector("authors", "topics", weight="C", config=PG_CONFIG)
    )


def weighted_vector():
    return (
        SearchVector("title", weight="A", config=PG_CONFIG)
        + SearchVector("summary", weight="B", config=PG_CONFIG)
        + SearchVector("authors", "topics", weight="C", config=PG_CONFIG)
        + SearchVector("body", weight="D", config=PG_CONFIG)
    )


def engine():
    """The engine for the default database."""
    if connection.vendor == "postgresql":
        return PostgresSearch()
    return SQLiteSearch()
