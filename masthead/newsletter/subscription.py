"""Subscribing with double opt-in: what a visitor asks for travels in a signed link.

Nothing about the visitor is stored when they send the form, except that their
address had a confirmation mail today (by hash, to keep to one a day). Their
choices ride in the link, signed and expiring; following it creates or updates
the subscriber. The form's answer is the same whatever the address, so it tells
nobody whether an address is subscribed.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from masthead.newsletter.mail import confirmation_message, site_url
from masthead.newsletter.models import (
    ConfirmationMail,
    Subscriber,
    Suppression,
    email_hash,
    normalise_email,
)
from masthead.publishing.models import Author, Blog, Topic

logger = logging.getLogger(__name__)

CONFIRM_SALT = "masthead.newsletter.confirm"


@dataclass
class Request:
    """What one visitor asked to follow, and how often."""

    email: str
    everything: bool = False
    blogs: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    cadence: str = Subscriber.Cadence.EACH

    def sign(self) -> str:
        return signing.dumps(
            {"e": self.email, "all": self.everything, "b": self.blogs, "a": self.authors,
             "t": self.topics, "c": self.cadence},
            salt=CONFIRM_SALT, compress=True,
        )  # fmt: skip

    @classmethod
    def from_signed(cls, token: str) -> "Request | None":
        """The request in a confirmation link; None when forged, damaged or expired."""
        max_age = settings.MASTHEAD_NEWSLETTER_CONFIRM_DAYS * 24 * 3600
        try:
            data = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
        except signing.BadSignature:
            return None
        return cls(email=data["e"], everything=data["all"], blogs=data["b"],
                   authors=data["a"], topics=data["t"], cadence=data["c"])  # fmt: skip

    def describe(self) -> str:
        if self.everything:
            return "everything we publish"
        names = list(Blog.objects.filter(pk__in=self.blogs).values_list("name", flat=True))
        names += Author.objects.filter(pk__in=self.authors).values_list("display_name", flat=True)
        names += Topic.objects.filter(pk__in=self.topics).values_list("name", flat=True)
        return ", ".join(names)


def request_confirmation(request: Request) -> None:
    """Mail a confirmation link, unless this address had one in the last 24 hours.

    Silent either way: the visitor is told the same, whatever happened here. An
    address that bounced gets nothing (it would only bounce again).
    """
    request.email = normalise_email(request.email)
    suppression = Suppression.of(request.email)
    if suppression is not None and suppression.reason == Suppression.Reason.BOUNCED:
        return
    if not ConfirmationMail.may_send(request.email):
        logger.info("A confirmation was asked for an address that had one today; none sent")
        return
    token = request.sign()
    transaction.on_commit(lambda: send_confirmation.enqueue(request.email, token), robust=True)


@task()
def send_confirmation(email: str, token: str) -> None:
    request = Request.from_signed(token)
    if request is None:
        return
    confirm_url = site_url(reverse("newsletter:confirm", args=[token]))
    confirmation_message(email, confirm_url, request.describe()).send()


def confirm(request: Request) -> Subscriber:
    """Follow what was asked: a new subscriber, or more follows for one who exists.

    Following the link proves the reader holds the address, so it also lifts an
    earlier unsubscription or complaint of theirs.
    """
    email = normalise_email(request.email)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"consent_source": "subscribe form", "cadence": request.cadence}
        )
        now = timezone.now()
        if not created and subscriber.left_at:
            # Coming back after leaving: what they follow now is what they asked for now.
            subscriber.blogs.clear()
            subscriber.authors.clear()
            subscriber.topics.clear()
            subscriber.everything = False
        subscriber.cadence = request.cadence
        subscriber.everything = subscriber.everything or request.everything
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.left_at = None
        subscriber.suppressed_at = None
        if not created and "subscribe form" not in subscriber.consent_source:
            subscriber.consent_source = f"{subscriber.consent_source}; subscribe form"[:200]
        subscriber.save()
        subscriber.blogs.add(*Blog.objects.filter(pk__in=request.blogs))
        subscriber.authors.add(*Author.objects.filter(pk__in=request.authors))
        subscriber.topics.add(*Topic.objects.filter(pk__in=request.topics))
        Suppression.objects.filter(email_hash=email_hash(email)).delete()
    if subscriber.cadence == Subscriber.Cadence.WEEKLY:
        from masthead.newsletter.digest import schedule_next_digest

        schedule_next_digest()
    return subscriber
