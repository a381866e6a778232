"""Related posts: other public posts sharing a post's authors and topics, the recent ones first.

One aggregate query scores every candidate at once: a shared author counts
more than a shared topic (a reader following a person wants their other
takes), and the sum is multiplied by a weight for how recent the candidate is.
The result is cached per post, under a version every post save or delete
moves on, so the post page reads it without touching the database.
"""

import datetime
import time

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from masthead.publishing import batches
from masthead.publishing.models import Post, PostAuthor

RELATED_COUNT = 3
AUTHOR_WEIGHT = 3
TOPIC_WEIGHT = 2
# (younger than, weight): a week-old post on the same subject beats a five-year-old one.
RECENCY_WEIGHTS = ((datetime.timedelta(days=90), 4), (datetime.timedelta(days=365), 3),
                   (datetime.timedelta(days=3 * 365), 2))  # fmt: skip
OLDER_WEIGHT = 1
# Scheduled posts go live without a save; they join others' lists within this time.
CACHE_SECONDS = 600
VERSION_KEY = "publishing:related:version"


def recency_weight(now):
    return Case(
        *[When(publish_at__gte=now - age, then=Value(weight)) for age, weight in RECENCY_WEIGHTS],
        default=Value(OLDER_WEIGHT),
        output_field=IntegerField(),
    )


def shared(links):
    """How many of ``links`` (byline or topic rows already narrowed to the post's own
    authors or topics) belong to the candidate: a subquery inside the one scoring query,
    which reads the link table's (post, ...) index rather than joining both tables at once."""
    counted = (
        links.filter(post_id=OuterRef("pk")).order_by().values("post_id").annotate(n=Count("*"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def score_related(post: Post, *, limit: int = RELATED_COUNT) -> list[dict]:
    """The best ``limit`` related posts as plain data for the page, in one query."""
    author_ids = [link.author_id for link in post.bylines.all()]
    topic_ids = [topic.pk for topic in post.topics.all()]
    if not author_ids and not topic_ids:
        return []
    by_author = PostAuthor.objects.filter(author_id__in=author_ids)
    by_topic = Post.topics.through.objects.filter(topic_id__in=topic_ids)
    candidates = (
        Post.objects.public()
        .exclude(pk=post.pk)
        .filter(Q(pk__in=by_author.values("post_id")) | Q(pk__in=by_topic.values("post_id")))
        .annotate(
            shared_authors=shared(by_author),
            shared_topics=shared(by_topic),
        )
        .annotate(
            score=(F("shared_authors") * AUTHOR_WEIGHT + F("shared_topics") * TOPIC_WEIGHT)
            * recency_weight(timezone.now())
        )
        .order_by("-score", "-publish_at", "-pk")
        .values("title", "slug", "blog__slug", "blog__name", "publish_at")[:limit]
    )
    return [
        {
            "title": row["title"],
            "url": reverse("publishing:post", args=[row["blog__slug"], row["slug"]]),
            "blog_name": row["blog__name"],
            "publish_at": row["publish_at"],
        }
        for row in candidates
    ]


def related_posts(post: Post) -> list[dict]:
    """The post's related posts, from the cache while no post has changed since they were scored."""
    version = cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)
    key = f"publishing:related:{version}:{post.pk}"
    related = cache.get(key)
    if related is None:
        related = score_related(post)
        cache.set(key, related, CACHE_SECONDS)
    return related


def forget_related_posts(sender=None, instance=None, **kwargs):
    """Any post, byline or topic change can reorder anyone's related posts: start afresh."""
    post_id = instance.pk if isinstance(instance, Post) else getattr(instance, "post_id", None)
    if post_id is not None and batches.defer([post_id]):
        return  # once for the whole batch, when it is flushed
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version kept: a new one no stored list can carry
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def connect_signals():
    for model in (Post, PostAuthor):
        post_save.connect(forget_related_posts, sender=model, dispatch_uid=f"related-{model}")
        post_delete.connect(forget_related_posts, sender=model, dispatch_uid=f"related-d-{model}")
    m2m_changed.connect(
        forget_related_posts, sender=Post.topics.through, dispatch_uid="related-topics"
    )
    batches.posts_saved_in_batch.connect(forget_related_posts, dispatch_uid="related-batch")
