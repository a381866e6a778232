"""Figures over the whole archive, computed once per change instead of once per reader.

The archive's months and the sitemap's sections group every public post: on a
10,000-post archive that is a pass over 10,000 rows for each render. They are
kept in the cache under the content version (any edit a reader could see moves
it, see ``fragment_version``) and only until the next scheduled post goes public,
since the clock changes what is public without any save.
"""

from django.conf import settings
from django.utils import timezone

from masthead import caching
from masthead.publishing.fragment_version import fragment_version
from masthead.publishing.models import Post


def summary(name: str, compute, request=None):
    """``compute()``, or its stored answer if nothing public changed since."""
    # The version is read before the data, so an answer is never stored under a
    # version newer than what it was computed from; the time zone decides which
    # month a post is in.
    zone = timezone.get_current_timezone_name()
    key = f"publishing:summary:{name}:{zone}:{fragment_version(request)}"
    now = timezone.now()
    stored = caching.get(key)
    if stored is not None:
        until, value = stored
        if until is None or now < until:
            return value
    value = compute()
    until = Post.objects.next_going_public(now)
    caching.set(key, (until, value), settings.MASTHEAD_FRAGMENT_CACHE_SECONDS)
    return value
