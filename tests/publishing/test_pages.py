"""Every public page answers with what a reader expects to find on it."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.conftest import illustrate, make_post

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def illustrated_post(published_post, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return illustrate(
        published_post,
        alt="Transmission towers against an evening sky",
        caption="New lines carry wind power inland.",
        credit="Photo: Harbour design desk",
    )


def test_the_hub_lists_each_blog_with_its_tagline_and_latest_posts(
    client, published_post, other_blog
):
    html = page(client, "/")
    assert "Energy Desk" in html and "Cities Lab" in html
    assert "Experts give their take on the energy transition" in html
    assert published_post.title in html


def test_a_post_page_carries_the_whole_anatomy(client, illustrated_post):
    html = page(client, illustrated_post.get_absolute_url())
    # institution, blog and tagline, linked
    assert 'href="/">Harbour Institute for Public Affairs</a>' in html
    assert 'href="/energy/">Energy Desk</a>' in html
    assert "Experts give their take on the energy transition" in html
    # one h1: the title
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == [illustrated_post.title]
    # byline in order, each linked to a profile
    assert (
        'By <a href="/authors/ada-okafor/">Ada Okafor</a> and '
        '<a href="/authors/ben-van-der-berg/">Ben van der Berg</a>'
    ) in html
    stamp = illustrated_post.publish_at
    assert f'<time datetime="{stamp.isoformat()}">' in html
    # figure with alt text, caption and credit
    assert 'alt="Transmission towers against an evening sky"' in html
    assert "<figcaption>New lines carry wind power inland." in html
    assert "Photo: Harbour design desk" in html
    # body, actions, discussion
    assert "<h2>Why storage is not enough</h2>" in html
    assert 'data-action="print"' in html
    assert ">Cite</a>" in html
    assert 'id="comments"' in html


def test_a_corrected_post_says_updated_with_its_note(client, published_post):
    published_post.updated_at = timezone.now()
    published_post.correction_note = "An earlier version misstated the storage capacity."
    published_post.save()
    html = page(client, published_post.get_absolute_url())
    assert "Updated <time" in html
    assert "An earlier version misstated the storage capacity." in html


def test_the_post_page_html_holds_nothing_per_reader(client, editor, published_post):
    """Anonymous pages are cacheable whole: no CSRF token or session markup inside."""
    response = client.get(published_post.get_absolute_url())
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_a_blog_index_paginates_newest_first(client, blog, ada, settings):
    settings.MASTHEAD_POSTS_PER_PAGE = 2
    now = timezone.now()
    for day in range(5):
        make_post(
            blog, [ada], title=f"Post {day}", slug=f"post-{day}",
            publish_at=now - datetime.timedelta(days=day + 1),
        )  # fmt: skip
    first = page(client, "/energy/")
    assert first.index("Post 0") < first.index("Post 1")
    assert "Post 2" not in first
    assert "Page 1 of 3" in first
    assert "Post 4" in page(client, "/energy/?page=3")


@pytest.mark.parametrize("raw", ["0", "99", "abc", "-1", "1e9", "%00"])
def test_a_page_number_that_is_not_a_page_answers_404(client, published_post, raw):
    html = page(client, f"/energy/?page={raw}", status=404)
    assert "We could not find that page" in html


def test_an_author_page_shows_the_bio_and_their_posts(client, published_post, research_team):
    html = page(client, "/authors/ada-okafor/")
    assert "Senior Fellow" in html and "Ada studies electricity markets." in html
    assert published_post.title in html
    assert published_post.title not in page(client, "/authors/energy-team/")


def test_a_topic_page_lists_its_posts(client, published_post):
    html = page(client, "/topics/grid-storage/")
    assert "Grid Storage" in html and published_post.title in html


def test_unknown_pages_answer_404_in_the_sites_look(client, institution):
    html = page(client, "/no-such-blog/", status=404)
    assert "We could not find that page" in html
    assert "Harbour Institute for Public Affairs" in html
    page(client, "/energy/no-such-post/", status=404)
    page(client, "/authors/nobody/", status=404)


def test_a_server_error_answers_500_in_the_sites_look(client, institution):
    with override_settings(ROOT_URLCONF="tests.publishing.failing_urls"):
        client.raise_request_exception = False
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_pages_refuse_methods_that_change_things(client, published_post):
    response = client.post(published_post.get_absolute_url())
    assert response.status_code == 405


def test_the_hub_shows_the_three_newest_posts_of_each_blog_newest_first(
    client, blog, other_blog, ada
):
    now = timezone.now()
    for day in range(6):
        for desk in (blog, other_blog):
            make_post(
                desk, [ada], title=f"{desk.slug} day {day}", slug=f"{desk.slug}-day-{day}",
                publish_at=now - datetime.timedelta(days=day + 1),
            )  # fmt: skip
    html = page(client, "/")
    for desk in ("energy", "cities"):
        shown = re.findall(rf">{desk} day (\d)</a>", html)
        assert shown == ["0", "1", "2"], desk
