"""A small site for the page cache: one public post with an approved comment, and the people."""

import datetime

import pytest
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.discussion.roles import ensure_moderators_group


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    """Background work (references re-formatted after an author is renamed) runs at once,
    and the shared content version lives in this test's own data folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 0
    settings.DATA_DIR = tmp_path


def add_comment(post, body, *, status=Comment.Status.PENDING, name="Rosa Delgado"):
    comment = Comment(post=post, author_name=name, email="rosa@example.org", status="pending")
    comment.set_text(body)
    comment.save()
    if status == Comment.Status.APPROVED:
        comment.approve()
    return comment


@pytest.fixture
def moderator(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        "mod", "mod@harbour.example.org", "moderating is care", is_staff=True
    )
    user.groups.add(ensure_moderators_group())
    return user


@pytest.fixture
def site(published_post, draft_post, topic, ada, ben):
    """The published post (three days old, with one approved comment) and a draft."""
    approved = add_comment(
        published_post, "Pumped hydro deserves a mention.", status=Comment.Status.APPROVED
    )
    published_post.refresh_from_db()
    return {"post": published_post, "draft": draft_post, "approved": approved}


def days_ago(days: float):
    return timezone.now() - datetime.timedelta(days=days)
