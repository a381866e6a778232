"""Listings show each post's featured image, cropped around its focal point.

Hub, blog, author, topic, archive month and search results: each card of a post with a
featured image shows a resized copy (``srcset``), with its size given so the page does
not jump as it loads, its alt text, and the focal point as classes the stylesheet turns
into ``object-position`` (the Content-Security-Policy refuses style attributes). The
first card of a page loads at once; the others wait until the reader scrolls to them.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import illustrate, make_post

pytestmark = pytest.mark.django_db

SITE_CSS = Path(django_settings.BASE_DIR) / "static" / "masthead" / "site.css"


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="post-card[^"]*">.*?</li>', html, re.S)


def picture_in(card: str) -> str | None:
    found = re.search(r"<img [^>]*>", card)
    return found[0] if found else None


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found[1] if found else None


@pytest.fixture
def pictured(blog, ada, topic):
    """Three public posts with featured images, the newest first, and one without."""
    now = timezone.now()
    posts = []
    for n, (alt, focus) in enumerate(
        [("Pylons at dusk", (0.2, 0.9)), ("A battery hall", (0.5, 0.5)), ("A map", (1.0, 0.0))]
    ):
        post = make_post(blog, [ada], title=f"Pictured {n}", slug=f"pictured-{n}",
                         publish_at=now - datetime.timedelta(days=n + 1),
                         body=f"Grid post number {n}.")  # fmt: skip
        post.topics.add(topic)
        post.image_focus_x, post.image_focus_y = focus
        illustrate(post, alt=alt, caption="", credit="", size=(1000, 600))
        posts.append(post)
    bare = make_post(
        blog, [ada], title="Words only", slug="words-only",
        publish_at=now - datetime.timedelta(days=9), body="Grid words only.",
    )  # fmt: skip
    bare.topics.add(topic)
    return posts, bare


def listing_urls(blog, ada, topic, post) -> dict[str, str]:
    month = timezone.localtime(post.publish_at)
    return {
        "hub": "/",
        "blog": blog.get_absolute_url(),
        "author": ada.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "archive month": f"/archive/{month.year}/{month.month}/",
        "search": "/search/?q=grid",
    }


def test_every_listing_shows_each_posts_resized_picture_with_size_and_alt_text(
    client, pictured, blog, ada, topic
):
    posts, bare = pictured
    newest = posts[0]
    for name, url in listing_urls(blog, ada, topic, newest).items():
        html = client.get(url).content.decode()
        card = next(c for c in cards(html) if newest.get_absolute_url() in c)
        picture = picture_in(card)
        assert picture is not None, name
        assert attribute(picture, "alt") == "Pylons at dusk", name
        # The resized copies, narrowest first, and the full one, for the browser to choose.
        widths = re.findall(r" (\d+)w", attribute(picture, "srcset"))
        assert widths == ["480", "800", "1000"], name
        assert (attribute(picture, "width"), attribute(picture, "height")) == ("1000", "600")
        assert attribute(picture, "sizes"), name
        assert client.get(attribute(picture, "src")).status_code == 200
        assert "style=" not in card, name
        if name != "archive month" or bare.publish_at.month == newest.publish_at.month:
            bare_card = [c for c in cards(html) if bare.get_absolute_url() in c]
            assert all(picture_in(c) is None for c in bare_card), name


def test_the_picture_is_cropped_around_the_focal_point_the_stylesheet_knows(client, pictured, blog):
    html = client.get(blog.get_absolute_url()).content.decode()
    classes = [attribute(picture_in(card), "class") for card in cards(html)[:3]]
    assert classes == [
        "post-card__picture focus-x-2 focus-y-9",
        "post-card__picture focus-x-5 focus-y-5",
        "post-card__picture focus-x-10 focus-y-0",
    ]
    css = SITE_CSS.read_text()
    for axis, tenths, percent in [("x", 2, "20%"), ("y", 9, "90%"), ("x", 10, "100%")]:
        assert f".focus-{axis}-{tenths} {{ --focus-{axis}: {percent}; }}" in css
    rule = re.search(r"\.post-card__picture \{[^}]*\}", css)[0]
    assert "object-fit: cover" in rule
    assert "object-position: var(--focus-x, 50%) var(--focus-y, 50%)" in rule


def test_only_the_first_card_of_a_page_loads_its_picture_at_once(client, pictured, blog, ada):
    for url in (blog.get_absolute_url(), "/search/?q=grid", "/"):
        listed = cards(client.get(url).content.decode())
        first = picture_in(listed[0])
        if first is not None:  # (search may rank the post without a picture first)
            assert attribute(first, "loading") is None, url
            assert attribute(first, "fetchpriority") == "high", url
        later = [p for p in map(picture_in, listed[1:]) if p]
        assert len(later) >= 2, url
        assert all(attribute(p, "loading") == "lazy" for p in later), url
        assert all(attribute(p, "fetchpriority") is None for p in later), url
    first = picture_in(cards(client.get(blog.get_absolute_url()).content.decode())[0])
    assert attribute(first, "fetchpriority") == "high"


def test_on_the_hub_a_second_blogs_pictures_all_wait(client, pictured, other_blog, ada):
    other_blog.position = 5  # after the energy blog on the hub
    other_blog.save()
    post = make_post(other_blog, [ada], title="Streets", slug="streets",
                     publish_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    illustrate(post, alt="A street", caption="", credit="", size=(600, 400))
    html = client.get("/").content.decode()
    streets = next(c for c in cards(html) if post.get_absolute_url() in c)
    assert attribute(picture_in(streets), "loading") == "lazy"
    eager = [p for p in map(picture_in, cards(html)) if p and 'fetchpriority="high"' in p]
    assert len(eager) == 1


def test_a_new_focal_point_shows_in_the_cached_listing_at_once(client, pictured, blog):
    newest = pictured[0][0]
    client.get(blog.get_absolute_url())  # the list is cached now
    newest.image_focus_x, newest.image_focus_y = 0.7, 0.3
    newest.save()
    html = client.get(blog.get_absolute_url()).content.decode()
    assert "focus-x-7 focus-y-3" in attribute(picture_in(cards(html)[0]), "class")


@pytest.mark.parametrize("url", ["/", "/energy/", "/authors/ada-okafor/", "/topics/grid-storage/"])
def test_pictures_cost_a_listing_no_query_more(client, blog, ada, topic, url):
    def queries() -> int:
        django_cache_reset()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    posts = [
        make_post(
            blog,
            [ada],
            title=f"Post {n}",
            slug=f"post-{n}",
            publish_at=timezone.now() - datetime.timedelta(days=n + 1),
        )  # fmt: skip
        for n in range(3)
    ]
    for post in posts:
        post.topics.add(topic)
    without = queries()
    for post in posts:
        illustrate(post, alt="A picture", caption="", credit="", size=(900, 500))
    assert queries() == without


def django_cache_reset():
    from django.core.cache import cache

    from masthead.pagecache import reset

    reset()
    cache.clear()
