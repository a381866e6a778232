"""Sending: refusals are recorded, temporary ones retried with back-off, and nothing is lost."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from masthead.newsletter.models import Delivery, Mailing, Subscriber, Suppression
from masthead.newsletter.sending import send_mailing

from .conftest import fresh_post, reader

pytestmark = pytest.mark.django_db


def publish(post, capture):
    with capture(execute=True):
        post.publish()
    return Mailing.objects.get(post=post)


def test_a_permanent_refusal_suppresses_the_address_and_says_why(
    blog, ada, mailbox, django_capture_on_commit_callbacks
):
    mailbox.refuse_for_good["gone@example.org"] = "550 5.1.1 No such mailbox"
    reader("gone@example.org", blogs=[blog])
    reader("rosa@example.org", blogs=[blog])
    mailing = publish(fresh_post(blog, [ada]), django_capture_on_commit_callbacks)
    assert len(mailbox.to("rosa@example.org")) == 1
    gone = Delivery.objects.get(subscriber__email="gone@example.org")
    assert gone.status == Delivery.Status.FAILED
    assert "550" in gone.error and "No such mailbox" in gone.error
    suppression = Suppression.of("gone@example.org")
    assert suppression.reason == Suppression.Reason.BOUNCED and "550" in suppression.detail
    assert Subscriber.objects.get(email="gone@example.org").suppressed_at is not None
    assert Mailing.objects.get(pk=mailing.pk).state == Mailing.State.SENT
    # The next post is not even tried for that address.
    publish(fresh_post(blog, [ada], title="Second"), django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(subscriber__email="gone@example.org").count() == 1


def test_a_temporary_refusal_is_tried_again_later_with_growing_pauses(
    blog, ada, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_NEWSLETTER_RETRY_SECONDS = 60
    mailbox.refuse_for_now["busy@example.org"] = 2
    reader("busy@example.org", blogs=[blog])
    mailing = publish(fresh_post(blog, [ada]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert "451" in delivery.error
    first_wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_wait <= datetime.timedelta(seconds=60)
    assert Mailing.objects.get(pk=mailing.pk).state == Mailing.State.SENDING

    send_mailing.call(mailing.pk)  # too early: nothing is due
    assert Delivery.objects.get().attempts == 1
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        send_mailing.call(mailing.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        second_wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=230) < second_wait <= datetime.timedelta(seconds=240)
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        send_mailing.call(mailing.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(mailbox.to("busy@example.org")) == 1
    assert Mailing.objects.get(pk=mailing.pk).state == Mailing.State.SENT


def test_a_reader_who_left_after_the_list_was_made_is_skipped(blog, ada, mailbox):
    from masthead.newsletter.sending import schedule_post_mailing

    rosa = reader("rosa@example.org", blogs=[blog])
    post = fresh_post(blog, [ada], status="published", publish_at=timezone.now())
    mailing = schedule_post_mailing(post.pk)  # listed and sent in the same call here
    assert Delivery.objects.get(mailing=mailing, subscriber=rosa).status == Delivery.Status.SENT
    mailing2 = schedule_post_mailing(fresh_post(blog, [ada], title="B", status="published",
                                                publish_at=timezone.now()).pk)  # fmt: skip
    assert mailing2.deliveries.count() == 1


def test_a_mail_server_that_is_down_loses_nobody(
    blog, ada, settings, mailbox, django_capture_on_commit_callbacks
):
    from harness.caches import free_port

    reader("rosa@example.org", blogs=[blog])
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    mailing = publish(fresh_post(blog, [ada]), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert Mailing.objects.get(pk=mailing.pk).state == Mailing.State.SENDING
    settings.EMAIL_PORT = working_port
    later = timezone.now() + datetime.timedelta(seconds=settings.MASTHEAD_NEWSLETTER_RETRY_SECONDS)
    with time_machine.travel(later):
        send_mailing.call(mailing.pk)
    assert len(mailbox.to("rosa@example.org")) == 1


def test_the_rate_setting_spaces_the_mails(
    blog, ada, mailbox, settings, django_capture_on_commit_callbacks
):
    import time

    settings.MASTHEAD_NEWSLETTER_RATE = 20  # a mail every 50 ms
    for number in range(6):
        reader(f"r{number}@example.org", blogs=[blog])
    started = time.monotonic()
    publish(fresh_post(blog, [ada]), django_capture_on_commit_callbacks)
    assert len(mailbox.messages) == 6
    assert time.monotonic() - started >= 5 * 0.05


def test_an_editor_sends_themselves_a_test_of_a_posts_mail(editor_client, blog, ada, mailbox):
    post = fresh_post(blog, [ada])
    mailing = Mailing.objects.create(post=post, held_back=True)
    response = editor_client.post(
        "/admin/newsletter/mailing/",
        {"action": "send_test_to_me", "_selected_action": [mailing.pk]},
    )
    assert response.status_code == 302
    [mail] = mailbox.to("editor@harbour.example.org")
    assert mail["Subject"] == f"[Test] {post.title}"
    assert not Delivery.objects.exists()  # a test is no delivery to readers


def test_posts_announced_together_by_an_import_are_mailed_but_an_archived_one_is_not(
    blog, ada, mailbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from masthead import changes

    from .conftest import hours_ago

    reader("rosa@example.org", blogs=[blog])
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        changes.posts_in_batches(),
    ):
        fresh_post(blog, [ada], title="Fresh Today", status="published",
                   publish_at=timezone.now())  # fmt: skip
        fresh_post(blog, [ada], title="From the Archive", status="published",
                   publish_at=hours_ago(24 * 400))  # fmt: skip
    assert [mail["Subject"] for mail in mailbox.to("rosa@example.org")] == ["Fresh Today"]


def test_rounds_over_several_connections_send_each_reader_one_mail_and_record_refusals(
    blog, ada, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_NEWSLETTER_CONNECTIONS = 3
    settings.MASTHEAD_NEWSLETTER_BATCH = 2  # rounds of 6: 23 readers take four rounds
    addresses = [f"r{number}@example.org" for number in range(23)]
    for address in addresses:
        reader(address, blogs=[blog])
    mailbox.refuse_for_good["r7@example.org"] = "550 5.1.1 No such mailbox"
    mailbox.refuse_for_now["r15@example.org"] = 1
    mailing = publish(fresh_post(blog, [ada]), django_capture_on_commit_callbacks)
    received = [rcpt for rcpts, _message, _raw in mailbox.messages for rcpt in rcpts]
    assert sorted(received) == sorted(set(addresses) - {"r7@example.org", "r15@example.org"})
    statuses = dict(Delivery.objects.filter(mailing=mailing).values_list("subscriber__email",
                                                                         "status"))  # fmt: skip
    assert statuses.pop("r7@example.org") == Delivery.Status.FAILED
    assert statuses.pop("r15@example.org") == Delivery.Status.PENDING  # tried again later
    assert set(statuses.values()) == {Delivery.Status.SENT}
    assert Suppression.of("r7@example.org").reason == Suppression.Reason.BOUNCED
