"""Saving posts in bulk: what derives from each post is brought up to date once per batch.

An editor's save refreshes everything derived from the post at once: its
search document, its formatted references, the related-post caches. An import
of thousands of posts would repeat that work per post, several times over (the
post, its byline rows and its topics each send a signal). Inside
``posts_in_batches()`` the receivers that do such work only note the post
(``defer()`` returns True), and ``flush()`` sends ``posts_saved_in_batch``
once with every noted post id, for each app to do its part in bulk.

Publishing knows nothing of those apps: they listen to the signal. The state
is per thread, so a web request saving a post at the same time is unaffected.
"""

import contextlib
import threading

from django.dispatch import Signal

# Sent with ``post_ids`` (a sorted list): posts saved, or whose byline or topics changed,
# while derived work was deferred. Receivers run inside the caller's transaction.
posts_saved_in_batch = Signal()

_state = threading.local()


def defer(post_ids) -> bool:
    """Note these posts for the next flush, if derived work is being deferred; else False."""
    waiting = getattr(_state, "post_ids", None)
    if waiting is None:
        return False
    waiting.update(post_ids)
    return True


def flush() -> None:
    """Send ``posts_saved_in_batch`` for the posts noted since the last flush."""
    waiting = getattr(_state, "post_ids", None)
    if not waiting:
        return
    post_ids = sorted(waiting)
    waiting.clear()
    posts_saved_in_batch.send(sender=None, post_ids=post_ids)


@contextlib.contextmanager
def posts_in_batches():
    """Defer derived work for posts saved inside; the caller flushes after each batch.

    Whatever is still noted when the block ends normally is flushed then; on an
    error it is dropped with the transaction the caller rolls back.
    """
    if getattr(_state, "post_ids", None) is not None:
        yield  # already deferring: the outer block flushes
        return
    _state.post_ids = set()
    try:
        yield
        flush()
    finally:
        _state.post_ids = None
