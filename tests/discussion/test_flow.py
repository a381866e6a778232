"""The whole path of a comment, as a reader and a moderator see it through HTTP."""

import re

import pytest

from masthead.discussion.models import Comment, ModerationDecision, Thread

from .conftest import submit

pytestmark = pytest.mark.django_db


def comments_heading(html: str) -> str:
    return re.search(r'<h2 id="comments-heading">([^<]*)</h2>', html).group(1)


def test_the_post_page_offers_the_form_with_guidelines_and_the_moderation_promise(
    client, published_post
):
    html = client.get(published_post.get_absolute_url()).content.decode()
    assert "Post a Comment" in html
    assert "Be civil. Stay on topic." in html
    assert "read by a moderator before it appears" in html
    for label in ("Name", "Email", "Comment"):
        assert re.search(rf">{label} <span class=\"required\" aria-hidden=\"true\">\*</span>", html)
    assert "Email me when it is published" in html
    assert comments_heading(html) == "0 Comments"


def test_the_post_page_carries_no_per_reader_token_so_it_can_be_cached(client, published_post):
    first = client.get(published_post.get_absolute_url())
    html = first.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in first.cookies


def test_a_comment_is_pending_invisible_then_visible_once_approved(
    client, published_post, moderator
):
    response = submit(client, published_post, body="Grid queues are the real story here.")
    assert response.status_code == 303 or response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    status_page = client.get(response["Location"])
    assert "Your comment awaits moderation" in status_page.content.decode()
    assert "Grid queues are the real story here." in status_page.content.decode()

    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Grid queues are the real story here." not in page
    assert comments_heading(page) == "0 Comments"

    assert comment.approve(by=moderator) is True
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert page.count("Grid queues are the real story here.") == 1
    assert 'Posted by <span class="comment__author">Rosa Delgado</span>' in page
    assert comments_heading(page) == "1 Comment"
    assert Thread.objects.get(post=published_post).approved_count == 1


def test_the_status_page_gives_an_unguessable_private_link_that_is_not_cached(
    client, published_post
):
    response = submit(client, published_post)
    comment = Comment.objects.get()
    assert len(comment.status_token) >= 40
    assert comment.status_token in response["Location"]
    page = client.get(response["Location"])
    assert comment.status_token in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"  # the link never leaves in a Referer
    assert client.get("/comments/status/not-a-real-token/").status_code == 404


def test_submitting_the_same_form_twice_creates_one_comment_and_gives_its_link_once(
    client, published_post
):
    from .conftest import form_token

    token = form_token()
    first = submit(client, published_post, started=token)
    second = submit(client, published_post, started=token)
    assert Comment.objects.count() == 1
    assert first.status_code == 302
    assert second.status_code == 200
    assert "We already have this comment" in second.content.decode()
    assert Comment.objects.get().status_token not in second.content.decode()


def test_two_different_comments_from_one_person_are_both_kept(client, published_post):
    submit(client, published_post, body="First thought.")
    submit(client, published_post, body="Second thought.")
    assert Comment.objects.count() == 2


def test_the_commenter_can_edit_a_pending_comment_through_the_private_link(client, published_post):
    location = submit(client, published_post, body="Original text.")["Location"]
    client.get(location)  # sets the CSRF cookie this private page uses
    response = client.post(
        location, {"action": "edit", "body": "Corrected text."}, HTTP_ORIGIN="http://testserver"
    )
    assert "Your changes are saved" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.body == "Corrected text."
    assert comment.status == Comment.Status.PENDING


def test_a_refused_change_is_read_out_with_the_comment_box(client, published_post):
    location = submit(client, published_post, body="Original text.")["Location"]
    client.get(location)
    html = client.post(
        location, {"action": "edit", "body": "   "}, HTTP_ORIGIN="http://testserver"
    ).content.decode()
    box = re.search(r"<textarea [^>]*>", html).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', box).group(1)
    error = re.search(rf'<p class="field__error" id="{described_by}">([^<]*)</p>', html)
    assert error and error.group(1) == "Please write your comment."
    assert Comment.objects.get().body == "Original text."


