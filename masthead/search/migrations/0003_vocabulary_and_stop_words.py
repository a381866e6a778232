"""Prefixes longer than a stem, and English's common words, found on both engines.

- ``SearchWord``: the index's words, filled here from the documents already written,
  so a prefix can be widened to whole words before the engines stem them.
- PostgreSQL: the search configuration's English stemmer gets a dictionary of its
  own without a stop-word list. The stock one drops words such as “what”, “is”
  and “it”, so a search for the title “What Is It For?” found nothing there while
  SQLite's FTS5 (which has no stop words) found it. The vectors are rebuilt with it,
  and a small second vector without the body is added for ranking (see
  ``SearchDocument.rank_vector``).
"""

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRES_DICTIONARY = (
    "CREATE TEXT SEARCH DICTIONARY masthead_english_stem "
    "(TEMPLATE = snowball, Language = english)"
)
POSTGRES_MAPPING = (
    "ALTER TEXT SEARCH CONFIGURATION masthead_search "
    "ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, hword, hword_part, word "
    "WITH unaccent, {stemmer}"
)
POSTGRES_VECTORS = (
    "UPDATE search_searchdocument SET vector ="
    " setweight(to_tsvector('masthead_search', COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('masthead_search', COALESCE(summary, '')), 'B')"
    " || setweight(to_tsvector('masthead_search',"
    " COALESCE(authors, '') || ' ' || COALESCE(topics, '')), 'C')"
    " || setweight(to_tsvector('masthead_search', COALESCE(body, '')), 'D'),"
    " rank_vector ="
    " setweight(to_tsvector('masthead_search', COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('masthead_search', COALESCE(summary, '')), 'B')"
    " || setweight(to_tsvector('masthead_search',"
    " COALESCE(authors, '') || ' ' || COALESCE(topics, '')), 'C')"
)


def fill_vocabulary(apps, schema_editor):
    from masthead.search.vocabulary import words_of

    SearchDocument = apps.get_model("search", "SearchDocument")
    SearchWord = apps.get_model("search", "SearchWord")
    words = set()
    for doc in SearchDocument.objects.iterator(chunk_size=500):
        words |= words_of(doc.title, doc.summary, doc.body, doc.authors, doc.topics)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=500
    )


def keep_common_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Prefixes are widened by a range in code-point order, whatever the database's collation.
    schema_editor.execute(
        'CREATE INDEX search_word_code_points ON search_searchword (word COLLATE "C")'
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_dict WHERE dictname = 'masthead_english_stem'")
        exists = cursor.fetchone()
    if not exists:
        schema_editor.execute(POSTGRES_DICTIONARY)
    schema_editor.execute(POSTGRES_MAPPING.format(stemmer="masthead_english_stem"))
    schema_editor.execute(POSTGRES_VECTORS)


def drop_common_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_word_code_points")
    schema_editor.execute(
        "ALTER TEXT SEARCH CONFIGURATION masthead_search "
        "ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH english_stem"
    )
    schema_editor.execute(POSTGRES_MAPPING.format(stemmer="english_stem").replace(
        "asciiword, asciihword, hword_asciipart, ", ""
    ))
    schema_editor.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS masthead_english_stem")
    schema_editor.execute(POSTGRES_VECTORS)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_engines")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=60, primary_key=True, serialize=False))],
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_vocabulary, migrations.RunPython.noop),
        migrations.RunPython(keep_common_words, drop_common_words),
    ]
