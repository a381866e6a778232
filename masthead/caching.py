"""The shared cache as an optional helper: every cache call on a request's path goes through here.

Nothing Masthead keeps in the cache is the only copy of anything (rendered
fragments, pages of comments, the page-cache version, moderation rules), so a
cache that cannot be reached is treated as an empty one: a read is a miss, a
write or a delete does nothing. Views never need a ``try`` of their own.

When a call fails, the cache is taken to be down and is not asked again for
``RETRY_SECONDS`` (a stopped Redis would otherwise cost every request a failed
connection for each of its cache calls). The log says once that the cache is
unreachable and once that it is back, not once per request.

Only the cache's own failures (the server is down, a connection or a read timed
out) are turned into misses; a value that cannot be pickled is a bug and still
raises. Counts that must hold through an outage or an eviction (rate limits,
per-reader budgets) are kept in the database, not here.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT

try:
    from redis.exceptions import RedisError
except ImportError:  # a site without Redis: the local cache does not fail this way
    RedisError = OSError

logger = logging.getLogger("masthead.caching")

# How long a cache that failed is left alone before it is tried again.
RETRY_SECONDS = 1.0
CACHE_FAILURES = (RedisError, OSError)


class CacheHealth:
    """Whether the cache answered lately, and the two log lines of an outage."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self._next_try = 0.0

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def worth_trying(self) -> bool:
        return self.down_since is None or time.monotonic() >= self._next_try

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            self._next_try = now + RETRY_SECONDS
            if self.down_since is None:
                self.down_since = now
                logger.error(
                    "The cache is unreachable (%s: %s); pages are made from the database "
                    "until it is back.",
                    type(error).__name__,
                    error,
                )

    def answered(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is not None:
                logger.warning(
                    "The cache is reachable again after %.1f s.", time.monotonic() - self.down_since
                )
                self.down_since = None


health = CacheHealth()


def _call(method: str, *args, when_down, alias: str = "default", **kwargs):
    if not health.worth_trying():
        return when_down
    try:
        result = getattr(caches[alias], method)(*args, **kwargs)
    except CACHE_FAILURES as error:
        health.failed(error)
        return when_down
    health.answered()
    return result


def get(key: str, default=None):
    return _call("get", key, default, when_down=default)


def get_many(keys) -> dict:
    return _call("get_many", keys, when_down={})


def set(key: str, value, timeout=DEFAULT_TIMEOUT) -> None:  # noqa: A001 - the cache's own verb
    _call("set", key, value, timeout, when_down=None)


def add(key: str, value, timeout=DEFAULT_TIMEOUT, *, when_down: bool = False) -> bool:
    """True when the key was new; ``when_down`` when the cache could not say."""
    return _call("add", key, value, timeout, when_down=when_down)


def delete(key: str) -> None:
    _call("delete", key, when_down=None)


def delete_many(keys) -> None:
    _call("delete_many", keys, when_down=None)
