"""The weekly digest: one mail a week to readers who chose it, with the week's posts.

It runs as a mailing of its own kind, queued for its time through the task queue like
a scheduled post; when one is sent, the next is queued. No cron.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.newsletter.models import Mailing


def next_digest_time(now=None) -> datetime.datetime:
    now = now or timezone.now()
    moment = now.astimezone(datetime.UTC).replace(
        hour=settings.MASTHEAD_NEWSLETTER_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    days = (settings.MASTHEAD_NEWSLETTER_DIGEST_WEEKDAY - moment.weekday()) % 7
    moment += datetime.timedelta(days=days)
    if moment <= now:
        moment += datetime.timedelta(days=7)
    return moment


def schedule_next_digest() -> Mailing:
    """Queue the coming digest unless one is already waiting; covers the week before it."""
    from masthead.newsletter.sending import enqueue_turn

    with transaction.atomic():
        waiting = Mailing.objects.filter(kind=Mailing.Kind.DIGEST, state=Mailing.State.WAITING)
        found = waiting.select_for_update().first()
        if found is not None:
            return found
        at = next_digest_time()
        mailing = Mailing.objects.create(
            kind=Mailing.Kind.DIGEST, scheduled_for=at,
            digest_from=at - datetime.timedelta(days=7),
        )  # fmt: skip
    transaction.on_commit(lambda: enqueue_turn(mailing.pk, at), robust=True)
    return mailing
