"""Keeping the search documents in step with the posts.

Every change that can alter what a search finds (a post saved, published,
unpublished or deleted; its byline or topics changed; an author or a topic
renamed) rebuilds that post's document at once, so the index never needs a
rebuild in normal use; ``masthead rebuild_search`` exists for repair (after a
bulk ``update()`` that sends no signals, or a restored backup).
"""

import html
import re

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags

from masthead.changes import content_changed
from masthead.publishing.models import Post, PostAuthor
from masthead.search.backends import MARK_END, MARK_START, engine
from masthead.search.models import SearchDocument
from masthead.search.vocabulary import forget_all, remember

SEARCHABLE_STATUSES = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)
# The highlight marks are ours alone: taken out of any text before it is indexed.
OUR_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")


def plain(text: str) -> str:
    return " ".join(OUR_MARKS.sub(" ", text).split())


def body_text(body_html: str) -> str:
    # Blocks end in tags: a space keeps "end.</p><p>Next" from becoming one word.
    return plain(html.unescape(strip_tags(body_html.replace("<", " <"))))


def searchable_posts():
    return (
        Post.objects.filter(status__in=SEARCHABLE_STATUSES, publish_at__isnull=False)
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=PostAuthor.objects.select_related("author").order_by("position"),
            ),
            "topics",
        )
        .order_by("pk")
    )


def document_for(post: Post) -> SearchDocument:
    publish_at = timezone.localtime(post.publish_at)
    return SearchDocument(
        post_id=post.pk,
        blog_id=post.blog_id,
        publish_at=post.publish_at,
        year=publish_at.year,
        title=plain(post.title),
        # An automatic summary is the body's own opening: indexed as a summary, the body's
        # first words would count twice and outrank a summary someone wrote.
        summary="" if post.summary_is_automatic else plain(post.summary),
        body=body_text(post.body_html),
        authors=plain(" · ".join(link.author.display_name for link in post.bylines.all())),
        topics=plain(" · ".join(topic.name for topic in post.topics.all())),
    )


def reindex_posts(post_ids) -> None:
    """Bring the documents of these posts up to date: written, rewritten or removed."""
    post_ids = sorted(set(post_ids))
    if not post_ids:
        return
    with transaction.atomic():
        documents = [document_for(post) for post in searchable_posts().filter(pk__in=post_ids)]
        gone = set(post_ids) - {doc.post_id for doc in documents}
        remove_posts(gone)
        if documents:
            _write(documents, replace=True)


def remove_posts(post_ids) -> None:
    post_ids = list(post_ids)
    if not post_ids:
        return
    SearchDocument.objects.filter(post_id__in=post_ids).delete()
    engine().remove(post_ids)
    content_changed()


def rebuild(batch_size: int = 500) -> int:
    """Every document written afresh from the posts; returns how many posts are searchable."""
    count = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        forget_all()
        engine().clear()
        batch = []
        for post in searchable_posts().iterator(chunk_size=batch_size):
            batch.append(document_for(post))
            if len(batch) >= batch_size:
                _write(batch, replace=False)
                count += len(batch)
                batch = []
        if batch:
            _write(batch, replace=False)
            count += len(batch)
    return count


def _write(documents, *, replace: bool) -> None:
    if replace:
        SearchDocument.objects.filter(post_id__in=[doc.post_id for doc in documents]).delete()
    SearchDocument.objects.bulk_create(documents)
    engine().store(documents)
    remember(documents)
    # Bulk writes send no model signals: search results read differently now.
    content_changed()


def fill_if_empty(using="default", **kwargs) -> None:
    """After migrating: a site that had posts before search existed gets its index once."""
    if using != "default" or SearchDocument.objects.exists():
        return
    if searchable_posts().exists():
        rebuild()
