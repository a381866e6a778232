"""Cached parts of pages (the navigation, a post's article, metadata and references) never go stale.

Each test reads a page once so its fragments are cached, changes something an
editor can change, and reads the page again: the change must show at once.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.citations.models import FormattedCitation, PostDoi
from masthead.publishing.fragment_version import fragment_version
from masthead.publishing.models import Author, ContentVersion, PostAuthor, Topic
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def read(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def read_twice(client, url) -> str:
    """The page as a second reader gets it, from the fragments the first one left cached."""
    read(client, url)
    return read(client, url)


def test_a_second_reader_of_a_post_gets_the_same_page_with_fewer_queries(client, published_post):
    url = published_post.get_absolute_url()
    with CaptureQueriesContext(connection) as first:
        first_page = read(client, url)
    with CaptureQueriesContext(connection) as second:
        second_page = read(client, url)
    assert len(second) < len(first)

    def without_form_token(html):  # the comment form's timestamp is fresh on every view
        return [line for line in html.splitlines() if 'name="started"' not in line]

    assert without_form_token(second_page) == without_form_token(first_page)


def test_renaming_an_author_shows_in_the_byline_and_metadata_at_once(client, published_post, ada):
    read_twice(client, published_post.get_absolute_url())
    ada.display_name, ada.family_name = "Ada Okafor-Mensah", "Okafor-Mensah"
    ada.save()
    html = read(client, published_post.get_absolute_url())
    assert ">Ada Okafor-Mensah</a>" in html
    assert '<meta name="citation_author" content="Okafor-Mensah, Ada">' in html


def test_correcting_a_post_shows_the_new_text_and_the_correction_at_once(client, published_post):
    read_twice(client, published_post.get_absolute_url())
    published_post.body = "Storage shifts power in time; **new lines** shift it in space."
    published_post.correction_note = "We misstated what storage does."
    published_post.updated_at = timezone.now()
    published_post.save()
    html = read(client, published_post.get_absolute_url())
    assert "<strong>new lines</strong>" in html
    assert "We misstated what storage does." in html
    assert "1 update since first publication" in html


def test_a_new_topic_and_a_new_co_author_show_at_once(client, published_post, research_team):
    read_twice(client, published_post.get_absolute_url())
    published_post.topics.add(Topic.objects.create(name="Transmission", slug="transmission"))
    PostAuthor.objects.create(post=published_post, author=research_team, position=2)
    html = read(client, published_post.get_absolute_url())
    assert 'href="/topics/transmission/">Transmission</a>' in html
    assert 'href="/authors/energy-team/">Harbour Energy Team</a>' in html


def test_renaming_the_institution_or_a_blog_shows_on_every_page_at_once(
    client, published_post, institution, blog
):
    for url in ("/", published_post.get_absolute_url(), "/energy/"):
        read_twice(client, url)
    institution.name = "Harbour Institute for Public Policy"
    institution.save()
    blog.name = "Energy and Climate Desk"
    blog.save()
    for url in ("/", published_post.get_absolute_url(), "/energy/"):
        html = read(client, url)
        assert "Harbour Institute for Public Policy" in html, url
        assert "Harbour Institute for Public Affairs" not in html, url
        assert ">Energy and Climate Desk</a>" in html, url


def test_a_new_blog_joins_every_pages_navigation_at_once(client, published_post):
    read_twice(client, published_post.get_absolute_url())
    from masthead.publishing.models import Blog

    Blog.objects.create(name="Health Desk", slug="health", tagline="Health")
    assert 'href="/health/">Health Desk</a>' in read(client, published_post.get_absolute_url())


def test_a_doi_and_a_newly_stored_reference_show_at_once(client, published_post):
    url = published_post.get_absolute_url()
    assert "This reference is being prepared" in read_twice(client, url)
    PostDoi.objects.create(post=published_post, doi="10.12345/abcdefg12")
    html = read(client, url)
    assert "DOI: 10.12345/abcdefg12" in html
    assert '<meta name="citation_doi" content="10.12345/abcdefg12">' in html


def test_a_reference_formatted_by_the_worker_replaces_the_pending_note_at_once(
    client, published_post, django_capture_on_commit_callbacks
):
    from masthead.citations.formatting import core_styles, format_posts
    from masthead.publishing.models import Post

    url = published_post.get_absolute_url()
    assert "This reference is being prepared" in read_twice(client, url)
    format_posts(list(Post.objects.with_byline().filter(pk=published_post.pk)), core_styles())
    assert FormattedCitation.objects.filter(post=published_post).exists()
    html = read(client, url)
    assert "This reference is being prepared" not in html
    assert "Batteries Will Not Save the Grid Alone" in html.split('id="cite-dialog"')[1]


def test_a_withdrawn_post_is_gone_even_while_its_fragments_are_cached(
    client, published_post, editor
):
    url = published_post.get_absolute_url()
    read_twice(client, url)
    published_post.withdraw(by=editor)
    assert client.get(url).status_code == 404


def test_an_unpublished_post_in_preview_leaves_nothing_for_the_public_page(
    client, editor, blog, ada
):
    draft = make_post(blog, [ada], title="Draft Text Nobody Reads", slug="draft-text",
                      status="draft", body="Still being written.")  # fmt: skip
    client.force_login(editor)
    assert "Draft Text Nobody Reads" in read(client, f"/preview/{draft.pk}/")
    client.logout()
    draft.title = "The Published Title"
    draft.save()
    draft.publish(by=None)
    html = read(client, draft.get_absolute_url())
    assert "The Published Title" in html
    assert "Draft Text Nobody Reads" not in html


def test_every_edit_gives_the_database_a_new_fragment_version(published_post, ada):
    """The version lives in a database row, so every server process sees the same one."""
    seen = {fragment_version()}
    ada.role = "Director"
    ada.save()
    seen.add(fragment_version())
    Author.objects.create(display_name="New Writer", slug="new-writer")
    seen.add(fragment_version())
    published_post.topics.clear()
    seen.add(fragment_version())
    assert len(seen) == 4
    assert ContentVersion.objects.get().token == fragment_version()


LISTINGS = ("/", "/energy/", "/authors/ada-okafor/", "/topics/grid-storage/")


def test_a_retitled_post_shows_its_new_title_in_every_list_at_once(client, published_post):
    month = timezone.localtime(published_post.publish_at)
    listings = (*LISTINGS, f"/archive/{month.year}/{month.month}/")
    for url in listings:
        assert "Batteries Will Not Save the Grid Alone" in read_twice(client, url), url
    published_post.title = "Storage Alone Cannot Balance the Grid"
    published_post.save()
    for url in listings:
        html = read(client, url)
        assert "Storage Alone Cannot Balance the Grid" in html, url
        assert "Batteries Will Not Save the Grid Alone" not in html, url


def test_a_newly_published_post_is_listed_and_counted_in_the_pages_at_once(
    client, settings, published_post, blog, ada, topic
):
    settings.MASTHEAD_POSTS_PER_PAGE = 1
    for url in LISTINGS[1:]:
        assert "Page 1 of" not in read_twice(client, url), url
        assert client.get(url + "?page=2").status_code == 404, url
    an_hour_later = published_post.publish_at + datetime.timedelta(hours=1)
    newer = make_post(
        blog, [ada], title="Transmission First", slug="transmission-first", publish_at=an_hour_later
    )
    newer.topics.add(topic)
    for url in LISTINGS[1:]:
        first, second = read(client, url), read(client, url + "?page=2")
        assert "Transmission First" in first and "Page 1 of 2" in first, url
        assert "Batteries Will Not Save the Grid Alone" in second, url
