"""The engine-specific parts of the index, which Django's models cannot describe.

SQLite: an FTS5 table with the porter stemmer wrapped around unicode61 with
diacritics removed (``Tomas`` finds “Tomás”, ``budgets`` finds “budget”), and
prefix indexes for 2 to 4 characters, so ``transm*`` and suggestions stay fast;
a covering index for joining matches to their documents.
PostgreSQL: the ``unaccent`` extension (trusted since PostgreSQL 13, so the
database's owner may create it), a text search configuration that strips
accents before English stemming, and a GIN index on the weighted vector.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, summary, body, authors, topics, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4')"
)
# Each match is joined to its document for the public-time and filter columns: with
# these in one index, SQLite reads the index alone (post_id is not the rowid here).
SQLITE_HIT_INDEX = (
    "CREATE INDEX search_document_hit_columns "
    "ON search_searchdocument (post_id, publish_at, blog_id, year)"
)
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION masthead_search (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION masthead_search "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS masthead_search",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(SQLITE_HIT_INDEX)
    elif vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'masthead_search'")
            exists = cursor.fetchone()
        for statement in POSTGRES_CREATE:
            if exists and "TEXT SEARCH CONFIGURATION" in statement:
                continue
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute("DROP INDEX IF EXISTS search_document_hit_columns")
    elif vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
