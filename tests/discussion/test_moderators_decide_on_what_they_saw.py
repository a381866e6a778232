"""A moderator's decision is on the text the queue showed them; an edit is seen afresh."""

import re

import pytest

from masthead.discussion.models import Comment, ModerationRules

from .conftest import submit

pytestmark = pytest.mark.django_db


def queue_form_fields(moderator_client, comment) -> dict:
    """The approve form of one comment, read from the queue as the moderator's browser has it."""
    html = moderator_client.get("/moderation/").content.decode()
    form = re.search(
        rf'<form method="post" action="/moderation/{comment.pk}/decide/">(.*?)</form>',
        html,
        re.S,
    ).group(1)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def edit_through_status_link(client, location, body):
    client.get(location)
    return client.post(location, {"action": "edit", "body": body}, HTTP_ORIGIN="http://testserver")


def test_approving_text_that_was_edited_after_the_queue_showed_it_publishes_nothing(
    client, reader_client, moderator_client, published_post
):
    location = submit(reader_client, published_post, body="Harmless first version.")["Location"]
    comment = Comment.objects.get()
    approve = queue_form_fields(moderator_client, comment)  # the moderator reads version 1
    assert approve["action"] == "approve"
    edit_through_status_link(reader_client, location, "Swapped text nobody read.")

    response = moderator_client.post(f"/moderation/{comment.pk}/decide/", approve, follow=True)
    assert "edited their comment after this page showed it" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert (
        "Swapped text nobody read."
        not in client.get(published_post.get_absolute_url()).content.decode()
    )

    queue = moderator_client.get("/moderation/").content.decode()
    assert "edited after submission" in queue and "Swapped text nobody read." in queue
    again = queue_form_fields(moderator_client, comment)  # version 2, now read
    moderator_client.post(f"/moderation/{comment.pk}/decide/", again)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert (
        "Swapped text nobody read."
        in client.get(published_post.get_absolute_url()).content.decode()
    )


def test_a_bulk_decision_leaves_out_comments_edited_since_the_queue_showed_them(
    moderator_client, reader_client, published_post
):
    first = submit(reader_client, published_post, body="One.", email="a@example.org")["Location"]
    submit(reader_client, published_post, body="Two.", email="b@example.org")
    edited, untouched = Comment.objects.order_by("pk")
    html = moderator_client.get("/moderation/").content.decode()
    ticked = re.findall(r'name="comments" value="([^"]+)"', html)
    edit_through_status_link(reader_client, first, "One, changed after the queue loaded.")
    response = moderator_client.post(
        "/moderation/bulk/", {"action": "approve", "comments": ticked}, follow=True
    )
    assert "1 comments approved." in response.content.decode()
    assert "were edited after this page showed them" in response.content.decode()
    edited.refresh_from_db()
    untouched.refresh_from_db()
    assert (edited.status, untouched.status) == ("pending", "approved")


def test_a_decision_without_the_revision_shown_is_refused(
    moderator_client, reader_client, published_post
):
    submit(reader_client, published_post)
    comment = Comment.objects.get()
    moderator_client.post(f"/moderation/{comment.pk}/decide/", {"action": "approve"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_an_edit_recomputes_the_flags_and_says_it_was_edited(reader_client, published_post):
    ModerationRules.objects.create(max_links=2, listed_words="lottery")
    location = submit(reader_client, published_post, body="A plain, on-topic remark.")["Location"]
    assert Comment.objects.get().flags == ["First-time commenter"]
    links = " ".join(f"https://win{n}.example/prize" for n in range(4))
    edit_through_status_link(reader_client, location, f"Claim your lottery prize: {links}")
    flags = Comment.objects.get().flags
    assert "First-time commenter" in flags  # how it arrived has not changed
    assert "4 links (more than 2)" in flags
    assert "Listed word: lottery" in flags
    assert "Edited after submission" in flags


def test_an_edit_back_to_harmless_text_drops_the_old_text_flags(reader_client, published_post):
    ModerationRules.objects.create(max_links=0, listed_words="lottery")
    location = submit(reader_client, published_post, body="lottery https://x.example")["Location"]
    assert any(flag.startswith("Listed word") for flag in Comment.objects.get().flags)
    edit_through_status_link(reader_client, location, "Sorry, here is what I meant to say.")
    flags = Comment.objects.get().flags
    assert not any(flag.startswith("Listed word") or "links" in flag for flag in flags)
    assert "Edited after submission" in flags
