"""A comment that is not approved appears in no public response."""

import pytest
from django.core.cache import cache

from harness.caches import every_stored_value, redis_server
from masthead.discussion.models import Comment

from .conftest import submit

pytestmark = [pytest.mark.django_db, pytest.mark.server]  # a real Redis beside the local cache

SECRET_WORDS = "Unpublished-marmalade-words"


def feed_urls(post):
    """Every feed the post is in, in every format."""
    author, topic = post.byline[0], post.topics.get()
    scopes = ["/", f"/{post.blog.slug}/", f"/authors/{author.slug}/", f"/topics/{topic.slug}/"]
    return [f"{scope}feed/{fmt}" for scope in scopes for fmt in ("", "rss/", "json/")]


def api_urls(post):
    """Every Content API answer the post is in."""
    return [
        "/api/v1/posts",
        f"/api/v1/posts?blog={post.blog.slug}",
        f"/api/v1/posts/{post.blog.slug}/{post.slug}",
        "/api/v1/posts?q=marmalade",
    ]


def public_responses(client, post):
    """Every public page that could show a comment; each must really answer (200)."""
    urls = [
        *feed_urls(post),
        *api_urls(post),
        "/api/v1/blogs",
        "/api/v1/authors",
        "/api/v1/topics",
        post.get_absolute_url(),
        post.get_absolute_url() + "?comments=2",
        "/",
        post.blog.get_absolute_url(),
        "/sitemap.xml",
        "/archive/",
        "/search/?q=marmalade",
    ]
    responses = {url: client.get(url) for url in urls}
    for url, response in responses.items():
        assert response.status_code == 200, url
    return responses


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture(params=["local memory", "Redis"])
def each_cache_backend(request, settings):
    """The invariant holds in the default cache and in the Redis cache of larger sites."""
    if request.param == "Redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


def secret_in_cache() -> bool:
    return any(SECRET_WORDS.encode() in value for value in every_stored_value())


@pytest.mark.parametrize("fate", ["pending", "rejected", "spam", "withdrawn"])
def test_a_comment_that_is_not_approved_is_in_no_public_response(
    client, published_post, moderator, fate, each_cache_backend
):
    submit(client, published_post, body=f"{SECRET_WORDS} and more")
    comment = Comment.objects.get()
    if fate == "rejected":
        comment.approve(by=moderator)
        client.get(published_post.get_absolute_url())  # now cached while approved
        assert secret_in_cache()  # the check below can see what the cache holds
        comment.reject("Off topic", by=moderator)
    elif fate == "spam":
        comment.mark_spam(by=moderator)
    elif fate == "withdrawn":
        comment.withdraw()
    for url, response in public_responses(client, published_post).items():
        assert SECRET_WORDS not in response.content.decode(), url
    # The feeds and the API answered, with the post in them.
    for url in feed_urls(published_post) + api_urls(published_post)[:3]:
        assert published_post.title in client.get(url).content.decode(), url
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert '<h2 id="comments-heading">0 Comments</h2>' in page
    # Nor is it sitting in the cache under any key a page could read.
    assert not secret_in_cache()


def test_the_count_is_read_from_the_stored_thread_not_counted_per_view(
    client, published_post, moderator, django_assert_max_num_queries
):
    for number in range(3):
        submit(client, published_post, body=f"Comment {number}", email=f"x{number}@example.org")
    for comment in Comment.objects.all():
        comment.approve(by=moderator)
    client.get(published_post.get_absolute_url())  # warm the comment cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get(published_post.get_absolute_url()).content.decode()
    assert "3 Comments" in page
    assert not any("discussion_comment" in q["sql"] and "COUNT" in q["sql"].upper()
                   for q in queries.captured_queries)  # fmt: skip
