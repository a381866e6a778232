"""The page version: one value, shared by every process and server, that any change moves on.

Stored pages carry the version they were rendered under and are served only
while it is current. Each process re-reads the shared value at most every
``CHECK_SECONDS``, so a change shows everywhere within that (plus a render).

Where the shared value lives:

- with a shared Django cache (``REDIS_URL``): a key in it, so several servers agree;
- otherwise (SQLite, the default): a small file beside the database in the data
  folder. Every process of the site already shares that folder, and reading a
  file costs microseconds in the event loop, where a database query would need a
  thread and a connection of its own. A site spread over several machines runs
  with ``REDIS_URL`` anyway (rate limits need it too).

A value is a random token, never a counter: a token that was lost (an evicted
key, a deleted file) is replaced by a new one, never by an old value that pages
stored long ago might still carry.
"""

import asyncio
import itertools
import logging
import os
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings

from masthead import caching

logger = logging.getLogger(__name__)

# How stale one process's view of the shared version may be (the issue allows 1 s in all).
CHECK_SECONDS = 0.3
CACHE_KEY = "pagecache:content-version"
FILE_NAME = "page-cache-version"


def new_token() -> str:
    return secrets.token_hex(8)


class FileVersionStore:
    """The shared version as a file's contents, replaced whole (``os.replace``) on each change."""

    blocking = False

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> str:
        try:
            return self.path.read_text()
        except FileNotFoundError:
            return self.bump()

    def bump(self) -> str:
        token = new_token()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        draft = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        draft.write_text(token)
        os.replace(draft, self.path)
        return token


class SharedVersionUnknown(Exception):
    """The shared cache could not be asked (it is down): no stored page may be trusted."""


class CacheVersionStore:
    """The shared version as a key in the shared Django cache (Redis).

    Read and written through ``masthead.caching``, which logs an outage once. A
    change made while the cache is down cannot be told to the other processes; it
    is remembered and told as soon as the cache answers again, so no process keeps
    serving pages the change made stale once the outage is over.
    """

    # A network round trip: the event loop asks for it from a thread.
    blocking = True

    def __init__(self):
        self._untold_change = False

    def read(self) -> str:
        if self._untold_change:
            self.bump()
        token = caching.get(CACHE_KEY)
        if token is None:
            caching.add(CACHE_KEY, new_token(), timeout=None)
            token = caching.get(CACHE_KEY)
        if token is None or caching.health.is_down:
            raise SharedVersionUnknown
        return token

    def bump(self) -> str:
        token = new_token()
        caching.set(CACHE_KEY, token, timeout=None)
        # Only a write the cache answered is known to have landed.
        self._untold_change = caching.health.is_down
        return token


def shared_store():
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return FileVersionStore(Path(settings.DATA_DIR) / FILE_NAME)
    return CacheVersionStore()


class PageVersion:
    """This process's view of the page version: ``(shared token, local generation)``.

    Both move when this process publishes a change (after the commit, see
    ``masthead.changes``): the shared token for every other process, the local
    generation so that this one never serves a page it stored before its own
    change, even if another process happened to draw the same token.
    """

    def __init__(self, store=None):
        self._store = store
        self._lock = threading.Lock()
        self._generations = itertools.count(1)
        self._shared = ""
        self._local = 0
        self._checked_at = float("-inf")
        self.value: tuple[str, int] = ("", 0)

    @property
    def store(self):
        if self._store is None:
            self._store = shared_store()
        return self._store

    def current(self) -> tuple[str, int]:
        if time.monotonic() - self._checked_at >= CHECK_SECONDS:
            self.refresh()
        return self.value

    async def current_async(self) -> tuple[str, int]:
        if time.monotonic() - self._checked_at >= CHECK_SECONDS:
            if self.store.blocking:
                await asyncio.to_thread(self.refresh)
            else:
                self.refresh()
        return self.value

    def refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._checked_at < CHECK_SECONDS:
                return  # another thread just did
            try:
                shared = self.store.read()
            except SharedVersionUnknown:
                # Said once in the log by masthead.caching. A token nothing was stored
                # under: pages are made afresh from the database while the cache is away.
                shared = new_token()
            except Exception:
                # Unknown: a token nothing was stored under, so nothing stored is served.
                logger.exception("The shared page-cache version could not be read")
                shared = new_token()
            self._checked_at = time.monotonic()
            self._set(shared, self._local)

    def publish_change(self) -> None:
        """Move the shared version on, for every process; this one sees it at once."""
        token = self.store.bump()
        with self._lock:
            self._checked_at = time.monotonic()
            self._set(token, next(self._generations))

    def forget(self) -> None:
        """Read the shared version afresh on next use (tests that switch stores)."""
        with self._lock:
            self._store = None
            self._checked_at = float("-inf")

    def _set(self, shared: str, local: int) -> None:
        self._shared, self._local = shared, local
        self.value = (shared, local)


page_version = PageVersion()
