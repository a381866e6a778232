"""The Content API as a partner site's developer uses it: public posts only, filters, cursors,
conditional requests and CORS."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from masthead.changes import content_changed
from masthead.publishing.models import Post
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def titles(client, url):
    return [post["title"] for post in get(client, url)["items"]]


def test_the_posts_list_holds_the_public_posts_newest_first_and_nothing_else(client, archive):
    assert titles(client, "/api/v1/posts") == [
        "Batteries Will Not Save the Grid Alone",
        "Buses First",
    ]


def test_a_post_carries_byline_topics_body_image_canonical_address_and_reference(client, archive):
    post = get(client, "/api/v1/posts/energy/batteries-alone")
    assert post["blog"] == {"slug": "energy", "name": "Energy Desk"}
    assert [a["display_name"] for a in post["authors"]] == ["Ada Okafor", "Ben van der Berg"]
    assert post["authors"][1]["url"] == "http://testserver/authors/ben-van-der-berg/"
    assert post["topics"] == [{"slug": "grid-storage", "name": "Grid Storage"}]
    assert post["summary"] == "Storage helps, but transmission matters more."
    assert "<h2>Why storage is not enough</h2>" in post["body_html"]
    image = post["featured_image"]
    # The cleaned copy in its random folder, not the uploaded file by its own name.
    cleaned_copy = r"http://testserver/media/posts/\d{4}/[0-9a-f]{24}/full-64x36\.jpg"
    assert re.fullmatch(cleaned_copy, image["url"])
    assert (image["alt"], image["caption"], image["credit"]) == (
        "Pylons", "Lines at dusk", "Photo: J. Ruiz",
    )  # fmt: skip
    assert post["canonical_url"] == "http://testserver/energy/batteries-alone/"
    reference = post["csl"]
    assert reference["type"] == "post-weblog"
    assert reference["container-title"] == "Energy Desk"
    assert reference["author"][1] == {
        "family": "Berg", "given": "Ben", "non-dropping-particle": "van der",
    }  # fmt: skip


def test_a_post_without_an_image_says_so_with_null(client, archive):
    assert get(client, "/api/v1/posts/cities/buses-first")["featured_image"] is None


@pytest.mark.parametrize("slug", ["tariffs", "auction-preview"])
def test_drafts_and_scheduled_posts_are_not_found_before_their_time(client, archive, slug):
    response = client.get(f"/api/v1/posts/energy/{slug}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    for url in ["/api/v1/posts", "/api/v1/posts?blog=energy", "/api/v1/authors/ada-okafor"]:
        assert slug not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("blog=cities", ["Buses First"]),
        ("author=ada-okafor", ["Batteries Will Not Save the Grid Alone"]),
        ("author=ben-van-der-berg", ["Batteries Will Not Save the Grid Alone", "Buses First"]),
        ("topic=grid-storage&blog=cities", ["Buses First"]),
        ("q=LANES", ["Buses First"]),
        ("q=grid+alone", ["Batteries Will Not Save the Grid Alone"]),
        ("q=%00grid+alone", ["Batteries Will Not Save the Grid Alone"]),
        ("q=battery", ["Batteries Will Not Save the Grid Alone"]),  # the site search's stemming
        ("blog=nowhere", []),
    ],
)
def test_posts_can_be_filtered_by_blog_author_topic_and_words(client, archive, query, expected):
    assert titles(client, f"/api/v1/posts?{query}") == expected


def test_posts_can_be_filtered_by_an_inclusive_range_of_days(client, archive):
    older_day = timezone.localdate(archive["older"].publish_at)
    newer_day = timezone.localdate(archive["published"].publish_at)
    assert titles(client, f"/api/v1/posts?published_from={newer_day}") == [
        archive["published"].title
    ]
    assert titles(client, f"/api/v1/posts?published_to={older_day}") == [archive["older"].title]
    both = f"/api/v1/posts?published_from={older_day}&published_to={newer_day}"
    assert len(titles(client, both)) == 2
    assert titles(client, "/api/v1/posts?published_to=9999-12-31") != []


def test_a_day_must_be_written_as_a_date(client, archive):
    response = client.get("/api/v1/posts?published_to=0")
    assert response.status_code == 422
    assert "YYYY-MM-DD" in response.content.decode()


def test_following_next_walks_every_post_once_even_while_new_ones_are_published(
    client, archive, blog, ada
):
    for day in range(5):
        make_post(
            blog,
            [ada],
            title=f"Note {day}",
            publish_at=timezone.now() - datetime.timedelta(days=10 + day),
        )
    seen, url = [], "/api/v1/posts?limit=3&blog=energy"
    while url:
        page = get(client, url)
        seen += [post["title"] for post in page["items"]]
        make_post(blog, [ada], title=f"Fresh {len(seen)}")  # lands before the cursor
        url = page["next"]
        assert url is None or url.startswith("http://testserver/api/v1/posts?")
    assert seen == [archive["published"].title] + [f"Note {day}" for day in range(5)]


def test_a_cursor_the_api_did_not_give_out_is_refused_with_a_message(client, archive):
    for cursor in ["nonsense", "WzFd", "WyJ4IiwgMV0"]:
        response = client.get(f"/api/v1/posts?cursor={cursor}")
        assert response.status_code == 400
        assert "start again from the first page" in response.json()["detail"]


def test_authors_topics_and_blogs_are_listed_and_found_one_by_one(client, archive):
    authors = get(client, "/api/v1/authors?limit=2")
    assert len(authors["items"]) == 2 and authors["next"]
    rest = get(client, authors["next"].removeprefix("http://testserver"))
    assert {a["slug"] for a in authors["items"] + rest["items"]} == {
        "ada-okafor", "ben-van-der-berg", "energy-team",
    }  # fmt: skip
    team = get(client, "/api/v1/authors/energy-team")
    assert team["is_institutional"] is True and team["display_name"] == "Harbour Energy Team"
    assert [t["name"] for t in get(client, "/api/v1/topics")["items"]] == ["Grid Storage"]
    blog = get(client, "/api/v1/blogs/energy")
    assert blog["feeds"]["json"] == "http://testserver/energy/feed/json/"
    assert {b["slug"] for b in get(client, "/api/v1/blogs")["items"]} == {"energy", "cities"}
    assert client.get("/api/v1/topics/nothing").status_code == 404


def test_asking_again_with_the_etag_gets_304_until_something_changes(client, archive):
    first = client.get("/api/v1/posts")
    etag = first["ETag"]
    again = client.get("/api/v1/posts", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    post = archive["published"]
    post.title = "Batteries Alone Will Not Save the Grid"
    post.save()
    changed = client.get("/api/v1/posts", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["items"][0]["title"] == post.title


def test_asking_if_modified_since_the_last_change_gets_304_and_after_a_change_200(client, archive):
    url = "/api/v1/posts/energy/batteries-alone"
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    post = archive["published"]
    Post.objects.filter(pk=post.pk).update(
        summary="Changed.", modified_at=timezone.now() + datetime.timedelta(seconds=2)
    )
    content_changed()  # what code writing past the models' signals must say (the page cache)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_unpublishing_a_post_moves_the_lists_last_modified_on(client, archive):
    before = client.get("/api/v1/posts")["Last-Modified"]
    Post.objects.filter(pk=archive["older"].pk).update(
        status=Post.Status.DRAFT, modified_at=timezone.now() + datetime.timedelta(seconds=2)
    )
    content_changed()  # what code writing past the models' signals must say (the page cache)
    response = client.get("/api/v1/posts", HTTP_IF_MODIFIED_SINCE=before)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["items"]] == ["batteries-alone"]
    assert response["Last-Modified"] != before


def test_saving_a_draft_leaves_the_public_lists_last_modified_alone(client, archive):
    before = client.get("/api/v1/posts")
    draft = next(p for p in archive["hidden"] if p.status == Post.Status.DRAFT)
    Post.objects.filter(pk=draft.pk).update(
        body="A new paragraph.", modified_at=timezone.now() + datetime.timedelta(seconds=2)
    )
    content_changed()
    assert client.get("/api/v1/posts")["Last-Modified"] == before["Last-Modified"]
    after = client.get("/api/v1/posts", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 304


def test_a_scheduled_post_coming_due_counts_as_a_change_to_the_list(client, archive):
    """Its time comes without anyone saving it; a client that last asked before then
    gets the list again, with the post in it."""
    now = timezone.now()
    scheduled = archive["hidden"][1]
    Post.objects.update(modified_at=now - datetime.timedelta(days=2))
    Post.objects.filter(pk=scheduled.pk).update(publish_at=now - datetime.timedelta(hours=1))
    asked_before = http_date((now - datetime.timedelta(hours=2)).timestamp())
    response = client.get("/api/v1/posts", HTTP_IF_MODIFIED_SINCE=asked_before)
    assert response.status_code == 200
    assert scheduled.slug in [p["slug"] for p in response.json()["items"]]


def test_pages_on_other_sites_may_read_the_api_but_not_write_to_it(client, archive):
    response = client.get("/api/v1/posts", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/posts", HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )  # fmt: skip
    assert preflight.status_code == 200
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/api/v1/posts").status_code == 405


def test_the_sites_own_pages_are_not_opened_to_other_sites(client, archive):
    response = client.get("/energy/", HTTP_ORIGIN="https://partner.example")
    assert "Access-Control-Allow-Origin" not in response


def test_head_answers_with_the_headers_alone_and_options_names_the_methods(client, archive):
    head = client.head("/api/v1/posts")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == client.get("/api/v1/posts")["ETag"]
    options = client.options("/api/v1/posts")
    assert options["Allow"] == "GET, HEAD, OPTIONS"


def test_the_schema_is_openapi_3_and_describes_every_operation(client, archive):
    schema = client.get("/api/v1/schema").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/blogs", "/api/v1/blogs/{blog_slug}", "/api/v1/posts",
        "/api/v1/posts/{blog_slug}/{post_slug}", "/api/v1/authors",
        "/api/v1/authors/{author_slug}", "/api/v1/topics", "/api/v1/topics/{topic_slug}",
        "/api/v1/pages", "/api/v1/pages/{page_path}",
    }  # fmt: skip
    parameters = {p["name"] for p in schema["paths"]["/api/v1/posts"]["get"]["parameters"]}
    assert parameters == {
        "blog", "author", "topic", "published_from", "published_to", "q", "cursor", "limit",
    }  # fmt: skip


def test_the_posts_list_costs_the_same_queries_for_a_long_page_as_a_short_one(
    client, archive, blog, ada, ben, topic
):
    def queries_for(url):
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        return len(queries.captured_queries)

    short = queries_for("/api/v1/posts?limit=1")
    for number in range(12):
        make_post(blog, [ada, ben], title=f"More {number}").topics.add(topic)
    assert queries_for("/api/v1/posts?limit=14") == short


def test_the_json_is_not_wrapped_in_the_sites_error_page(client, archive):
    body = client.get("/api/v1/posts?limit=500").content
    assert json.loads(body)["detail"][0]["loc"] == ["query", "limit"]


HOSTILE_VALUES = ["\x00", "a\x00b", "x" * 5000, "%", "_", "' OR 1=1 --", "Tomás ✓", "-1", "9" * 40]


@pytest.mark.parametrize(
    "parameter",
    ["blog", "author", "topic", "published_from", "published_to", "q", "cursor", "limit"],
)
def test_any_value_of_any_parameter_gets_an_answer_in_json_never_a_server_error(
    client, archive, parameter
):
    for value in HOSTILE_VALUES:
        response = client.get("/api/v1/posts", {parameter: value})
        assert response.status_code in {200, 400, 422}, (parameter, value)
        assert isinstance(response.json(), dict)


@pytest.mark.parametrize("value", ["a\x00b", "x" * 500, "Tomás"])
def test_any_address_under_the_api_gets_a_json_answer(client, archive, value):
    for prefix in ["/api/v1/posts/energy/", "/api/v1/authors/", "/api/v1/blogs/"]:
        response = client.get(prefix + value)
        assert response.status_code in {404, 422}
        assert "detail" in response.json()
