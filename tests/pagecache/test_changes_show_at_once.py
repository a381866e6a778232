"""Each change an editor or a moderator makes shows on every page it touches, stored copies or not.

One table: a change, a page it touches, what the page says before and after.
Each row first has the page stored (the second reader gets the stored copy),
then makes the change through the models' own methods, and reads the page again.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from masthead.changes import content_changed
from masthead.publishing.models import Post
from tests.pagecache.conftest import add_comment

TITLE = "Batteries Will Not Save the Grid Alone"
NEW_TITLE = "Batteries Can Carry the Grid After All"
DRAFT = "Unfinished Thoughts on Tariffs"
POST = "/energy/batteries-alone/"
DRAFT_URL = "/energy/tariffs/"
COMMENT = "Pumped hydro deserves a mention."
NEW_COMMENT = "Flywheels are underrated for frequency response."


@dataclass(frozen=True)
class Reads:
    """What a page says: a status, and text it shows or lacks (case aside)."""

    status: int = 200
    shows: str = ""
    lacks: str = ""

    def check(self, response) -> None:
        assert response.status_code == self.status, response.content[:300]
        text = response.content.decode().lower()
        if self.shows:
            assert self.shows.lower() in text, f"missing {self.shows!r}"
        if self.lacks:
            assert self.lacks.lower() not in text, f"still shows {self.lacks!r}"


def shows(text):
    return Reads(shows=text)


def lacks(text):
    return Reads(lacks=text)


MISSING = Reads(status=404)


# --- the changes: (prepare, make) ---------------------------------------------------------
def nothing(people):
    pass


def publish_draft(people):
    people["draft"].publish()


def edit_title(people):
    post = people["post"]
    post.title = NEW_TITLE
    post.save()


def correct(people):
    post = people["post"]
    post.body = "Storage shifts power in time; flywheels steady the frequency."
    post.correction_note = "An earlier version left out flywheels."
    post.updated_at = timezone.now()
    post.save()


def unpublish(people):
    people["post"].withdraw(by=people["editor"])


def leave_a_comment(people):
    people["pending"] = add_comment(people["post"], NEW_COMMENT)


def approve_comment(people):
    people["pending"].approve(by=people["moderator"])


def remove_comment(people):
    people["approved"].reject("Off topic", by=people["moderator"])


def close_comments(people):
    post = people["post"]
    post.comments_open = False
    post.save()


def rename_author(people):
    ada = people["ada"]
    ada.display_name = "Ada Okafor-Mensah"
    ada.family_name = "Okafor-Mensah"
    ada.save()


def rename_blog(people):
    blog = people["blog"]
    blog.name = "Energy and Climate Desk"
    blog.tagline = "Experts weigh the cost of the transition"
    blog.save()


def rename_topic(people):
    topic = people["topic"]
    topic.name = "Long-Duration Storage"
    topic.save()


def rename_institution(people):
    institution = people["institution"]
    institution.name = "Harbour Institute for Public Policy"
    institution.save()


def assign_doi(people):
    from masthead.citations import dois

    dois.assign(people["post"])


CHANGES = {
    "publishing a post": (nothing, publish_draft),
    "editing a post": (nothing, edit_title),
    "correcting a post": (nothing, correct),
    "unpublishing a post": (nothing, unpublish),
    "approving a comment": (leave_a_comment, approve_comment),
    "removing a comment": (nothing, remove_comment),
    "closing comments": (nothing, close_comments),
    "editing an author": (nothing, rename_author),
    "editing a blog": (nothing, rename_blog),
    "editing a topic": (nothing, rename_topic),
    "editing the institution": (nothing, rename_institution),
    "assigning a DOI": (nothing, assign_doi),
}

MONTH = "/archive/{year}/{month}/"
ROWS = [
    # publishing a post: it joins every list, feed, the sitemap, search and the API
    *[
        ("publishing a post", url, lacks(DRAFT), shows(DRAFT))
        for url in [
            "/",
            "/energy/",
            "/authors/ada-okafor/",
            "/feed/",
            "/feed/rss/",
            "/feed/json/",
            "/energy/feed/",
            "/authors/ada-okafor/feed/",
            "/api/v1/posts",
            "/api/v1/posts?blog=energy",
        ]
    ],  # fmt: skip
    # (search marks the words it found, so it is read on words it was not asked for)
    ("publishing a post", "/search/?q=tariffs", lacks("Unfinished"), shows("Unfinished")),
    ("publishing a post", "/archive/{now_year}/{now_month}/", lacks(DRAFT), shows(DRAFT)),
    ("publishing a post", "/sitemap.xml", lacks(DRAFT_URL), shows(DRAFT_URL)),
    ("publishing a post", DRAFT_URL, MISSING, shows(DRAFT)),
    ("publishing a post", DRAFT_URL + "cite/", MISSING, shows(DRAFT)),
    ("publishing a post", "/energy/tariffs/cite.bib", MISSING, shows(DRAFT)),
    # editing a post: its new title everywhere it is named
    *[
        ("editing a post", url, shows(TITLE), shows(NEW_TITLE))
        for url in [
            POST,
            "/",
            "/energy/",
            "/authors/ada-okafor/",
            "/authors/ben-van-der-berg/",
            "/topics/grid-storage/",
            MONTH,
            "/feed/",
            "/energy/feed/rss/",
            "/topics/grid-storage/feed/json/",
            POST + "cite/",
            "/api/v1/posts",
            "/api/v1/posts/energy/batteries-alone",
        ]
    ],  # fmt: skip
    ("editing a post", "/search/?q=batteries", shows("Will Not Save"), shows("Can Carry")),
    *[
        ("editing a post", url, lacks("carry the grid"), shows("carry the grid"))
        for url in [
            "/energy/batteries-alone/cite.bib",
            "/energy/batteries-alone/cite.ris",
            "/energy/batteries-alone/cite.json",
        ]
    ],  # fmt: skip
    # correcting a post: the note, the new text, and the version it replaced
    ("correcting a post", POST, lacks("left out flywheels"), shows("left out flywheels")),
    ("correcting a post", POST + "versions/1/", MISSING, shows("lines in space")),
    (
        "correcting a post",
        "/api/v1/posts/energy/batteries-alone",
        lacks("flywheels"),
        shows("left out flywheels"),
    ),  # fmt: skip
    ("correcting a post", "/search/?q=flywheels", lacks(TITLE), shows(TITLE)),
    # unpublishing a post: gone from its address and from everything that listed it
    ("unpublishing a post", POST, shows(TITLE), MISSING),
    ("unpublishing a post", POST + "cite/", shows(TITLE), MISSING),
    ("unpublishing a post", "/energy/batteries-alone/cite.bib", shows("batteries"), MISSING),
    ("unpublishing a post", "/api/v1/posts/energy/batteries-alone", shows(TITLE), MISSING),
    *[
        ("unpublishing a post", url, shows(TITLE), lacks(TITLE))
        for url in [
            "/",
            "/energy/",
            "/authors/ada-okafor/",
            "/topics/grid-storage/",
            MONTH,
            "/feed/",
            "/feed/json/",
            "/energy/feed/",
            "/api/v1/posts",
        ]
    ],  # fmt: skip
    ("unpublishing a post", "/search/?q=batteries", shows("Will Not Save"), lacks("Will Not")),
    ("unpublishing a post", "/sitemap.xml", shows(POST), lacks(POST)),
    # the discussion
    ("approving a comment", POST, lacks(NEW_COMMENT), shows(NEW_COMMENT)),
    ("approving a comment", POST + "?comments=1", lacks(NEW_COMMENT), shows(NEW_COMMENT)),
    ("approving a comment", POST, shows("1 Comment<"), shows("2 Comments<")),
    ("removing a comment", POST, shows(COMMENT), lacks(COMMENT)),
    ("removing a comment", POST, shows("1 Comment<"), shows("0 Comments<")),
    ("closing comments", POST, lacks("Comments are closed"), shows("Comments are closed")),
    ("closing comments", POST, shows('name="started"'), lacks('name="started"')),
    # people, blogs, topics and the institution, wherever they are named
    *[
        ("editing an author", url, lacks("Okafor-Mensah"), shows("Okafor-Mensah"))
        for url in [
            POST,
            "/authors/ada-okafor/",
            "/",
            "/energy/",
            "/topics/grid-storage/",
            "/feed/",
            "/authors/ada-okafor/feed/",
            POST + "cite/",
            "/energy/batteries-alone/cite.bib",
            "/search/?q=batteries",
            "/api/v1/posts/energy/batteries-alone",
            "/api/v1/authors/ada-okafor",
        ]
    ],  # fmt: skip
    *[
        ("editing a blog", url, lacks("Energy and Climate Desk"), shows("Energy and Climate Desk"))
        for url in [
            "/",
            "/energy/",
            POST,
            "/energy/feed/",
            POST + "cite/",
            "/api/v1/blogs",
            "/api/v1/posts/energy/batteries-alone",
        ]
    ],  # fmt: skip
    (
        "editing a blog",
        "/",
        lacks("the cost of the transition"),
        shows("the cost of the transition"),
    ),  # fmt: skip
    *[
        ("editing a topic", url, lacks("Long-Duration Storage"), shows("Long-Duration Storage"))
        for url in [POST, "/topics/grid-storage/", "/topics/grid-storage/feed/", "/api/v1/topics"]
    ],  # fmt: skip
    *[
        ("editing the institution", url, lacks("Public Policy"), shows("Public Policy"))
        for url in ["/", POST, "/energy/", POST + "cite/"]
    ],  # fmt: skip
    ("assigning a DOI", POST, lacks("10.55555/"), shows("10.55555/")),
    (
        "assigning a DOI",
        "/energy/batteries-alone/cite.bib",
        lacks("10.55555/"),
        shows("10.55555/"),
    ),  # fmt: skip
]


def row_id(row) -> str:
    return f"{row[0]} → {row[1]}"


@pytest.fixture
def people(site, editor, moderator, ada, blog, topic, institution):
    return {**site, "editor": editor, "moderator": moderator, "ada": ada, "blog": blog,
            "topic": topic, "institution": institution}  # fmt: skip


@pytest.mark.parametrize(("change", "url", "before", "after"), ROWS, ids=map(row_id, ROWS))
def test_a_change_shows_on_every_page_it_touches(
    client, people, settings, django_capture_on_commit_callbacks, change, url, before, after
):
    settings.MASTHEAD_DOI_PREFIX = "10.55555"
    prepare, make = CHANGES[change]
    prepare(people)
    published = people["post"].publish_at
    now = timezone.now()
    url = url.format(year=published.year, month=published.month, now_year=now.year,
                     now_month=now.month)  # fmt: skip

    first = client.get(url)
    before.check(first)
    if first.status_code == 200:
        stored = client.get(url)
        assert stored["X-Cache"] == "hit"  # readers get the stored copy until the change
        before.check(stored)
    with django_capture_on_commit_callbacks(execute=True):
        make(people)
    after.check(client.get(url))


def test_a_write_that_bypasses_the_models_shows_once_it_is_announced(client, people):
    client.get(POST)
    Post.objects.filter(pk=people["post"].pk).update(title=NEW_TITLE)
    assert TITLE in client.get(POST).content.decode()  # the stored copy, unaware of the write
    content_changed()
    assert NEW_TITLE in client.get(POST).content.decode()


def test_a_comment_awaiting_moderation_does_not_throw_away_the_stored_pages(client, people):
    client.get(POST)
    client.get("/")
    add_comment(people["post"], "Please moderate me.")
    assert client.get(POST)["X-Cache"] == "hit"
    assert client.get("/")["X-Cache"] == "hit"


def test_a_scheduled_post_appears_on_stored_pages_when_its_time_comes(client, people, blog, ada):
    from tests.conftest import make_post

    soon = timezone.now() + datetime.timedelta(seconds=1.5)
    make_post(blog, [ada], title="Auction Results, Explained", slug="auction-results",
              status=Post.Status.SCHEDULED, publish_at=soon)  # fmt: skip
    for url in ["/", "/energy/", "/feed/", "/api/v1/posts"]:
        assert "Auction Results" not in client.get(url).content.decode()
        assert client.get(url)["X-Cache"] == "hit"
    wait_until(soon)
    for url in ["/", "/energy/", "/feed/", "/api/v1/posts"]:
        assert "Auction Results" in client.get(url).content.decode(), url


def test_comments_close_on_stored_pages_when_their_time_is_up(client, people, settings):
    settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = 3
    post = people["post"]
    closing = timezone.now() + datetime.timedelta(seconds=1.5)
    Post.objects.filter(pk=post.pk).update(publish_at=closing - datetime.timedelta(days=3))
    content_changed()
    assert "Comments are closed" not in client.get(POST).content.decode()
    assert client.get(POST)["X-Cache"] == "hit"
    wait_until(closing)
    assert "Comments are closed" in client.get(POST).content.decode()


def test_a_pending_comment_is_in_no_stored_page(client, people):
    add_comment(people["post"], "A pending remark about tariffs.")
    for url in [POST, "/", "/feed/", "/api/v1/posts/energy/batteries-alone"]:
        client.get(url)
        assert "pending remark" not in client.get(url).content.decode()


def wait_until(moment) -> None:
    import time

    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)
