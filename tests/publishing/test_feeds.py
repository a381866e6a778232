"""Feeds for the site, each blog, author and topic, as Atom, RSS 2.0 and JSON Feed 1.1.

Atom and RSS are read with feedparser, as a feed reader would; JSON Feed is
checked against the fields its specification requires.
"""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.conftest import illustrate, make_post

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}
# Where each format lives beside the Atom feed, and the media type it answers with.
FORMATS = {
    "": "application/atom+xml",
    "rss/": "application/rss+xml",
    "json/": "application/feed+json",
}


def read_feed(client, url):
    """The feed at ``url`` as feedparser sees it (Atom and RSS), after checking its media type."""
    response = client.get(url)
    assert response.status_code == 200
    suffix = url.split("feed/", 1)[1]
    assert response["Content-Type"].startswith(FORMATS[suffix])
    if suffix == "json/":
        return json.loads(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def titles(client, url):
    feed = read_feed(client, url)
    return {item["title"] for item in (feed["items"] if isinstance(feed, dict) else feed.entries)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_site_feed_holds_exactly_the_public_posts_of_every_blog(
    client, published_post, draft_post, scheduled_post, other_blog, ben, fmt
):
    city_post = make_post(other_blog, [ben], title="Buses First", slug="buses-first")
    assert titles(client, f"/feed/{fmt}") == {published_post.title, city_post.title}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_blog_feed_holds_only_that_blogs_posts(client, published_post, other_blog, ben, fmt):
    make_post(other_blog, [ben], title="Buses First", slug="buses-first")
    assert titles(client, f"/energy/feed/{fmt}") == {published_post.title}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_author_feed_holds_only_their_posts(client, published_post, research_team, blog, fmt):
    team_post = make_post(blog, [research_team], title="Team Note", slug="team-note")
    assert titles(client, f"/authors/energy-team/feed/{fmt}") == {team_post.title}
    assert titles(client, f"/authors/ben-van-der-berg/feed/{fmt}") == {published_post.title}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_topic_feed_holds_only_the_public_posts_on_that_topic(
    client, published_post, draft_post, topic, blog, ada, fmt
):
    make_post(blog, [ada], title="Off Topic", slug="off-topic")
    draft_post.topics.add(topic)
    assert titles(client, f"/topics/grid-storage/feed/{fmt}") == {published_post.title}


def test_an_atom_entry_links_to_the_post_and_names_every_author_in_byline_order(
    client, published_post
):
    feed = ET.fromstring(client.get("/feed/").content)
    entry = feed.find("a:entry", ATOM)
    assert entry.find("a:link", ATOM).get("href") == (
        f"http://testserver{published_post.get_absolute_url()}"
    )
    names = [e.text for e in entry.findall("a:author/a:name", ATOM)]
    assert names == ["Ada Okafor", "Ben van der Berg"]


@pytest.mark.parametrize("fmt", ["", "rss/"])
def test_a_feed_reader_gets_the_full_body_every_author_the_topics_and_the_image(
    client, published_post, fmt
):
    illustrate(published_post, alt="Pylons", caption="Lines at dusk", credit="Photo: J. Ruiz")
    entry = read_feed(client, f"/energy/feed/{fmt}").entries[0]
    assert "<h2>Why storage is not enough</h2>" in entry.content[0].value
    assert "<em>time</em>" in entry.content[0].value
    assert entry.summary == "Storage helps, but transmission matters more."
    assert [a["name"] for a in entry.authors] == ["Ada Okafor", "Ben van der Berg"]
    assert [tag.term for tag in entry.tags] == ["Grid Storage"]
    (image,) = entry.enclosures
    cleaned_copy = r"http://testserver/media/posts/\d{4}/[0-9a-f]{24}/full-64x36\.jpg"
    assert re.fullmatch(cleaned_copy, image.href)
    assert image.type == "image/jpeg"
    assert int(image.length) == published_post.featured_image.size


def test_the_json_feed_has_every_field_its_specification_requires(client, published_post):
    illustrate(published_post, alt="Pylons", caption="Lines at dusk", credit="Photo: J. Ruiz")
    feed = read_feed(client, "/feed/json/")
    # Required at the top: version (1.1's URL), title, items.
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Harbour Institute for Public Affairs"
    assert feed["feed_url"] == "http://testserver/feed/json/"
    assert feed["home_page_url"] == "http://testserver/"
    (item,) = feed["items"]
    # Required in each item: a string id, and content_html or content_text.
    assert isinstance(item["id"], str) and item["id"]
    assert "<h2>Why storage is not enough</h2>" in item["content_html"]
    assert item["url"] == f"http://testserver{published_post.get_absolute_url()}"
    # 1.1 names people in an ``authors`` array of objects, each with a name or url.
    assert item["authors"] == [
        {"name": "Ada Okafor", "url": "http://testserver/authors/ada-okafor/"},
        {"name": "Ben van der Berg", "url": "http://testserver/authors/ben-van-der-berg/"},
    ]
    assert item["tags"] == ["Grid Storage"]
    assert item["image"].startswith("http://testserver/media/posts/")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
                        item["date_published"])  # fmt: skip


@pytest.mark.parametrize(
    "page, expected",
    [
        ("/", "/feed/"),
        ("/energy/", "/energy/feed/"),
        ("/energy/batteries-alone/", "/energy/feed/"),
        ("/authors/ada-okafor/", "/authors/ada-okafor/feed/"),
        ("/topics/grid-storage/", "/topics/grid-storage/feed/"),
    ],
)
def test_each_page_advertises_its_feeds_in_every_format_and_each_answers_in_its_type(
    client, published_post, page, expected
):
    html = client.get(page).content.decode()
    links = re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">', html)
    advertised = {href: kind for kind, href in links}
    for suffix, kind in FORMATS.items():
        assert advertised[expected + suffix] == kind
    for href, kind in advertised.items():
        assert client.get(href)["Content-Type"].startswith(kind)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_feed_for_an_unknown_blog_author_or_topic_answers_404(client, institution, fmt):
    for url in ["/nowhere/feed/", "/authors/nobody/feed/", "/topics/nothing/feed/"]:
        assert client.get(url + fmt).status_code == 404


def test_a_feed_is_only_for_reading(client, published_post):
    assert client.post("/feed/json/").status_code == 405
