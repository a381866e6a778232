"""The embargo: a scheduled post is nowhere public until its time, and everywhere a minute after.

Nothing runs at the publish time (no cron job, no task): the clock is moved with
time-machine, which moves every clock Python reads (``timezone.now``, ``time.time``
and so the cache's expiry too), and each public output is asked again.
"""

import datetime
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from masthead.discussion.abuse import FORM_TOKEN_SALT
from masthead.importers.models import ImportedPost
from tests.conftest import make_post

pytestmark = pytest.mark.django_db

TITLE = "Embargoed Auction Results Explained"
OLD_WORDPRESS_PATH = "/2026/11/auction-results-explained/"
WORDPRESS_ID = 4242


@pytest.fixture(autouse=True)
def empty_cache_and_immediate_tasks(settings):
    cache.clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield
    cache.clear()


@pytest.fixture
def embargoed(blog, ada, topic, published_post):
    """Scheduled an hour from now; shares an author and a topic with ``published_post``."""
    post = make_post(
        blog, [ada], title=TITLE, slug="auction-results", status="scheduled",
        publish_at=timezone.now() + datetime.timedelta(hours=1),
        summary="What the capacity auction cleared at, and why.",
        body="The auction cleared at a record price for storage.",
    )  # fmt: skip
    post.topics.add(topic)
    ImportedPost.objects.create(
        wordpress_id=WORDPRESS_ID, guid="https://old.example.org/?p=4242", post=post,
        old_path=OLD_WORDPRESS_PATH, fingerprint="0" * 64, revision=post.revision,
    )  # fmt: skip
    return post


def text(response) -> str:
    return response.content.decode(errors="replace") if response.status_code == 200 else ""


def listed(url: str) -> Callable:
    """A page or feed that lists posts: the post is there if its title or address is."""

    def shows(client, post) -> bool:
        body = text(client.get(url))
        return TITLE in body or post.get_absolute_url() in body

    return shows


def own_address(suffix: str = "", content_type: str = "") -> Callable:
    """An address of the post's own (page, cite page, export, PDF): 404 until its time."""

    def shows(client, post) -> bool:
        address = post.get_absolute_url()
        response = client.get(address.rstrip("/") + suffix if suffix else address)
        if response.status_code == 404:
            return False
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith(content_type)
        return content_type == "application/pdf" or "Auction Results" in text(response)

    return shows


def related_under_the_other_post(client, post) -> bool:
    from masthead.publishing.models import Post

    other = Post.objects.exclude(pk=post.pk).get(slug="batteries-alone")
    return TITLE in text(client.get(other.get_absolute_url()))


def old_wordpress_id(client, post) -> bool:
    response = client.get(f"/?p={WORDPRESS_ID}")
    return response.status_code == 301 and response["Location"] == post.get_absolute_url()


def old_wordpress_path(client, post) -> bool:
    response = client.get(OLD_WORDPRESS_PATH)
    return response.status_code == 301 and response["Location"] == post.get_absolute_url()


def archive_month(client, post) -> bool:
    month = timezone.localtime(post.publish_at)
    return listed(f"/archive/{month.year}/{month.month:02d}/")(client, post)


def comment_submission(client, post) -> bool:
    """The comment form's endpoint takes a comment only on a public post."""
    started = signing.dumps(
        {"t": int(time.time()) - 60, "n": secrets.token_urlsafe(12)},
        salt=FORM_TOKEN_SALT,
        compress=False,
    )
    data = {
        "author_name": "Rosa Delgado", "email": "rosa@example.org", "website": "",
        "body": "Storage bids were the surprise of this auction.", "started": started,
    }  # fmt: skip
    response = client.post(f"/comments/{post.pk}/", data, HTTP_ORIGIN="http://testserver")
    assert response.status_code in {302, 303, 404}, response.status_code
    return response.status_code != 404


@dataclass(frozen=True)
class Output:
    name: str
    shows: Callable


OUTPUTS = [
    Output("post page", own_address()),
    Output("hub", listed("/")),
    Output("blog page", listed("/energy/")),
    Output("author page", listed("/authors/ada-okafor/")),
    Output("topic page", listed("/topics/grid-storage/")),
    Output("archive month", archive_month),
    *(
        Output(f"feed {url}", listed(url))
        for url in (
            "/feed/", "/feed/rss/", "/feed/json/", "/energy/feed/", "/energy/feed/rss/",
            "/energy/feed/json/", "/authors/ada-okafor/feed/", "/authors/ada-okafor/feed/json/",
            "/topics/grid-storage/feed/", "/topics/grid-storage/feed/rss/",
        )
    ),
    Output("sitemap", listed("/sitemap.xml")),
    Output("search", listed("/search/?q=auction")),
    Output("search suggestions", listed("/search/suggest/?q=embargoed")),
    Output("API list", listed("/api/v1/posts")),
    Output("API search", listed("/api/v1/posts?q=auction")),
    Output("API by author and topic", listed("/api/v1/posts?author=ada-okafor&topic=grid-storage")),
    Output("API post", listed("/api/v1/posts/energy/auction-results")),
    Output("cite page", own_address("/cite/", "text/html")),
    Output("BibTeX", own_address("/cite.bib", "application/x-bibtex")),
    Output("RIS", own_address("/cite.ris", "application/x-research-info-systems")),
    Output("CSL-JSON", own_address("/cite.json", "application/vnd.citationstyles.csl+json")),
    Output("PDF", own_address(".pdf", "application/pdf")),
    Output("old WordPress ?p= link", old_wordpress_id),
    Output("old WordPress permalink", old_wordpress_path),
    Output("related posts", related_under_the_other_post),
    Output("comment submission", comment_submission),
]  # fmt: skip


@pytest.mark.parametrize("output", OUTPUTS, ids=[output.name for output in OUTPUTS])
def test_a_scheduled_post_is_in_no_public_output_before_its_time_and_in_each_a_minute_after(
    client, embargoed, output
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert not output.shows(client, embargoed), "shown an hour before its time"
        # Five minutes before: asked again, so whatever caches an answer has it now.
        clock.move_to(embargoed.publish_at - datetime.timedelta(minutes=5))
        assert not output.shows(client, embargoed), "shown five minutes before its time"
        clock.move_to(embargoed.publish_at + datetime.timedelta(minutes=1))
        assert output.shows(client, embargoed), "still missing a minute after its time"


def test_an_api_etag_taken_before_the_time_does_not_hide_the_post_after_it(client, embargoed):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        before = client.get("/api/v1/posts")
        clock.move_to(embargoed.publish_at + datetime.timedelta(minutes=1))
        again = client.get(
            "/api/v1/posts",
            HTTP_IF_NONE_MATCH=before["ETag"],
            HTTP_IF_MODIFIED_SINCE=before["Last-Modified"],
        )
        assert again.status_code == 200 and TITLE in again.content.decode()
