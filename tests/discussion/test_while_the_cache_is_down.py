"""With Redis configured and stopped, the site still reads, takes comments and moderates.

The cache holds only copies; while it cannot be reached every public page is made
from the database, comments are stored, moderators decide, and the log says once
that the cache is away and once that it is back.
"""

import logging
import time

import pytest

from harness.caches import RestartableRedis
from masthead import caching
from masthead.discussion.models import Comment

from .conftest import submit
from .test_public_invariant import public_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    local = settings.CACHES
    with RestartableRedis() as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        caching.health.answered()
        yield redis
        # The suite's own teardown clears the cache: the local one again, not a stopped Redis.
        settings.CACHES = local
    caching.health.answered()


def cache_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "masthead.caching"]


def test_every_public_page_comments_and_moderation_work_while_redis_is_stopped(
    client, moderator_client, published_post, redis_cache, caplog
):
    caplog.set_level(logging.WARNING, logger="masthead.caching")
    public_responses(client, published_post)  # the cache is filled
    redis_cache.stop()

    public_responses(client, published_post)  # asserts 200 for each
    response = submit(client, published_post, body="Written while the cache was away.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == comment.get_status_url()

    assert moderator_client.get("/moderation/").status_code == 200
    decided = moderator_client.post(
        f"/moderation/{comment.pk}/decide/", {"action": "approve", "revision": comment.revision}
    )
    assert decided.status_code == 302
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Written while the cache was away." in page

    lines = cache_lines(caplog)
    assert len(lines) == 1 and "unreachable" in lines[0]

    redis_cache.start()
    time.sleep(caching.RETRY_SECONDS + 0.1)
    public_responses(client, published_post)
    lines = cache_lines(caplog)
    assert len(lines) == 2 and "reachable again" in lines[1]


def test_a_page_changed_while_redis_was_away_is_not_served_stale_once_it_is_back(
    client, published_post, moderator, redis_cache
):
    """A change made during the outage is told to every process when Redis answers again."""
    from masthead.pagecache.version import CacheVersionStore

    store = CacheVersionStore()
    before = store.read()
    redis_cache.stop()
    store.bump()  # a change nobody else could be told about
    redis_cache.process = None
    # Redis back with its old contents would still say ``before``; ours restarts empty,
    # so put the old token back as a Redis that was only unreachable would have kept it.
    redis_cache.start()
    time.sleep(caching.RETRY_SECONDS + 0.1)
    from django.core.cache import cache

    from masthead.pagecache.version import CACHE_KEY

    cache.set(CACHE_KEY, before, timeout=None)
    assert store.read() != before