def test_the_commenter_can_withdraw_a_pending_comment_but_not_a_published_one(
    client, published_post, moderator
):
    location = submit(client, published_post)["Location"]
    response = client.post(location, {"action": "withdraw"})
    assert "withdrawn" in response.content.decode()
    assert Comment.objects.get().status == Comment.Status.WITHDRAWN

    other = submit(client, published_post, body="Another one.")["Location"]
    Comment.objects.get(status="pending").approve(by=moderator)
    response = client.post(other, {"action": "withdraw"})
    assert "cannot be withdrawn" in response.content.decode()
    assert Comment.objects.get(body="Another one.").status == Comment.Status.APPROVED


def test_rejecting_a_published_comment_takes_it_down_and_lowers_the_count(
    client, published_post, moderator
):
    submit(client, published_post, body="Seemed fine at first.")
    comment = Comment.objects.get()
    comment.approve(by=moderator)
    assert "Seemed fine at first." in client.get(published_post.get_absolute_url()).content.decode()
    comment.reject("Personal attack or abuse", by=moderator)
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Seemed fine at first." not in page
    assert comments_heading(page) == "0 Comments"


def test_replies_show_one_level_deep_under_their_comment(client, published_post, moderator):
    submit(client, published_post, body="A root comment.")
    root = Comment.objects.get()
    root.approve(by=moderator)
    reply_page = client.get(f"/comments/{published_post.pk}/reply/{root.pk}/")
    assert reply_page.status_code == 200
    submit(client, published_post, body="A reply.", parent=root.pk, email="b@example.org")
    reply = Comment.objects.get(body="A reply.")
    assert reply.parent == root
    reply.approve(by=moderator)
    # A reply to the reply hangs under the root too.
    submit(client, published_post, body="Reply to reply.", parent=reply.pk, email="c@example.org")
    assert Comment.objects.get(body="Reply to reply.").parent == root

    page = client.get(published_post.get_absolute_url()).content.decode()
    replies = page[page.index('class="comment-replies"') :]
    assert "A reply." in replies
    assert page.index("A root comment.") < page.index("A reply.")


def test_comments_are_shown_oldest_first_and_paginated_beyond_fifty(
    client, published_post, moderator
):
    for number in range(55):
        comment = Comment(
            post=published_post, author_name=f"Reader {number}", email=f"r{number}@example.org"
        )
        comment.set_text(f"Comment number {number:02d}.")
        comment.save()
        comment.approve(by=moderator)
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert comments_heading(page) == "55 Comments"
    assert page.index("Comment number 00.") < page.index("Comment number 01.")
    assert "Comment number 49." in page
    assert "Comment number 50." not in page
    second = client.get(published_post.get_absolute_url() + "?comments=2").content.decode()
    assert "Comment number 50." in second and "Comment number 54." in second
    assert "Comment number 00." not in second


def test_every_decision_is_written_to_the_audit_log(published_post, moderator):
    comment = Comment(post=published_post, author_name="A", email="a@example.org")
    comment.set_text("Text.")
    comment.save()
    comment.reject("Off topic", by=moderator)
    comment.approve(by=moderator)
    comment.mark_spam(by=moderator)
    entries = list(ModerationDecision.objects.order_by("pk"))
    assert [(e.action, e.moderator_name, e.reason) for e in entries] == [
        ("reject", "mod", "Off topic"),
        ("approve", "mod", ""),
        ("spam", "mod", ""),
    ]
    assert all(e.created_at for e in entries)


def test_the_audit_log_cannot_be_changed_or_deleted(published_post, moderator):
    comment = Comment(post=published_post, author_name="A", email="a@example.org")
    comment.set_text("Text.")
    comment.save()
    comment.approve(by=moderator)
    entry = ModerationDecision.objects.get()
    entry.reason = "rewritten history"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        ModerationDecision.objects.all().delete()
    with pytest.raises(TypeError):
        ModerationDecision.objects.update(reason="x")
    assert ModerationDecision.objects.get().reason == ""


def test_taking_down_a_comment_hides_its_replies_from_the_page_and_the_count(
    client, published_post, moderator
):
    submit(client, published_post, body="A root that will go.")
    root = Comment.objects.get()
    root.approve(by=moderator)
    submit(client, published_post, body="An innocent reply.", parent=root.pk, email="b@example.org")
    Comment.objects.get(body="An innocent reply.").approve(by=moderator)
    assert comments_heading(client.get(published_post.get_absolute_url()).content.decode()) == (
        "2 Comments"
    )
    root.reject("Off topic", by=moderator)
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "An innocent reply." not in page
    assert comments_heading(page) == "0 Comments"
