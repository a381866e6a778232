"""Export and erasure of one commenter, retention, and closed discussions."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.discussion.models import Comment, ModerationDecision

from .conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa_thread(client, published_post, moderator):
    submit(client, published_post, body="Rosa's first point.", email="rosa@example.org")
    submit(client, published_post, body="Rosa's second point.", email="rosa@example.org")
    rosa_first = Comment.objects.get(body="Rosa's first point.")
    rosa_first.approve(by=moderator)
    submit(
        client, published_post, body="Replying to Rosa.", email="sam@example.org",
        author_name="Sam", parent=rosa_first.pk,
    )  # fmt: skip
    Comment.objects.get(body="Replying to Rosa.").approve(by=moderator)
    return rosa_first


def test_a_moderator_exports_everything_about_one_commenter(moderator_client, rosa_thread):
    response = moderator_client.post(
        "/moderation/commenter/", {"email": "ROSA@example.org", "action": "export"}
    )
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert sorted(c["comment"] for c in document["comments"]) == [
        "Rosa's first point.",
        "Rosa's second point.",
    ]
    assert "Replying to Rosa." not in response.content.decode()
    assert ModerationDecision.objects.filter(action="export").count() == 1


def test_erasing_a_commenter_leaves_placeholders_so_the_thread_still_reads(
    client, moderator_client, rosa_thread, published_post
):
    response = moderator_client.post(
        "/moderation/commenter/", {"email": "rosa@example.org", "action": "erase"}, follow=True
    )
    assert "Erased 2 comments" in response.content.decode()
    assert not Comment.objects.filter(email="rosa@example.org").exists()
    assert not Comment.objects.filter(body__contains="Rosa's").exists()
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Rosa's first point." not in page and "Rosa Delgado" not in page
    assert "Comment removed." in page
    assert "Replying to Rosa." in page
    assert '<h2 id="comments-heading">1 Comment</h2>' in page
    assert ModerationDecision.objects.filter(action="erase").count() == 2


def test_an_erased_commenters_private_link_shows_nothing_of_them(client, rosa_thread):
    rosa_thread.erase()
    page = client.get(rosa_thread.get_status_url()).content.decode()
    assert "This comment was removed" in page and "Rosa" not in page


def test_rejected_and_spam_comments_are_kept_unless_a_retention_period_is_set(
    client, published_post, moderator, settings
):
    submit(client, published_post, body="Old rejected text.")
    comment = Comment.objects.get()
    comment.reject("Off topic", by=moderator)
    Comment.objects.filter(pk=comment.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=400)
    )
    call_command("apply_comment_retention")
    assert Comment.objects.get().body == "Old rejected text."

    settings.MASTHEAD_COMMENT_RETENTION_DAYS = 365
    call_command("apply_comment_retention")
    comment = Comment.objects.get()
    assert comment.body == "" and comment.email == "" and comment.is_erased
    assert comment.status == Comment.Status.REJECTED  # the decision itself stays on record


def test_retention_never_touches_published_or_pending_comments(
    client, published_post, moderator, settings
):
    settings.MASTHEAD_COMMENT_RETENTION_DAYS = 1
    submit(client, published_post, body="Published long ago.")
    submit(client, published_post, body="Still pending.")
    Comment.objects.get(body="Published long ago.").approve(by=moderator)
    Comment.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=30),
        decided_at=timezone.now() - datetime.timedelta(days=30),
    )
    call_command("apply_comment_retention")
    assert set(Comment.objects.values_list("body", flat=True)) == {
        "Published long ago.",
        "Still pending.",
    }


def test_a_post_with_comments_closed_shows_no_form_and_refuses_posts(client, published_post):
    published_post.comments_open = False
    published_post.save()
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Comments are closed." in page and "Post a Comment" not in page
    response = submit(client, published_post)
    assert response.status_code == 403
    assert "no longer takes comments" in response.content.decode()
    assert Comment.objects.count() == 0


def test_comments_close_by_themselves_after_the_configured_days(client, published_post, settings):
    # The published_post fixture went out three days ago.
    settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = 4
    assert "Post a Comment" in client.get(published_post.get_absolute_url()).content.decode()
    settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = 2
    assert "Comments are closed." in client.get(published_post.get_absolute_url()).content.decode()
    assert submit(client, published_post).status_code == 403


def test_closing_keeps_the_published_comments_on_show(client, published_post, moderator):
    submit(client, published_post, body="Said before closing.")
    Comment.objects.get().approve(by=moderator)
    published_post.comments_open = False
    published_post.save()
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Said before closing." in page and "1 Comment" in page
