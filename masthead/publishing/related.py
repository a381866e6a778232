"""Related posts: other public posts sharing a post's authors and topics, the recent ones first.

One aggregate query scores every candidate at once: a shared author counts
more than a shared topic (a reader following a person wants their other
takes), and the sum is multiplied by a weight for how recent the candidate is.
The result is cached per post, under the site's content version (which every
post, byline or topic change moves on), so the post page reads it without
scoring again.
"""

import datetime
import math

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from masthead import caching
from masthead.publishing.fragment_version import fragment_version
from masthead.publishing.models import Post, PostAuthor

RELATED_COUNT = 3
AUTHOR_WEIGHT = 3
TOPIC_WEIGHT = 2
# (younger than, weight): a week-old post on the same subject beats a five-year-old one.
RECENCY_WEIGHTS = ((datetime.timedelta(days=90), 4), (datetime.timedelta(days=365), 3),
                   (datetime.timedelta(days=3 * 365), 2))  # fmt: skip
OLDER_WEIGHT = 1
# At most this long; and never past the next scheduled post's time, which goes live
# without a save (and so without moving the content version on).
CACHE_SECONDS = 600


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
    post.with_page_relations()  # the page shows them too: read once for both
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


def related_posts(post: Post, request=None, lifetime=None) -> list[dict]:
    """The post's related posts, from the cache while no post has changed since they were scored.

    ``lifetime``: the caller's own count of seconds until the next scheduled post
    (a callable), when it has one, so the page asks the database that only once.
    """
    key = f"publishing:related:{fragment_version(request)}:{post.pk}"
    related = caching.get(key)
    if related is None:
        related = score_related(post)
        seconds = min(CACHE_SECONDS, lifetime()) if lifetime else cache_seconds()
        if seconds:
            caching.set(key, related, seconds)
    return related


def cache_seconds() -> int:
    """How long a list may be kept: until the next scheduled post goes public, at most."""
    upcoming = Post.objects.next_going_public(timezone.now())
    if upcoming is None:
        return CACHE_SECONDS
    # Rounded down (0: not kept): never kept past the moment the post goes public.
    until = math.floor((upcoming - timezone.now()).total_seconds())
    return max(0, min(CACHE_SECONDS, until))
