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

    def __str__(self):
        return self.title
