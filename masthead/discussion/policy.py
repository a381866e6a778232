"""When a post takes comments."""

import datetime

from django.conf import settings
from django.utils import timezone


def comments_are_open(post) -> bool:
    """Open unless the editors closed them, or the post is older than the configured limit."""
    if not post.comments_open:
        return False
    days = settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS
    if days and post.publish_at:
        return timezone.now() < post.publish_at + datetime.timedelta(days=days)
    return True
