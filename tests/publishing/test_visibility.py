"""Only published posts whose time has come appear anywhere public; previews live elsewhere."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/", "/energy/", "/authors/ada-okafor/", "/topics/grid-storage/", "/archive/", "/feed/",
    "/energy/feed/", "/authors/ada-okafor/feed/", "/sitemap.xml", "/feed/rss/", "/feed/json/",
    "/energy/feed/rss/", "/energy/feed/json/", "/topics/grid-storage/feed/",
    "/topics/grid-storage/feed/rss/", "/authors/ada-okafor/feed/json/", "/api/v1/posts",
    "/api/v1/posts?topic=grid-storage", "/api/v1/posts?author=ada-okafor",
]  # fmt: skip


@pytest.fixture
def hidden_posts(draft_post, scheduled_post, topic):
    draft_post.topics.add(topic)
    scheduled_post.topics.add(topic)
    return [draft_post, scheduled_post]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_drafts_and_future_posts_appear_on_no_public_page(
    client, published_post, hidden_posts, url
):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert published_post.title in body or url in {"/sitemap.xml", "/archive/"}
    for post in hidden_posts:
        assert post.title not in body
        assert post.get_absolute_url() not in body


def test_a_draft_answers_404_to_the_public(client, draft_post):
    assert client.get(draft_post.get_absolute_url()).status_code == 404


def test_a_future_post_answers_404_to_the_public(client, scheduled_post):
    assert client.get(scheduled_post.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft_which_is_marked_and_not_cacheable(editor_client, draft_post):
    assert editor_client.get(draft_post.get_absolute_url()).status_code == 404
    response = editor_client.get(f"/preview/{draft_post.pk}/")
    assert response.status_code == 200
    assert "Preview: this post is draft" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_the_archive_month_lists_the_months_public_posts(client, published_post, hidden_posts):
    month = published_post.publish_at
    response = client.get(f"/archive/{month.year}/{month.month:02d}/")
    assert published_post.title in response.content.decode()
    assert client.get("/archive/2024/13/").status_code == 404


def test_sitemap_lists_exactly_the_public_posts(client, published_post, hidden_posts, other_blog):
    tree = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.findall("s:url/s:loc", ns)}
    post_locations = {url for url in locations if url.count("/") > 4}
    assert post_locations == {f"http://testserver{published_post.get_absolute_url()}"}
    # The blog indexes are listed too, so crawlers find new posts.
    assert "http://testserver/cities/" in locations


def test_robots_txt_names_the_sitemap(client, institution):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_browsers_asking_for_favicon_ico_get_the_site_icon(client):
    response = client.get("/favicon.ico", follow=True)
    first_hop, status = response.redirect_chain[0]
    assert status == 301 and first_hop.endswith(".svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
