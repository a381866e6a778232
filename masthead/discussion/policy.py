"""When a post takes comments."""

import datetime

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from masthead.publishing.models import Post


def comments_are_open(post) -> bool:
    """Open unless the editors closed them, or the post is older than the configured limit."""
    if not post.comments_open:
        return False
    days = settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS
    if days and post.publish_at:
        return timezone.now() < post.publish_at + datetime.timedelta(days=days)
    return True


def next_automatic_closing(after):
    """When comments next close by themselves on some public post (None: never, or none due).

    Whatever keeps copies of pages keeps them no longer than this, so the form
    disappears on time without a save.
    """
    days = settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS
    if not days:
        return None
    limit = datetime.timedelta(days=days)
    still_open = Post.objects.public().filter(comments_open=True, publish_at__gt=after - limit)
    first = still_open.aggregate(first=Min("publish_at"))["first"]
    return first + limit if first else None
