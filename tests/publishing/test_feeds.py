"""Atom feeds for the site, each blog and each author: valid XML with exactly the public posts."""

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import make_post

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return {e.findtext("a:title", namespaces=ATOM): e for e in feed.findall("a:entry", ATOM)}


def test_the_site_feed_holds_exactly_the_public_posts_of_every_blog(
    client, published_post, draft_post, scheduled_post, other_blog, ben
):
    city_post = make_post(other_blog, [ben], title="Buses First", slug="buses-first")
    assert set(entries(client, "/feed/")) == {published_post.title, city_post.title}


def test_a_blog_feed_holds_only_that_blogs_posts(client, published_post, other_blog, ben):
    make_post(other_blog, [ben], title="Buses First", slug="buses-first")
    assert set(entries(client, "/energy/feed/")) == {published_post.title}


def test_an_author_feed_holds_only_their_posts(client, published_post, research_team, blog):
    team_post = make_post(blog, [research_team], title="Team Note", slug="team-note")
    assert set(entries(client, "/authors/energy-team/feed/")) == {team_post.title}
    assert set(entries(client, "/authors/ben-van-der-berg/feed/")) == {published_post.title}


def test_a_feed_entry_links_to_the_post_and_names_its_authors(client, published_post):
    entry = entries(client, "/feed/")[published_post.title]
    link = entry.find("a:link", ATOM).get("href")
    assert link == f"http://testserver{published_post.get_absolute_url()}"
    assert entry.findtext("a:author/a:name", namespaces=ATOM) == "Ada Okafor, Ben van der Berg"


def test_a_feed_for_an_unknown_blog_answers_404(client, institution):
    assert client.get("/nowhere/feed/").status_code == 404
