"""What follows a stored comment, kept from ever changing the commenter's answer.

Once a reader's comment is stored, the answer is "received, awaiting moderation",
whatever else goes wrong: the receivers of ``comment_submitted`` (the moderators'
digest, and whatever else listens) run after the commit, each failure is logged,
and the announcement is sent again by the background worker after a pause, a few
times over, until every receiver has taken it. Receivers must therefore be safe to
run twice for one comment (scheduling a digest is: it is one per interval).

Without this, a cache that failed in the digest scheduler answered 500 to a
commenter whose comment was already stored; reloading and sending again filed a
second copy.
"""

import datetime
import logging

from django.db.models.signals import post_save
from django.utils import timezone
from django_tasks import task

from masthead.discussion.models import Comment
from masthead.discussion.signals import comment_submitted

logger = logging.getLogger(__name__)

# Pauses before each new try of a failed announcement: a cache back after a restart,
# a mail server after maintenance, then give up and say so.
RETRY_PAUSES_SECONDS = (10, 60, 300, 1800)


def is_stored(comment: Comment) -> bool:
    return comment.pk is not None and Comment.objects.filter(pk=comment.pk).exists()


def _send(comment: Comment, *, saved_too: bool) -> list[tuple[object, Exception]]:
    """Every announcement of the comment, each receiver on its own; the failures."""
    results = []
    if saved_too:
        # The model's own announcement, as the save would have made it.
        results += post_save.send_robust(
            sender=Comment, instance=comment, created=True, update_fields=None, raw=False,
            using=comment._state.db or "default",
        )  # fmt: skip
    results += comment_submitted.send_robust(sender=Comment, comment=comment)
    failures = [(receiver, r) for receiver, r in results if isinstance(r, Exception)]
    for receiver, error in failures:
        logger.error(
            "After comment %s was stored, %s failed; it is tried again by the worker.",
            comment.pk,
            getattr(receiver, "__qualname__", receiver),
            exc_info=error,
        )
    return failures


def announce_submitted(comment: Comment, *, saved_too: bool = False) -> None:
    """Run after the commit; never raises. ``saved_too``: the save's own receivers failed."""
    try:
        if _send(comment, saved_too=saved_too):
            _try_again_later(comment.pk, attempt=1, saved_too=saved_too)
    except Exception:
        logger.exception("The announcement of stored comment %s failed", comment.pk)
        _try_again_later(comment.pk, attempt=1, saved_too=saved_too)


def _try_again_later(comment_id: int, *, attempt: int, saved_too: bool) -> None:
    if attempt > len(RETRY_PAUSES_SECONDS):
        logger.error(
            "Gave up announcing stored comment %s after %d tries; it is in the moderation "
            "queue all the same.",
            comment_id,
            attempt - 1,
        )
        return
    pause = datetime.timedelta(seconds=RETRY_PAUSES_SECONDS[attempt - 1])
    again = announce_submitted_again
    if again.get_backend().supports_defer:
        again = again.using(run_after=timezone.now() + pause)
    try:
        again.enqueue(comment_id, attempt, saved_too)
    except Exception:
        logger.exception("Could not queue another try for stored comment %s", comment_id)


@task()
def announce_submitted_again(comment_id: int, attempt: int, saved_too: bool) -> bool:
    """The worker's new try of an announcement that failed; True when every receiver took it."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        return True  # withdrawn or erased since: nothing left to announce
    if _send(comment, saved_too=saved_too):
        _try_again_later(comment_id, attempt=attempt + 1, saved_too=saved_too)
        return False
    return True
