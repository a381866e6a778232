"""Work an anonymous reader can make the site do is bounded.

A style asked for on the cite page is formatted by the background worker;
one reader, and all readers together, may only queue so many of them, and
they never hold up a commenter's mail. The PDF is laid out once per
revision whatever address it is asked at, and a mistyped style is answered
with suggestions cheaply.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult

from masthead.citations.formatting import format_post_by_id
from masthead.citations.models import FormattedCitation, PrintedPost
from masthead.discussion.models import Comment
from masthead.discussion.notifications import notify_commenter_published
from tests.citations.test_pdf import pdf_text

CITE = "/energy/batteries-alone/cite/"
READER = "203.0.113.5"
OTHER_READER = "198.51.100.7"
# Styles nobody has asked for yet (the four core ones are formatted when a post is saved).
NEW_STYLES = ["nature", "ieee", "vancouver-ama", "harvard-cite-them-right", "elsevier-harvard"]


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def ask(client, style, ip=READER):
    return client.get(CITE, {"style": style}, REMOTE_ADDR=ip)


def queued_jobs() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="format_post_citations").count()


# --- the PDF -------------------------------------------------------------------------------
def test_a_pdf_asked_for_through_two_host_ports_is_laid_out_once(
    client, settings, site_url, formatted_post
):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    url = "/energy/batteries-alone.pdf"
    first = client.get(url, HTTP_HOST="127.0.0.1:8001")
    assert first.status_code == 200
    rendered_at = PrintedPost.objects.get(post=formatted_post).rendered_at

    second = client.get(url, HTTP_HOST="127.0.0.1:8002")
    assert second.status_code == 200
    assert PrintedPost.objects.get(post=formatted_post).rendered_at == rendered_at
    assert second.content == first.content
    # It prints the site's own address, not whichever host it was asked at.
    text = pdf_text(second.content)
    assert "https://harbour.example.org/energy/batteries-alone/" in text
    assert "127.0.0.1:800" not in text


# --- styles asked for on the cite page -------------------------------------------------------
def test_one_reader_asking_for_too_many_new_styles_is_told_to_wait_while_another_gets_through(
    client, settings, formatted_post, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT = 3
    with django_capture_on_commit_callbacks(execute=True):
        for style in NEW_STYLES[:3]:
            assert ask(client, style).status_code == 202

        refused = ask(client, NEW_STYLES[3])
        other = ask(client, NEW_STYLES[3], ip=OTHER_READER)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.MASTHEAD_STYLE_REQUEST_WINDOW_SECONDS
    assert refused["Cache-Control"] == "no-cache"
    page = refused.content.decode()
    assert "You have asked for 3 styles that were not ready yet" in page
    assert "Please ask for this one again in about" in page
    assert "The MLA, APA and Chicago references" in page
    assert 'href="/energy/batteries-alone/cite.ris"' in page  # still a useful page
    assert 'class="site-header"' in page  # in the site's own look

    assert other.status_code == 202
    assert queued_jobs() == 4  # three for the first reader, one for the other, none refused


def test_emptying_the_cache_does_not_give_a_reader_a_fresh_style_budget(
    client, settings, formatted_post
):
    """An evicted or restarted cache must not reset the count (it lives in the database)."""
    settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT = 2
    assert [ask(client, style).status_code for style in NEW_STYLES[:2]] == [202, 202]
    cache.clear()  # as an eviction under maxmemory, or a Redis restart, would
    assert ask(client, NEW_STYLES[2]).status_code == 429
    assert ask(client, NEW_STYLES[2], ip=OTHER_READER).status_code == 202


def test_addresses_in_one_ipv6_network_count_as_one_reader(
    client, settings, formatted_post, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "nature", ip="2001:db8:5:7::1").status_code == 202
        assert ask(client, "ieee", ip="2001:db8:5:7:abcd::99").status_code == 429
        assert ask(client, "ieee", ip="2001:db8:5:8::1").status_code == 202


def test_a_refused_reader_can_still_see_styles_that_are_already_waiting_or_ready(
    client, settings, formatted_post, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "nature").status_code == 202
        assert ask(client, "ieee").status_code == 429
        assert ask(client, "nature").status_code == 202  # waiting: asking again costs nothing
        assert ask(client, "apa").status_code == 200  # a core style is ready
    assert queued_jobs() == 1


def test_when_many_styles_wait_nobody_can_queue_more_until_the_worker_catches_up(
    client, settings, formatted_post, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_STYLE_QUEUE_LIMIT = 2
    readers = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "nature", ip=readers[0]).status_code == 202
        assert ask(client, "ieee", ip=readers[1]).status_code == 202
        busy = ask(client, "vancouver-ama", ip=readers[2])
    assert busy.status_code == 429
    assert int(busy["Retry-After"]) > 0
    assert "Many readers are asking for new citation styles right now" in busy.content.decode()
    assert queued_jobs() == 2

    format_post_by_id(formatted_post.pk, ["nature", "ieee"])  # what the worker's jobs do
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "vancouver-ama", ip=readers[2]).status_code == 202
    assert queued_jobs() == 3


def test_readers_asking_for_the_same_waiting_style_queue_one_job(
    client, settings, formatted_post, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "nature").status_code == 202
        assert ask(client, "nature", ip=OTHER_READER).status_code == 202
        assert ask(client, "nature").status_code == 202
        # The other reader was not charged for a style someone else had already asked for.
        assert ask(client, "ieee", ip=OTHER_READER).status_code == 202
    assert queued_jobs() == 2


def test_a_style_that_waited_too_long_is_queued_again_when_asked_for(
    client, formatted_post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "nature")
    # Its job was lost (a worker that crashed, a failed run): the style still waits.
    FormattedCitation.objects.filter(style_id="nature").update(
        requested_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "nature").status_code == 202
    assert queued_jobs() == 2


# --- unknown styles ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("chicago-author-dat", "chicago-author-date"),
        ("apa-6th-editoin", "apa-6th-edition"),
        ("nature-digets", "nature-digest"),
        ("harvard-cite-them-rigth", "harvard-cite-them-right"),
        ("american-medical-asociation", "american-medical-association"),
    ],
)
def test_a_mistyped_style_is_answered_with_the_style_it_was_meant_to_be_first(
    client, formatted_post, typed, meant
):
    response = ask(client, typed)
    assert response.status_code == 404
    page = response.content.decode()
    suggestions = page.split("Did you mean:", 1)[1].split("</ul>", 1)[0]
    first_link = suggestions.split('href="?style=', 1)[1].split('"', 1)[0]
    assert first_link == meant


def test_a_style_id_like_no_other_gets_no_suggestions_and_queues_nothing(
    client, formatted_post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for invented in ["zq" * 70, "qqqq-xxxx-zzzz", "9" * 150]:
            response = ask(client, invented)
            assert response.status_code == 404
            assert "Did you mean" not in response.content.decode()
    assert queued_jobs() == 0


def test_part_of_a_style_id_suggests_the_styles_that_contain_it(client, formatted_post):
    page = ask(client, "cite-them-right").content.decode()
    assert '<a href="?style=harvard-cite-them-right">' in page


# --- mails before styles -------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commenters_mail_is_sent_before_styles_queued_earlier(client, formatted_post, mailoutbox):
    for number, style in enumerate(NEW_STYLES[:3]):
        ask(client, style, ip=f"203.0.113.{number + 1}")
    comment = Comment.objects.create(
        post=formatted_post,
        author_name="Rosa Delgado",
        email="rosa@example.org",
        body="Transmission is the bottleneck.",
        body_html="<p>Transmission is the bottleneck.</p>",
        status=Comment.Status.APPROVED,
        notify_on_publish=True,
        decided_at=timezone.now(),
    )
    notify_commenter_published.enqueue(comment.pk)
    assert queued_jobs() == 3

    call_command(
        "db_worker", "--batch", "--max-tasks", "1", "--no-startup-delay", "--no-reload", verbosity=0
    )
    assert [mail.to for mail in mailoutbox] == [["rosa@example.org"]]
    assert FormattedCitation.objects.waiting(since=timezone.now() - timedelta(hours=1)).count() == 3

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert FormattedCitation.objects.waiting(since=timezone.now() - timedelta(hours=1)).count() == 0
