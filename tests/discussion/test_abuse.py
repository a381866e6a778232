"""Each anti-abuse layer: what it stops (cross-site posts, floods) and what it only flags."""

import pytest

from masthead.client_limits import hash_ip
from masthead.discussion.models import Comment, ModerationRules

from .conftest import form_token, submit

pytestmark = pytest.mark.django_db


def flags_of_last_comment() -> list[str]:
    return Comment.objects.latest("pk").flags


def test_a_post_from_another_site_is_refused_with_an_explanation(client, published_post):
    response = submit(client, published_post, origin="https://evil.example")
    assert response.status_code == 403
    assert "not sent from our site" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_post_without_origin_or_referer_is_refused(client, published_post):
    response = submit(client, published_post, origin=None)
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_a_post_whose_referer_is_our_page_is_accepted(client, published_post):
    referer = "http://testserver" + published_post.get_absolute_url()
    response = client.post(
        f"/comments/{published_post.pk}/",
        {"author_name": "A", "email": "a@example.org", "body": "Hi.", "started": form_token()},
        HTTP_REFERER=referer,
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_a_filled_honeypot_flags_but_keeps_the_comment(client, published_post):
    submit(client, published_post, website="http://buy.example")
    assert "Filled in the hidden field that only robots see" in flags_of_last_comment()
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_form_sent_too_fast_is_flagged(client, published_post):
    submit(client, published_post, started=form_token(seconds_ago=0))
    assert any(flag.endswith("s after the form was shown") for flag in flags_of_last_comment())


def test_a_forged_or_missing_timestamp_is_flagged(client, published_post):
    submit(client, published_post, started="12345:forged")
    assert "Form timestamp missing or not ours" in flags_of_last_comment()


def test_a_first_time_commenter_is_flagged_and_a_known_one_is_not(client, published_post):
    submit(client, published_post, body="First ever.")
    assert "First-time commenter" in flags_of_last_comment()
    Comment.objects.get().approve()
    submit(client, published_post, body="Back again.")
    assert "First-time commenter" not in flags_of_last_comment()


def test_links_beyond_the_moderators_limit_are_flagged(client, published_post):
    ModerationRules.objects.create(max_links=1)
    submit(client, published_post, body="See https://a.example and www.b.example")
    assert "2 links (more than 1)" in flags_of_last_comment()


def test_a_listed_word_is_flagged_whatever_its_case(client, published_post):
    ModerationRules.objects.create(listed_words="casino\ncheap pills")
    submit(client, published_post, body="Visit my CASINO today")
    assert "Listed word: casino" in flags_of_last_comment()


def test_an_exact_duplicate_of_an_earlier_comment_is_flagged(client, published_post):
    submit(client, published_post, body="Same words.", email="one@example.org")
    submit(client, published_post, body="same   WORDS.", email="two@example.org")
    assert "Duplicate of an earlier comment" in flags_of_last_comment()


def test_many_comments_from_one_address_are_flagged_then_refused_with_429(
    client, published_post, settings
):
    settings.MASTHEAD_COMMENT_RATE_FLAG_AFTER = 1
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_IP = 3
    for number in range(3):
        submit(client, published_post, body=f"Comment {number}", email=f"p{number}@example.org")
    assert any(flag.startswith("Rate: 3 comments") for flag in flags_of_last_comment())
    response = submit(client, published_post, body="One too many", email="p9@example.org")
    assert response.status_code == 429
    assert "wait a few minutes" in response.content.decode()
    assert "One too many" in response.content.decode()  # the text is handed back
    assert response["Retry-After"]
    assert Comment.objects.count() == 3


def test_one_email_from_several_addresses_is_limited_too(published_post, settings):
    from django.test import Client

    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL = 2
    for number in range(2):
        submit(Client(REMOTE_ADDR=f"10.0.0.{number}"), published_post, body=f"Try {number}")
    response = submit(Client(REMOTE_ADDR="10.0.0.9"), published_post, body="Try 9")
    assert response.status_code == 429


def test_only_a_salted_hash_of_the_ip_is_stored(client, published_post):
    submit(client, published_post)
    comment = Comment.objects.get()
    assert "127.0.0.1" not in str(comment.__dict__)
    assert comment.ip_hash == hash_ip("127.0.0.1")
    assert len(comment.ip_hash) == 64


def test_nothing_flagged_is_ever_discarded(client, published_post):
    ModerationRules.objects.create(max_links=0, listed_words="spam")
    submit(
        client, published_post, body="spam https://x.example", website="bot",
        started=form_token(seconds_ago=0),
    )  # fmt: skip
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert len(comment.flags) >= 4


def test_each_time_a_post_page_is_made_its_form_carries_a_freshly_signed_timestamp(
    client, published_post, settings
):
    # Made each time: readers of a stored page share its form for a few minutes at most
    # (MASTHEAD_PAGE_CACHE_SECONDS; see tests/pagecache).
    settings.MASTHEAD_PAGE_CACHE = False
    import re
    import time

    from masthead.discussion.abuse import seconds_since_form_rendered

    def token_on_page():
        html = client.get(published_post.get_absolute_url()).content.decode()
        return re.search(r'name="started" value="([^"]+)"', html).group(1)

    first = token_on_page()  # renders and caches the blank form
    time.sleep(1.1)
    second = token_on_page()  # served from the cached form
    assert first != second
    assert 0 <= seconds_since_form_rendered(second) < 2
