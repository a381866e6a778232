"""Each public page type is kept whole for readers without a session, with headers for caches."""

import pytest
from django.utils import timezone
from django.utils.http import http_date

from masthead.pagecache import reset

POST = "/energy/batteries-alone/"

PUBLIC_PAGES = [
    ("hub", "/"),
    ("blog", "/energy/"),
    ("blog, second page", "/energy/?page=1"),
    ("post", POST),
    ("post, a page of its comments", POST + "?comments=1"),
    ("author", "/authors/ada-okafor/"),
    ("topic", "/topics/grid-storage/"),
    ("archive", "/archive/"),
    ("site feed (Atom)", "/feed/"),
    ("site feed (RSS)", "/feed/rss/"),
    ("site feed (JSON Feed)", "/feed/json/"),
    ("blog feed", "/energy/feed/"),
    ("author feed", "/authors/ada-okafor/feed/"),
    ("topic feed", "/topics/grid-storage/feed/"),
    ("sitemap", "/sitemap.xml"),
    ("robots.txt", "/robots.txt"),
    ("cite page", POST + "cite/"),
    ("BibTeX", "/energy/batteries-alone/cite.bib"),
    ("RIS", "/energy/batteries-alone/cite.ris"),
    ("CSL-JSON", "/energy/batteries-alone/cite.json"),
    ("search results", "/search/?q=batteries"),
    ("search suggestions", "/search/suggest/?q=batt"),
    ("OpenSearch description", "/opensearch.xml"),
    ("API post list", "/api/v1/posts"),
    ("API post", "/api/v1/posts/energy/batteries-alone"),
    ("API blogs", "/api/v1/blogs"),
    ("API schema", "/api/v1/schema"),
]
PAGE_IDS = [name for name, _ in PUBLIC_PAGES]


def vary_names(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize(("name", "url"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_a_public_page_sets_no_cookie_and_does_not_vary_on_cookies(client, site, name, url):
    response = client.get(url)
    assert response.status_code == 200, name
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "cookie" not in vary_names(response)


@pytest.mark.parametrize(("name", "url"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_a_public_page_does_not_vary_on_cookies_for_a_signed_in_editor_either(
    client, site, editor, name, url
):
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200, name
    assert "cookie" not in vary_names(response)
    assert not response.cookies


@pytest.mark.parametrize(("name", "url"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_a_second_reader_gets_the_stored_page_with_the_headers_caches_need(client, site, name, url):
    first = client.get(url)
    second = client.get(url)
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "public" in second["Cache-Control"] or "max-age" in second["Cache-Control"]


@pytest.mark.parametrize(("name", "url"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_a_reader_with_the_current_copy_gets_a_bodiless_304(client, site, name, url):
    etag = client.get(url)["ETag"]
    by_tag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert by_tag.status_code == 304
    assert by_tag.content == b""
    assert by_tag["ETag"] == etag
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(timezone.now().timestamp() + 5))
    assert by_date.status_code == 304


def test_a_page_made_again_to_the_same_bytes_still_answers_304(client, site):
    first = client.get("/energy/")
    reset()  # a server started afresh: the page is made again, to the same bytes
    again = client.get("/energy/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_copy_older_than_the_page_gets_the_whole_page(client, site):
    first = client.get(POST)
    site["post"].title = "Batteries, Revisited"
    site["post"].save()
    response = client.get(POST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert b"Batteries, Revisited" in response.content


def test_pages_tell_cdns_how_long_they_may_keep_them(client, site, settings):
    settings.MASTHEAD_PAGE_CACHE_MAX_AGE = 5
    settings.MASTHEAD_PAGE_CACHE_SHARED_MAX_AGE = 20
    directives = {d.strip() for d in client.get("/").get("Cache-Control").split(",")}
    assert directives == {"public", "max-age=5", "s-maxage=20", "stale-while-revalidate=20"}


def test_a_head_request_is_answered_from_the_stored_page_without_a_body(client, site):
    stored = client.get(POST)
    head = client.head(POST)
    assert head.status_code == 200
    assert head["X-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == str(len(stored.content))


def test_a_reader_signed_in_gets_the_page_made_afresh(client, site, editor):
    client.get(POST)
    client.force_login(editor)
    response = client.get(POST)
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_tracking_parameters_share_the_page_and_are_not_written_into_it(client, site, blog, ada):
    from tests.conftest import make_post

    make_post(blog, [ada], title="Second Thoughts on Storage", publish_at=timezone.now())
    tracked = client.get("/api/v1/posts?limit=1&utm_source=newsletter&fbclid=Iw4Rclick9")
    assert tracked["X-Cache"] == "miss"
    # The next page's link keeps what the page reads and nothing of where the reader came from.
    assert b"limit=1" in tracked.content
    assert b"utm_source" not in tracked.content and b"Iw4Rclick9" not in tracked.content
    plain = client.get("/api/v1/posts?limit=1")
    assert plain["X-Cache"] == "hit"
    assert plain.content == tracked.content


def test_different_pages_of_a_list_are_kept_apart(client, site, blog, ada, settings):
    from tests.conftest import make_post

    settings.MASTHEAD_POSTS_PER_PAGE = 1
    make_post(blog, [ada], title="Second Thoughts on Storage", publish_at=timezone.now())
    first = client.get("/energy/")
    second = client.get("/energy/?page=2")
    assert b"Second Thoughts on Storage" in first.content
    assert b"Batteries Will Not Save the Grid Alone" in second.content
    assert b"Second Thoughts on Storage" not in second.content
    assert client.get("/energy/?page=2")["X-Cache"] == "hit"


def test_a_missing_page_is_not_kept(client, site):
    client.get("/energy/no-such-post/")
    again = client.get("/energy/no-such-post/")
    assert again.status_code == 404
    assert "X-Cache" not in again


def test_made_up_query_strings_cannot_push_the_pages_out(client, site, settings):
    settings.MASTHEAD_PAGE_CACHE_MEGABYTES = 1
    client.get(POST)
    client.get("/")
    for number in range(150):
        client.get(f"/search/?q=batteries+{number}")
    assert client.get(POST)["X-Cache"] == "hit"
    assert client.get("/")["X-Cache"] == "hit"


def test_the_cache_can_be_turned_off(client, site, settings):
    settings.MASTHEAD_PAGE_CACHE = False
    client.get(POST)
    response = client.get(POST)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "ETag" not in response


def test_a_stored_page_is_made_afresh_after_the_longest_time_a_page_is_kept(client, site, settings):
    import time

    settings.MASTHEAD_PAGE_CACHE_SECONDS = 1
    client.get(POST)
    assert client.get(POST)["X-Cache"] == "hit"
    time.sleep(1.1)
    assert client.get(POST)["X-Cache"] == "miss"


def test_the_api_answer_for_another_sites_page_is_kept_apart_from_a_direct_one(client, site):
    other_site = {"HTTP_ORIGIN": "https://partner.example.com"}
    from_a_page = client.get("/api/v1/posts", **other_site)
    direct = client.get("/api/v1/posts")
    assert from_a_page["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in direct
    again = client.get("/api/v1/posts", **other_site)
    assert again["X-Cache"] == "hit"
    assert again["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/posts")
