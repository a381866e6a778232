"""A reply page, a reply form and a new reply exist only under a shown top comment."""

import pytest

from masthead.discussion.models import Comment

from .conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_thread(client, published_post, moderator):
    """An approved comment with an approved reply under it."""
    submit(client, published_post, author_name="Tomasz Top", body="The top comment's words.")
    top = Comment.objects.get()
    top.approve(by=moderator)
    submit(
        client, published_post, author_name="Rita Reply", email="rita@example.org",
        body="A reply underneath.", parent=top.pk,
    )  # fmt: skip
    reply = Comment.objects.get(parent=top)
    reply.approve(by=moderator)
    return top, reply


def reply_url(post, comment):
    return f"/comments/{post.pk}/reply/{comment.pk}/"


def test_the_reply_page_of_an_approved_reply_answers_that_reply(
    client, published_post, approved_thread
):
    top, reply = approved_thread
    page = client.get(reply_url(published_post, reply))
    assert page.status_code == 200
    assert "Replying to <a" in page.content.decode()
    assert f'#comment-{reply.pk}">Rita Reply</a>' in page.content.decode()


@pytest.mark.parametrize("takedown", ["reject", "mark_spam", "erase"])
def test_no_reply_page_shows_a_top_comment_that_was_taken_down(
    client, published_post, approved_thread, moderator, takedown
):
    top, reply = approved_thread
    getattr(top, takedown)(by=moderator)
    page = client.get(reply_url(published_post, reply))
    assert page.status_code == 404
    assert "Tomasz Top" not in page.content.decode()
    assert "top comment" not in page.content.decode()


def test_a_reply_sent_under_a_rejected_top_comment_is_not_filed_and_its_text_is_kept(
    client, published_post, approved_thread, moderator
):
    top, reply = approved_thread
    top.reject("Off topic", by=moderator)
    response = submit(
        client, published_post, email="late@example.org", body="Late reply text.", parent=reply.pk
    )
    assert response.status_code == 409
    assert "Late reply text." in response.content.decode()
    assert "Tomasz Top" not in response.content.decode()
    assert not Comment.objects.filter(body="Late reply text.").exists()
    assert Comment.objects.filter(parent=top).count() == 1


def test_a_reply_sent_under_a_shown_reply_joins_its_top_comment(
    client, published_post, approved_thread
):
    top, reply = approved_thread
    response = submit(
        client, published_post, email="next@example.org", body="Second reply.", parent=reply.pk
    )
    assert response.status_code == 302
    second = Comment.objects.get(body="Second reply.")
    assert second.parent == top
    assert second.in_reply_to == reply
