"""A scheduled post is mailed at its publication time by the task worker: no cron."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from masthead.newsletter.models import Mailing
from masthead.publishing.models import Post

from .conftest import fresh_post, reader

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_scheduled_post_is_mailed_when_its_time_comes_and_not_before(blog, ada, mailbox):
    reader("rosa@example.org", blogs=[blog])
    when = timezone.now() + datetime.timedelta(hours=5)
    post = fresh_post(blog, [ada])
    post.publish(when)
    assert Post.objects.get(pk=post.pk).status == Post.Status.SCHEDULED
    run_worker()
    assert mailbox.messages == []
    with time_machine.travel(when + datetime.timedelta(seconds=2), tick=True):
        run_worker()
    [mail] = mailbox.to("rosa@example.org")
    assert mail["Subject"] == post.title
    assert Mailing.objects.get(post=post).state == Mailing.State.SENT


def test_a_post_moved_later_is_mailed_at_the_new_time_only(blog, ada, mailbox):
    reader("rosa@example.org", blogs=[blog])
    first = timezone.now() + datetime.timedelta(hours=2)
    later = first + datetime.timedelta(days=1)
    post = fresh_post(blog, [ada])
    post.publish(first)
    post.publish(later)
    with time_machine.travel(first + datetime.timedelta(seconds=2), tick=True):
        run_worker()
    assert mailbox.messages == []
    with time_machine.travel(later + datetime.timedelta(seconds=2), tick=True):
        run_worker()
    assert len(mailbox.to("rosa@example.org")) == 1


def test_a_scheduled_post_held_back_meanwhile_is_not_mailed(blog, ada, mailbox):
    reader("rosa@example.org", blogs=[blog])
    when = timezone.now() + datetime.timedelta(hours=1)
    post = fresh_post(blog, [ada])
    post.publish(when)
    Mailing.objects.filter(post=post).update(held_back=True)
    with time_machine.travel(when + datetime.timedelta(seconds=2), tick=True):
        run_worker()
    assert mailbox.messages == []
    assert Mailing.objects.get(post=post).state == Mailing.State.HELD
