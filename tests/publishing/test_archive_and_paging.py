"""The archive's months and the paged listings (blog, author, topic, month) on a site
with many posts: right counts, every public post exactly once, newest first."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from masthead.publishing.models import Post
from tests.conftest import make_post

pytestmark = pytest.mark.django_db
MONTH_ROW = re.compile(
    r'href="/archive/(\d{4})/(\d{1,2})/">[^<]*</a> <span class="count">\((\d+)\)'
)


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def month_counts(client) -> dict[tuple[int, int], int]:
    body = client.get("/archive/").content.decode()
    return {(int(y), int(m)): int(n) for y, m, n in MONTH_ROW.findall(body)}


@pytest.fixture
def spread(blog, other_blog, ada, ben, topic):
    """Posts over three months, two blogs and two authors, some sharing a publish time."""
    posts = []
    times = [at(2024, 1, 5)] * 3 + [at(2024, 1, 20), at(2024, 3, 2), at(2024, 3, 2)]
    times += [at(2024, 3, 15, hour) for hour in range(8)]
    for n, moment in enumerate(times):
        post = make_post(blog if n % 3 else other_blog, [ada] if n % 2 else [ben, ada],
                         title=f"Note {n}", slug=f"note-{n}", publish_at=moment)  # fmt: skip
        post.topics.add(topic)
        posts.append(post)
    return posts


def test_the_archive_counts_the_public_posts_of_each_month(client, spread):
    assert month_counts(client) == {(2024, 3): 10, (2024, 1): 4}


def test_a_month_with_only_drafts_and_scheduled_posts_is_not_in_the_archive(
    client, spread, blog, ada
):
    later = timezone.now() + datetime.timedelta(days=40)
    make_post(blog, [ada], title="Coming", slug="coming", status="scheduled", publish_at=later)
    make_post(blog, [ada], title="Old draft", slug="old-draft", status="draft",
              publish_at=at(2023, 6, 1))  # fmt: skip
    counts = month_counts(client)
    assert (2023, 6) not in counts
    assert (later.year, later.month) not in counts
    assert counts == {(2024, 3): 10, (2024, 1): 4}


def test_the_archive_counts_a_new_post_and_a_scheduled_one_once_its_time_comes(
    client, spread, blog, ada
):
    assert month_counts(client)[(2024, 1)] == 4
    make_post(blog, [ada], title="Late entry", slug="late-entry", publish_at=at(2024, 1, 30))
    assert month_counts(client)[(2024, 1)] == 5
    soon = timezone.now() + datetime.timedelta(hours=2)
    make_post(blog, [ada], title="Soon", slug="soon", status="scheduled", publish_at=soon)
    assert (soon.year, soon.month) not in month_counts(client)
    with time_machine.travel(soon + datetime.timedelta(minutes=1)):
        assert month_counts(client)[(soon.year, soon.month)] == 1


def test_the_archive_index_links_each_month_to_its_page_listing_that_many_posts(
    client, settings, spread
):
    settings.MASTHEAD_POSTS_PER_PAGE = 100
    for (year, month), count in month_counts(client).items():
        body = client.get(f"/archive/{year}/{month}/").content.decode()
        assert sum(f">Note {n}<" in body for n in range(len(spread))) == count


def titles_across_pages(client, url: str) -> list[str]:
    titles, page = [], 1
    while True:
        response = client.get(f"{url}?page={page}")
        if response.status_code == 404 and page > 1:
            return titles
        assert response.status_code == 200, (url, page)
        titles += re.findall(r">(Note \d+)<", response.content.decode())
        page += 1


def newest_first(posts) -> list[str]:
    ordered = sorted(posts, key=lambda post: (post.publish_at, post.pk), reverse=True)
    return [post.title for post in ordered]


@pytest.mark.parametrize(
    "listing", ["/energy/", "/authors/ada-okafor/", "/topics/grid-storage/", "/archive/2024/3/"]
)
def test_paging_through_a_listing_shows_every_public_post_once_newest_first(
    client, settings, spread, blog, ada, topic, listing
):
    settings.MASTHEAD_POSTS_PER_PAGE = 3
    hidden = make_post(blog, [ada], title="Note 99", slug="note-99", status="draft",
                       publish_at=at(2024, 3, 15))  # fmt: skip
    hidden.topics.add(topic)
    public = Post.objects.public()
    expected = {
        "/energy/": public.filter(blog=blog),
        "/authors/ada-okafor/": public.filter(authors=ada),
        "/topics/grid-storage/": public.filter(topics=topic),
        "/archive/2024/3/": public.filter(publish_at__gte=at(2024, 3, 1, 0)),
    }[listing]
    assert expected.count() >= 7
    assert titles_across_pages(client, listing) == newest_first(expected)


def test_a_page_past_the_last_is_not_found(client, settings, spread):
    settings.MASTHEAD_POSTS_PER_PAGE = 5
    assert client.get("/authors/ada-okafor/?page=3").status_code == 200
    assert client.get("/authors/ada-okafor/?page=4").status_code == 404
