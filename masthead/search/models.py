from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """What search knows of one post that may be public: its texts and what results filter on.

    Derived from the post and rebuilt from it on every change (``masthead.search.indexing``);
    never the source of truth. A draft has no document. A scheduled post has one, and
    searches leave it out until its ``publish_at`` has passed, as ``Post.objects.public()``
    does: the index does not need to change when the time comes.

    ``post_id`` is a plain column, not a foreign key: the document is removed by the
    post's own delete signal, and no cascade has to be ordered around it.
    """

    post_id = models.BigIntegerField(primary_key=True)
    blog_id = models.BigIntegerField(db_index=True)
    publish_at = models.DateTimeField(db_index=True)
    year = models.PositiveSmallIntegerField()
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    authors = models.TextField(blank=True)
    topics = models.TextField(blank=True)
    # PostgreSQL only (weighted tsvector, GIN-indexed by migration 0002); unused on SQLite,
    # where the texts live again in the FTS5 table ``search_fts``.
    vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: title, summary, authors and topics without the body, for ranking.
    # Ranking reads the vector of every match; this one is small enough to stay in the
    # row, where the whole one (mostly body) must be fetched from TOAST storage for each.
    rank_vector = SearchVectorField(null=True, editable=False)

    def __str__(self):
        return self.title


class SearchWord(models.Model):
    """One word (lower-cased, accents folded) that occurs in some search document.

    The engines stem English before they index, so they keep only “substat” of
    “substation”: a reader's prefix longer than the stem (``substati*``, or the
    search box's suggestions letter by letter) would find nothing. The prefix is
    first widened to the words of this list that begin with it, and each engine
    then stems those as it stems everything else. Words are added as documents are
    written and dropped only by a rebuild: a word no post holds any more widens a
    search to nothing.
    """

    word = models.CharField(max_length=60, primary_key=True)

    def __str__(self):
        return self.word
