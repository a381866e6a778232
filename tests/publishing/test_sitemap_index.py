"""Past MASTHEAD_SITEMAP_LIMIT addresses, /sitemap.xml is an index of small section files."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import make_post

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def seven_posts(blog, ada):
    start = timezone.now() - datetime.timedelta(days=10)
    return [
        make_post(
            blog,
            [ada],
            title=f"Post {n}",
            slug=f"post-{n}",
            publish_at=start + datetime.timedelta(days=n),
        )  # fmt: skip
        for n in range(7)
    ]


def locations(client, address: str, tag: str) -> list[str]:
    response = client.get(address.removeprefix("http://testserver"))
    assert response.status_code == 200, address
    return [loc.text for loc in ET.fromstring(response.content).findall(f"s:{tag}/s:loc", NS)]


def every_listed_address(client) -> list[str]:
    listed = []
    for section in locations(client, "/sitemap.xml", "sitemap"):
        listed += locations(client, section, "url")
    return listed


def address(post) -> str:
    return f"http://testserver{post.get_absolute_url()}"


def test_a_site_within_the_limit_has_one_sitemap_with_every_address(
    client, settings, seven_posts, other_blog
):
    settings.MASTHEAD_SITEMAP_LIMIT = 10
    assert len(locations(client, "/sitemap.xml", "url")) == 7 + 2


def test_past_the_limit_the_sitemap_is_an_index_of_sections_no_longer_than_the_limit(
    client, settings, seven_posts, other_blog
):
    settings.MASTHEAD_SITEMAP_LIMIT = 3
    first = seven_posts[0].pk
    blocks = sorted({(post.pk - 1) // 3 + 1 for post in seven_posts})
    assert first and len(blocks) >= 3
    sections = locations(client, "/sitemap.xml", "sitemap")
    assert sections == [
        *(f"http://testserver/sitemap-posts-{block}.xml" for block in blocks),
        "http://testserver/sitemap-blogs.xml",
    ]
    for section in sections:
        assert 1 <= len(locations(client, section, "url")) <= 3, section


def test_every_public_post_is_in_exactly_one_section_and_nothing_else_is(
    client, settings, seven_posts, other_blog, draft_post, scheduled_post
):
    settings.MASTHEAD_SITEMAP_LIMIT = 2
    listed = every_listed_address(client)
    expected = [address(post) for post in seven_posts]
    expected += ["http://testserver/energy/", "http://testserver/cities/"]
    assert sorted(listed) == sorted(expected)
    assert address(draft_post) not in listed and address(scheduled_post) not in listed


def test_an_unpublished_post_leaves_its_section_and_the_others_stay_as_they_were(
    client, settings, seven_posts, editor
):
    settings.MASTHEAD_SITEMAP_LIMIT = 3
    sections = locations(client, "/sitemap.xml", "sitemap")
    before = {section: locations(client, section, "url") for section in sections}
    withdrawn = seven_posts[3]
    withdrawn.withdraw(by=editor, note="Checking a figure.")
    own = f"http://testserver/sitemap-posts-{(withdrawn.pk - 1) // 3 + 1}.xml"
    for section in sections:
        now = locations(client, section, "url")
        if section == own:
            assert now == [url for url in before[section] if url != address(withdrawn)]
        else:
            assert now == before[section], section
    assert address(withdrawn) not in every_listed_address(client)


def test_a_section_whose_posts_are_all_withdrawn_leaves_the_index(
    client, settings, blog, ada, editor
):
    settings.MASTHEAD_SITEMAP_LIMIT = 1
    posts = [make_post(blog, [ada], title=f"Only {n}", slug=f"only-{n}",
                       publish_at=timezone.now() - datetime.timedelta(hours=n + 1))
             for n in range(3)]  # fmt: skip
    gone = f"http://testserver/sitemap-posts-{posts[1].pk}.xml"
    assert gone in locations(client, "/sitemap.xml", "sitemap")
    posts[1].withdraw(by=editor, note="Withdrawn.")
    assert gone not in locations(client, "/sitemap.xml", "sitemap")
    assert client.get(gone.removeprefix("http://testserver")).status_code == 404


def test_a_scheduled_post_joins_its_section_when_its_time_comes(
    client, settings, seven_posts, scheduled_post
):
    settings.MASTHEAD_SITEMAP_LIMIT = 2
    assert address(scheduled_post) not in every_listed_address(client)
    with time_machine.travel(scheduled_post.publish_at + datetime.timedelta(minutes=1)):
        assert address(scheduled_post) in every_listed_address(client)


@pytest.mark.parametrize("name", ["posts-0", "posts-x", "posts", "pages", "posts-99999"])
def test_a_section_that_does_not_exist_is_not_found(client, settings, seven_posts, name):
    settings.MASTHEAD_SITEMAP_LIMIT = 2
    assert client.get(f"/sitemap-{name}.xml").status_code == 404


def test_robots_txt_names_the_index_when_the_sitemap_is_split(client, settings, seven_posts):
    settings.MASTHEAD_SITEMAP_LIMIT = 2
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
    assert locations(client, "/sitemap.xml", "sitemap")
