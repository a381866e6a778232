"""When pages change by the clock alone, with no save to move the content version on.

A scheduled post goes public at its publish time; comments close by themselves
``MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS`` after it. A page stored before such a
moment must not be served after it, so every stored page expires at the next
one. Each app answers for its own clock; this module only takes the earliest.
"""

import threading

from masthead.discussion.policy import next_automatic_closing
from masthead.publishing.models import Post


def next_automatic_change(now) -> float | None:
    """The earliest coming moment (a POSIX time) at which some page changes by itself."""
    moments = [Post.objects.next_going_public(now), next_automatic_closing(now)]
    coming = [moment.timestamp() for moment in moments if moment is not None]
    return min(coming) if coming else None


class Clock:
    """The next automatic change, asked of the database once per content version.

    Asked for the moment a page began to be made: a page made just before a post
    goes public must expire when it does, even if it is stored a moment after.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._known: tuple | None = None  # (version, next change or None)

    def next_change(self, version, begun) -> float | None:
        known = self._known
        if (
            known is not None
            and known[0] == version
            and (known[1] is None or begun.timestamp() < known[1])
        ):
            return known[1]
        moment = next_automatic_change(begun)
        with self._lock:
            self._known = (version, moment)
        return moment

    def forget(self) -> None:
        self._known = None


clock = Clock()
