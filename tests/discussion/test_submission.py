"""``submit_comment``: the whole submission in the model layer, without a request."""

import datetime

import pytest
from django.utils import timezone

from masthead.discussion import submission as submission_module
from masthead.discussion.models import Comment
from masthead.discussion.submission import Outcome, Submission, submit_comment

from .conftest import form_token

pytestmark = pytest.mark.django_db


def sent(post, **overrides) -> Submission:
    fields = {
        "post_id": post.pk, "author_name": "Ines Ortega", "email": "ines@example.org",
        "body": "The second chart undercounts storage.", "notify_on_publish": False,
        "started": form_token(), "honeypot": "", "client_ip": "198.51.100.7",
    }  # fmt: skip
    fields.update(overrides)
    return Submission(**fields)


def test_an_accepted_submission_is_one_pending_flagged_row(published_post):
    result = submit_comment(sent(published_post))
    assert result.outcome is Outcome.ACCEPTED
    stored = Comment.objects.get()
    assert stored == result.comment
    assert stored.status == Comment.Status.PENDING
    assert stored.flags == ["First-time commenter"]
    assert "198.51.100.7" not in str(stored.__dict__)


def test_the_same_form_twice_is_received_once(published_post):
    submission = sent(published_post)
    first, second = submit_comment(submission), submit_comment(submission)
    assert (first.outcome, second.outcome) == (Outcome.ACCEPTED, Outcome.ALREADY_RECEIVED)
    assert second.comment is None
    assert Comment.objects.count() == 1


def twin_lands_between_read_and_write(monkeypatch):
    """The other click of a double click commits after this one read the store."""
    read = submission_module.post_with_sender_history

    def read_then_twin_commits(comment, post_id):
        found = read(comment, post_id)
        Comment.objects.create(
            post_id=post_id, author_name=comment.author_name, email=comment.email,
            body=comment.body, ip_hash=comment.ip_hash, submission_key=comment.submission_key,
        )  # fmt: skip
        return found

    monkeypatch.setattr(submission_module, "post_with_sender_history", read_then_twin_commits)


def test_a_twin_that_commits_first_leaves_one_row_inside_a_transaction(monkeypatch, published_post):
    # The test's own transaction stands for a caller's: it must stay usable.
    twin_lands_between_read_and_write(monkeypatch)
    result = submit_comment(sent(published_post))
    assert result.outcome is Outcome.ALREADY_RECEIVED
    assert Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_twin_that_commits_first_leaves_one_row_in_autocommit(monkeypatch, published_post):
    twin_lands_between_read_and_write(monkeypatch)
    result = submit_comment(sent(published_post))
    assert result.outcome is Outcome.ALREADY_RECEIVED
    assert Comment.objects.count() == 1


def test_a_sender_over_the_limit_is_refused_and_nothing_is_stored(settings, published_post):
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL = 2
    outcomes = [submit_comment(sent(published_post, body=f"Note {n}")).outcome for n in range(3)]
    assert outcomes == [Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.RATE_LIMITED]
    assert Comment.objects.count() == 2


def test_a_draft_closed_or_missing_post_takes_nothing(published_post, draft_post):
    assert submit_comment(sent(draft_post)).outcome is Outcome.NO_SUCH_POST
    published_post.comments_open = False
    published_post.save()
    assert submit_comment(sent(published_post)).outcome is Outcome.CLOSED
    assert Comment.objects.count() == 0


def test_a_reply_needs_a_shown_top_comment(published_post, moderator):
    pending = submit_comment(sent(published_post, email="top@example.org")).comment
    reply = sent(published_post, body="Replying.", in_reply_to_id=pending.pk)
    assert submit_comment(reply).outcome is Outcome.REPLY_TARGET_GONE
    pending.approve(by=moderator)
    accepted = submit_comment(reply)
    assert accepted.outcome is Outcome.ACCEPTED and accepted.comment.parent == pending


def test_an_expired_form_is_refused_until_sent_again(settings, published_post):
    settings.MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS = 1
    result = submit_comment(sent(published_post, started=form_token(seconds_ago=2 * 3600)))
    assert result.outcome is Outcome.FORM_EXPIRED
    assert Comment.objects.count() == 0


def test_only_recent_comments_count_against_the_limit(settings, published_post):
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL = 1
    submit_comment(sent(published_post, body="Long ago."))
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Comment.objects.update(created_at=an_hour_ago)
    assert submit_comment(sent(published_post, body="Today.")).outcome is Outcome.ACCEPTED


def test_the_comment_models_do_not_know_about_mail():
    """Mail hangs off the models' signals; the models module imports no notifications."""
    import ast
    import inspect

    from masthead.discussion import models

    tree = ast.parse(inspect.getsource(models))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any("notifications" in (name or "") for name in imported)
