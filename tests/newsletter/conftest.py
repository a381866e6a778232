"""Personas for the newsletter: readers who follow things, a mail server on the loopback.

The mail server is aiosmtpd, started on a free port for each test that needs it; it
keeps every message it accepted, and can be told to refuse an address for good (5xx)
or for now (4xx), as real servers do.
"""

import datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from harness.caches import free_port
from masthead.newsletter.models import Subscriber

SITE = "http://testserver"


class Mailbox:
    def __init__(self):
        self.messages = []  # (recipients, parsed message, raw bytes)
        self.refuse_for_good: dict[str, str] = {}
        self.refuse_for_now: dict[str, int] = {}  # address -> how many more times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse_for_good:
            return self.refuse_for_good[address]
        if self.refuse_for_now.get(address, 0) > 0:
            self.refuse_for_now[address] -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message, envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for rcpts, message, _raw in self.messages if address in rcpts]

    def raw_to(self, address):
        return [raw for rcpts, _message, raw in self.messages if address in rcpts]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield box
    controller.stop()


@pytest.fixture(autouse=True)
def newsletter_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MASTHEAD_SITE_URL = "https://harbour.example.org"
    settings.MASTHEAD_NEWSLETTER_FROM_EMAIL = "news@harbour.example.org"
    settings.MASTHEAD_NEWSLETTER_POSTAL_ADDRESS = "1 Quay Street, Port Town 4000"
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 0


def reader(email, *, blogs=(), authors=(), topics=(), everything=False, cadence="each"):
    """A confirmed subscriber following these."""
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=timezone.now(), consent_source="subscribe form",
        everything=everything, cadence=cadence,
    )  # fmt: skip
    subscriber.blogs.add(*blogs)
    subscriber.authors.add(*authors)
    subscriber.topics.add(*topics)
    return subscriber


def fresh_post(blog, authors, *, title="Tidal Power Comes of Age", topics=(), **fields):
    """A post published a moment ago, through the model's own publish()."""
    from masthead.publishing.models import Post, PostAuthor

    post = Post.objects.create(
        blog=blog, title=title, body=fields.pop("body", "Tides are **predictable**."),
        summary=fields.pop("summary", "Predictable power from the sea."), **fields,
    )  # fmt: skip
    for position, author in enumerate(authors):
        PostAuthor.objects.create(post=post, author=author, position=position)
    post.topics.add(*topics)
    return post


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)
