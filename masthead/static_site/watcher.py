"""Keeps a published folder current: polls the change records and the clock.

Every ``POLL_SECONDS`` it reads the changes recorded since (by any process:
the app servers, the admin, an import), plus what the clock alone changes: a
scheduled post whose time has come, comments closing after
``MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS``. A full pass every
``MASTHEAD_STATIC_FULL_PASS_MINUTES`` catches what no signal announces
(related posts reordered by age, changes made with a bulk ``update()``); it
rewrites only files whose bytes differ.
"""

import datetime
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from masthead.publishing.models import Post
from masthead.static_site.models import StaticChange
from masthead.static_site.writer import StaticSite, forget_local_cache

POLL_SECONDS = 0.5
# A change committed late (a long transaction) is still seen if it is this recent.
LOOKBACK = datetime.timedelta(seconds=60)
KEEP_RECORDS = datetime.timedelta(days=1)


class Watcher:
    def __init__(self, site: StaticSite, *, log=None):
        self.site = site
        self.log = log or (lambda message: None)
        self.seen: dict[int, datetime.datetime] = {}
        self.clock = timezone.now()
        self.last_full_pass = time.monotonic()
        self.last_prune = 0.0

    def start(self) -> None:
        """Everything once (changes made meanwhile are read afterwards), then the changes."""
        started = timezone.now()
        self.site.publish_everything()
        self.clock = started
        self.seen = dict(
            StaticChange.objects.filter(recorded_at__lt=started - LOOKBACK).values_list(
                "pk", "recorded_at"
            )
        )

    def pause(self) -> None:
        time.sleep(POLL_SECONDS)

    def step(self) -> set[str]:
        """One poll: publishes what changed; returns the subjects it handled."""
        close_old_connections()
        now = timezone.now()
        subjects = self.recorded_changes(now) | self.changes_by_the_clock(now)
        self.clock = now
        if subjects:
            forget_local_cache()
            begun = time.monotonic()
            written_before = self.site.written
            self.site.publish_subjects(sorted(subjects))
            self.log(
                f"{', '.join(sorted(subjects))}: {self.site.written - written_before} files "
                f"written in {time.monotonic() - begun:.2f} s"
            )
        minutes = settings.MASTHEAD_STATIC_FULL_PASS_MINUTES
        if minutes and time.monotonic() - self.last_full_pass > minutes * 60:
            forget_local_cache()
            self.site.publish_everything(assets=False)
            self.last_full_pass = time.monotonic()
        if time.monotonic() - self.last_prune > 60:
            StaticChange.objects.filter(recorded_at__lt=now - KEEP_RECORDS).delete()
            self.last_prune = time.monotonic()
        return subjects

    def recorded_changes(self, now) -> set[str]:
        since = now - LOOKBACK
        self.seen = {pk: at for pk, at in self.seen.items() if at >= since}
        rows = StaticChange.objects.filter(recorded_at__gte=since).exclude(pk__in=list(self.seen))
        subjects = set()
        for pk, subject, recorded_at in rows.values_list("pk", "subject", "recorded_at"):
            self.seen[pk] = recorded_at
            subjects.add(subject)
        return subjects

    def changes_by_the_clock(self, now) -> set[str]:
        """Posts whose publish time, or whose comments' closing time, passed since the last poll."""
        going_public = Post.objects.filter(status__in=Post.GOING_PUBLIC)
        arrived = going_public.filter(publish_at__gt=self.clock, publish_at__lte=now)
        subjects = {f"post:{pk}" for pk in arrived.values_list("pk", flat=True)}
        days = settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS
        if days:
            span = datetime.timedelta(days=days)
            closing = going_public.filter(
                comments_open=True, publish_at__gt=self.clock - span, publish_at__lte=now - span
            )
            subjects |= {f"comments:{pk}" for pk in closing.values_list("pk", flat=True)}
        return subjects
