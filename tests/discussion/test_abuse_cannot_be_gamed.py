"""The anti-abuse layers hold against someone who probes them: counts, tokens, replays."""

import re

import pytest
from django.test import Client

from masthead.discussion.models import Comment

from .conftest import form_token, submit

pytestmark = pytest.mark.django_db


def test_refused_submissions_cannot_push_another_senders_count_out(settings, published_post):
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_IP = 3
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL = 100
    victim_of_the_limit = Client(REMOTE_ADDR="192.0.2.20")
    for number in range(3):
        submit(victim_of_the_limit, published_post, body=f"Sender B, {number}",
               email=f"b{number}@example.org")  # fmt: skip
    flooder = Client(REMOTE_ADDR="192.0.2.66")
    statuses = {
        submit(flooder, published_post, body=f"Flood {n}", email=f"f{n}@example.org").status_code
        for n in range(400)
    }
    assert statuses == {302, 429}
    assert Comment.objects.filter(ip_hash=Comment.objects.latest("pk").ip_hash).count() == 3
    response = submit(victim_of_the_limit, published_post, body="Sender B, once more",
                      email="b9@example.org")  # fmt: skip
    assert response.status_code == 429


def test_each_rendered_form_carries_its_own_timestamp_value(client, published_post, settings):
    # Rendered each time: readers of a stored page share its form for a few minutes at most
    # (MASTHEAD_PAGE_CACHE_SECONDS; see tests/pagecache).
    settings.MASTHEAD_PAGE_CACHE = False

    def token_on_page():
        html = client.get(published_post.get_absolute_url()).content.decode()
        return re.search(r'name="started" value="([^"]+)"', html).group(1)

    assert len({token_on_page() for _ in range(5)}) == 5


def test_replaying_someone_elses_comment_never_reveals_their_private_link(published_post):
    victim, attacker = Client(), Client()  # same address, as behind one network
    token = form_token()
    victim_answer = submit(victim, published_post, started=token)
    status_token = Comment.objects.get().status_token
    replay = submit(attacker, published_post, started=token)
    assert status_token in victim_answer["Location"]
    assert replay.status_code == 200
    assert status_token not in replay.content.decode()
    assert status_token not in replay.get("Location", "")
    assert Comment.objects.count() == 1


def test_guessing_at_a_resent_form_is_stopped_by_the_rate_limit(settings, published_post):
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_IP = 2
    sender = Client()
    submit(sender, published_post, body="First.")
    submit(sender, published_post, body="Second.")
    guesses = [submit(sender, published_post, started=form_token(), body="First.")
               for _ in range(5)]  # fmt: skip
    assert {guess.status_code for guess in guesses} == {429}
    assert Comment.objects.count() == 2


def test_a_form_older_than_its_maximum_age_is_sent_back_with_the_text_kept(
    settings, client, published_post
):
    settings.MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS = 24
    old = form_token(seconds_ago=25 * 3600)
    response = submit(client, published_post, started=old, body="Written over a long lunch.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "more than 24 hours ago" in page
    assert "Written over a long lunch." in page
    fresh = re.search(r'name="started" value="([^"]+)"', page).group(1)
    assert fresh != old
    assert Comment.objects.count() == 0
    again = submit(client, published_post, started=fresh, body="Written over a long lunch.")
    assert again.status_code == 302
    assert Comment.objects.count() == 1
