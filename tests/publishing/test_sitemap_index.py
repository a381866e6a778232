"""Past MASTHEAD_SITEMAP_LIMIT addresses, /sitemap.xml is an index of section files."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.conftest import make_post

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def five_posts(blog, ada):
    start = timezone.now() - datetime.timedelta(days=10)
    return [
        make_post(
            blog,
            [ada],
            title=f"Post {n}",
            slug=f"post-{n}",
            publish_at=start + datetime.timedelta(days=n),
        )  # fmt: skip
        for n in range(5)
    ]


def locations(client, address: str, tag: str) -> list[str]:
    response = client.get(address)
    assert response.status_code == 200, address
    return [loc.text for loc in ET.fromstring(response.content).findall(f"s:{tag}/s:loc", NS)]


def test_a_site_within_the_limit_has_one_sitemap_with_every_address(
    client, settings, five_posts, other_blog
):
    settings.MASTHEAD_SITEMAP_LIMIT = 10
    assert len(locations(client, "/sitemap.xml", "url")) == 5 + 2


def test_past_the_limit_the_sitemap_is_an_index_whose_files_hold_every_address_once(
    client, settings, five_posts, other_blog
):
    settings.MASTHEAD_SITEMAP_LIMIT = 2
    files = locations(client, "/sitemap.xml", "sitemap")
    assert files == [
        "http://testserver/sitemap-posts.xml",
        "http://testserver/sitemap-posts.xml?p=2",
        "http://testserver/sitemap-posts.xml?p=3",
        "http://testserver/sitemap-blogs.xml",
    ]
    listed = []
    for address in files:
        page = locations(client, address.removeprefix("http://testserver"), "url")
        assert len(page) <= 2
        listed += page
    posts = [f"http://testserver{post.get_absolute_url()}" for post in five_posts]
    assert sorted(listed) == sorted(
        [*posts, "http://testserver/energy/", "http://testserver/cities/"]
    )
