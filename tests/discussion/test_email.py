"""Mail about comments, delivered to a real SMTP server (aiosmtpd) the tests start locally."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from masthead.discussion.models import Comment

from .conftest import submit

pytestmark = [pytest.mark.django_db, pytest.mark.server]  # a real SMTP server (aiosmtpd)


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def approve_and_run_tasks(comment, moderator, capture):
    with capture(execute=True):
        comment.approve(by=moderator)


def test_a_commenter_who_asked_is_mailed_the_published_text(
    client, published_post, moderator, mailbox, django_capture_on_commit_callbacks
):
    submit(client, published_post, body="Publish me, please.", notify_on_publish="on")
    comment = Comment.objects.get()
    assert mailbox.to("rosa@example.org") == []  # nothing while pending
    approve_and_run_tasks(comment, moderator, django_capture_on_commit_callbacks)
    [mail] = mailbox.to("rosa@example.org")
    assert "is published" in mail["Subject"]
    assert "Publish me, please." in Mailbox.text(mail)
    assert f"#comment-{comment.pk}" in Mailbox.text(mail)


def test_a_commenter_who_did_not_ask_gets_no_mail(
    client, published_post, moderator, mailbox, django_capture_on_commit_callbacks
):
    submit(client, published_post, body="No mail for me.")
    approve_and_run_tasks(Comment.objects.get(), moderator, django_capture_on_commit_callbacks)
    assert mailbox.messages == []


def test_a_comment_taken_down_before_the_mail_goes_is_not_mailed(
    client, published_post, moderator, mailbox
):
    from masthead.discussion.notifications import notify_commenter_published

    submit(client, published_post, body="Approved, then not.", notify_on_publish="on")
    comment = Comment.objects.get()
    comment.approve(by=moderator)  # the queued mail has not run yet (no commit in this test)
    comment.reject("Off topic", by=moderator)
    assert notify_commenter_published.call(comment.pk) is False
    assert mailbox.messages == []


def test_moderators_digest_counts_pending_comments_without_their_text(
    client, published_post, moderator, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 30
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, published_post, body="Secret pending words.", author_name="Hidden Name")
    [mail] = mailbox.to("mod@harbour.example.org")
    text = Mailbox.text(mail)
    assert "1 new comment awaits moderation" in text
    assert published_post.title in text
    assert "/moderation/" in text
    assert "Secret pending words." not in text and "Hidden Name" not in text
    assert "rosa@example.org" not in text


def test_no_address_gets_more_than_the_daily_number_of_mails(
    client, published_post, moderator, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_MAILS_PER_ADDRESS_PER_DAY = 2
    for number in range(3):
        submit(client, published_post, body=f"Comment {number}", notify_on_publish="on")
    for comment in Comment.objects.all():
        approve_and_run_tasks(comment, moderator, django_capture_on_commit_callbacks)
    assert len(mailbox.to("rosa@example.org")) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_task_queue_delivers_once_a_worker_runs(
    client, published_post, moderator, mailbox, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    submit(client, published_post, body="Queued for the worker.", notify_on_publish="on")
    Comment.objects.get().approve(by=moderator)
    assert mailbox.messages == []  # stored as a task, not sent inside the request
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    [mail] = mailbox.to("rosa@example.org")
    assert "Queued for the worker." in Mailbox.text(mail)
