"""What a commenter sees when the form is not right: clear messages, nothing lost, no 500."""

import pytest

from masthead.discussion.models import Comment

from .conftest import submit

pytestmark = pytest.mark.django_db


def test_missing_fields_are_named_next_to_each_field_and_nothing_is_saved(client, published_post):
    response = submit(client, published_post, author_name="", email="", body="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please give a name to post under." in html
    assert "Please give your email address; it is never shown." in html
    assert "Please write your comment." in html
    assert Comment.objects.count() == 0


def test_a_bad_email_is_explained_and_the_typed_comment_is_kept(client, published_post):
    response = submit(client, published_post, email="rosa-at-example", body="Keep my words.")
    html = response.content.decode()
    assert response.status_code == 400
    assert "does not look like an email address" in html
    assert "Keep my words." in html


def test_a_name_over_eighty_characters_is_refused_with_its_length(client, published_post):
    response = submit(client, published_post, author_name="N" * 81)
    assert response.status_code == 400
    assert "at most 80 characters (this one has 81)" in response.content.decode()


def test_a_comment_over_five_thousand_characters_is_refused(client, published_post):
    response = submit(client, published_post, body="word " * 1001)
    assert response.status_code == 400
    assert "at most 5,000 characters" in response.content.decode()


def test_a_comment_of_exactly_five_thousand_characters_is_accepted(client, published_post):
    submit(client, published_post, body="x" * 5000)
    assert len(Comment.objects.get().body) == 5000


def test_text_is_normalised_and_control_characters_are_removed(client, published_post):
    decomposed = "Cafe\u0301"  # "Café" typed as e + combining accent
    submit(
        client,
        published_post,
        author_name="  Jo\u0000sé \u202eReversed  ",
        body=f"{decomposed} talk\u0007 here\r\nnext line\u2066isolate\u2069",
    )
    comment = Comment.objects.get()
    assert comment.author_name == "José Reversed"
    assert comment.body == "Caf\u00e9 talk here\nnext lineisolate"


def test_a_name_made_only_of_control_characters_counts_as_empty(client, published_post):
    response = submit(client, published_post, author_name="\u200b\u202e\u0000")
    assert response.status_code == 400
    assert "Please give a name to post under." in response.content.decode()


def test_a_comment_on_a_draft_post_is_not_found(client, draft_post):
    assert submit(client, draft_post).status_code == 404
    assert Comment.objects.count() == 0


def test_getting_the_submit_address_answers_method_not_allowed(client, published_post):
    assert client.get(f"/comments/{published_post.pk}/").status_code == 405


def test_a_reply_with_a_mistake_stays_a_reply_on_the_error_page(client, published_post):
    root = Comment(post=published_post, author_name="Ada", email="ada@example.org")
    root.set_text("The first word.")
    root.save()
    root.approve()
    response = submit(client, published_post, in_reply_to=root.pk, body="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your reply to Ada" in html
    assert f'name="in_reply_to" value="{root.pk}"' in html


def test_a_tampered_reply_field_is_refused_and_the_text_kept(client, published_post):
    response = submit(client, published_post, in_reply_to="<script>", body="Kept words.")
    assert response.status_code == 400
    assert "cannot be answered" in response.content.decode()
    assert "Kept words." in response.content.decode()
    # Sent again, the form is a comment on the post: it no longer names a comment.
    assert 'name="in_reply_to" value="' not in response.content.decode()
    assert not Comment.objects.exists()


def test_a_reply_to_a_comment_that_is_not_published_is_sent_back_with_its_text_kept(
    client, published_post
):
    hidden = Comment(post=published_post, author_name="P", email="p@example.org")
    hidden.set_text("Still pending, and private.")
    hidden.save()
    response = submit(client, published_post, parent=hidden.pk, body="Trying to reply.")
    assert response.status_code == 409
    page = response.content.decode()
    assert "cannot be answered" in page and "Trying to reply." in page
    assert "Still pending, and private." not in page
    assert not Comment.objects.filter(body="Trying to reply.").exists()
