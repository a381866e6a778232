"""Once a comment is stored, the commenter is told so, whatever fails after the INSERT.

Every receiver of the stored comment's announcements is made to fail (the
model's own save signal, ``comment_submitted``, and the digest scheduler the
discussion connects to it); the commenter still lands on the comment's status
page, and the worker is left a new try that announces the comment once the
failure has passed.
"""

import pytest
from django.db.models.signals import post_save
from django_tasks.backends.database.models import DBTaskResult

from masthead.discussion import aftermath, notifications
from masthead.discussion.models import Comment
from masthead.discussion.signals import comment_submitted

from .conftest import submit


class Broken(Exception):
    pass


def fail(*args, **kwargs):
    raise Broken("a receiver failed after the INSERT")


@pytest.fixture
def every_receiver_fails(monkeypatch):
    post_save.connect(fail, sender=Comment, dispatch_uid="test-fails-on-save")
    comment_submitted.connect(fail, dispatch_uid="test-fails-on-submitted")
    monkeypatch.setattr(notifications, "schedule_moderator_digest", fail)
    yield
    post_save.disconnect(sender=Comment, dispatch_uid="test-fails-on-save")
    comment_submitted.disconnect(dispatch_uid="test-fails-on-submitted")


@pytest.fixture
def tasks_kept_for_the_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


# Committing: the submission writes in autocommit, as it does under a real server.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stored_comment_answers_its_status_page_when_every_receiver_fails(
    client, published_post, every_receiver_fails, tasks_kept_for_the_worker, settings, caplog
):
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 5
    response = submit(client, published_post)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == comment.get_status_url()
    page = client.get(response["Location"])
    assert "awaits moderation" in page.content.decode()
    # Told in the log, and left to the worker for another try.
    assert "tried again by the worker" in caplog.text
    again = DBTaskResult.objects.get(task_path__endswith="announce_submitted_again")
    assert again.args_kwargs["args"][0] == comment.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_workers_new_try_schedules_the_digest_once_the_failure_has_passed(
    client, published_post, every_receiver_fails, tasks_kept_for_the_worker, settings, monkeypatch
):
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 5
    submit(client, published_post)
    comment = Comment.objects.get()
    DBTaskResult.objects.all().delete()

    post_save.disconnect(sender=Comment, dispatch_uid="test-fails-on-save")
    comment_submitted.disconnect(dispatch_uid="test-fails-on-submitted")
    monkeypatch.undo()
    assert aftermath.announce_submitted_again.call(comment.pk, 1, True) is True
    digests = DBTaskResult.objects.filter(task_path__endswith="send_moderator_digest")
    assert digests.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_comment_whose_insert_fails_is_not_reported_received(client, published_post, monkeypatch):
    def insert_fails(*args, **kwargs):
        raise Broken("the database refused the row")

    monkeypatch.setattr(Comment, "save", insert_fails)
    client.raise_request_exception = False
    response = submit(client, published_post)
    assert response.status_code == 500
    assert Comment.objects.count() == 0


# --- the site's own error pages ----------------------------------------------------------
def test_a_comment_sent_while_the_database_is_away_gets_a_503_that_says_what_to_do(
    client, published_post, monkeypatch
):
    from django.db import OperationalError

    from masthead.discussion import views

    def database_away(submission):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(views, "submit_comment", database_away)
    client.raise_request_exception = False
    response = submit(client, published_post)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "If you were sending a comment, it may not have reached us." in page
    assert "this browser kept your text" in page


def test_the_generic_500_page_tells_a_commenter_to_send_again(client, published_post, monkeypatch):
    from masthead.discussion import views

    monkeypatch.setattr(views, "submit_comment", fail)
    client.raise_request_exception = False
    response = submit(client, published_post)
    assert response.status_code == 500
    assert "If you were sending a comment, it may not have reached us." in response.content.decode()
