"""Readers asking for a citation style that is not formatted yet: the request is
queued for the background worker, within limits per reader and overall."""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.citations import csl, formatting
from masthead.citations.models import FormattedCitation, StyleRequest
from masthead.citations.styles import Style
from masthead.citations.tasks import format_post_citations
from masthead.publishing.models import Post


class StyleRequestRefused(Exception):
    """Too many styles asked for: by this client, or by everyone at once."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


# A style waiting longer than this is taken to be lost (a failed job, a worker
# that was down) and may be asked for again; meanwhile it counts as queued.
WAITING_EXPIRES = timedelta(minutes=10)
BUSY_RETRY_SECONDS = 30


def spend_style_request(requester: str, limit: int, window: int) -> int | None:
    """Count one new style for ``requester``: None when granted, else seconds to wait.

    At most ``limit`` within any ``window`` seconds, counted from ``StyleRequest`` rows
    (see there why not in the cache). A refusal stores nothing.
    """
    now = timezone.now()
    since = now - timedelta(seconds=max(1, window))
    StyleRequest.objects.filter(requested_at__lt=since).delete()
    recent = StyleRequest.objects.filter(client=requester, requested_at__gte=since)
    times = list(recent.order_by("-requested_at").values_list("requested_at", flat=True)[:limit])
    if len(times) >= limit:
        # Free again once the oldest of the last ``limit`` grants leaves the window.
        return max(1, math.ceil((times[-1] - since).total_seconds()))
    StyleRequest.objects.create(client=requester, requested_at=now)
    return None


def _refuse_if_over_budget(requester: str) -> None:
    """Check the overall queue, then charge ``requester`` for one new style."""
    waiting = FormattedCitation.objects.waiting(since=timezone.now() - WAITING_EXPIRES).count()
    if waiting >= settings.MASTHEAD_STYLE_QUEUE_LIMIT:
        raise StyleRequestRefused(
            "Many readers are asking for new citation styles right now, so this one "
            "cannot be prepared yet. Please try again in a minute.",
            BUSY_RETRY_SECONDS,
        )
    window = settings.MASTHEAD_STYLE_REQUEST_WINDOW_SECONDS
    limit = settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT
    retry_after = spend_style_request(requester, limit, window)
    if retry_after is not None:
        minutes = max(1, round(retry_after / 60))
        raise StyleRequestRefused(
            f"You have asked for {limit} styles that were not ready yet within "
            f"{max(1, window // 60)} minutes, the most we prepare for one reader. Please ask "
            f"for this one again in about {minutes} minute{'s' if minutes != 1 else ''}.",
            retry_after,
        )


def request_style(post: Post, style: Style, *, requester: str | None = None) -> None:
    """Ask the background worker to format ``style`` for ``post``; no engine runs here.

    Asking again for a style already queued for the same version of the post
    queues nothing. A ``requester`` (a reader, see ``client_limits.client_key``)
    may queue only so many new styles, and none while the queue is full:
    ``StyleRequestRefused`` says when to ask again.
    """
    source_hash = csl.fingerprint(formatting.style_item(post, style))
    now = timezone.now()
    row = FormattedCitation.objects.filter(post=post, style_id=style.id).first()
    if row is not None and row.is_fresh_or_waiting(source_hash, since=now - WAITING_EXPIRES):
        return
    if requester is not None:
        _refuse_if_over_budget(requester)
    row, created = FormattedCitation.objects.get_or_create(
        post=post,
        style_id=style.id,
        defaults={"revision": post.revision, "source_hash": source_hash, "requested_at": now},
    )
    if not created:
        if row.is_fresh_or_waiting(source_hash, since=now - WAITING_EXPIRES):
            return  # another request queued it a moment ago
        row.source_hash = source_hash
        row.revision = post.revision
        row.formatted_at = None
        row.requested_at = now
        row.save(update_fields=["source_hash", "revision", "formatted_at", "requested_at"])
    transaction.on_commit(lambda: format_post_citations.enqueue(post.pk, [style.id]))
