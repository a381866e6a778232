"""The in-process store of ready answers, and what decides whether a request may use it.

Everything here works on plain values (bytes, strings, tuples) so that the
ASGI handler can answer from it before Django builds a request, and Django's
middleware (under WSGI and the test client) can answer from the same entries.
"""

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.utils.http import parse_etags, parse_http_date_safe

# Never stored nor answered from the store, whatever their headers say: per-person or
# staff pages, and files that WhiteNoise and the media view already serve well.
NEVER_STORED_PREFIXES = ("/admin/", "/moderation/", "/preview/", "/comments/", "/static/",
                         "/media/")  # fmt: skip

# Query parameters that mark where a reader came from and that no page reads: a link
# shared on a social network carries a different click id for every reader, which would
# make every one of them a first visitor. They are taken off before the page is made.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "twclid", "igshid", "mc_cid",
     "mc_eid", "_ga", "ref_src"}
)  # fmt: skip
TRACKING_PREFIX = "utm_"

# A URL keeps at most this many variants (one per value of the headers its answer varies on).
MAX_VARIANTS = 8


def without_tracking(query: str) -> str:
    """``query`` without the tracking parameters; the other parameters keep their order."""
    if not query:
        return ""
    kept = []
    for part in query.split("&"):
        name = part.split("=", 1)[0]
        if part and not (name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIX)):
            kept.append(part)
    return "&".join(kept)


def page_key(scheme: str, host: str, path: str, query: str) -> tuple:
    # A tuple, not a string: a path may hold a decoded "?" and must not meet a query.
    return (scheme, host, path, query)


def is_session_cookie_header(cookie: str) -> bool:
    """Whether a Cookie header may carry the session cookie (a near miss only costs a render)."""
    return f"{settings.SESSION_COOKIE_NAME}=" in cookie


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def cache_control_value() -> str:
    browsers = settings.MASTHEAD_PAGE_CACHE_MAX_AGE
    shared = settings.MASTHEAD_PAGE_CACHE_SHARED_MAX_AGE
    return f"public, max-age={browsers}, s-maxage={shared}, stale-while-revalidate={shared}"


def not_modified(page: "StoredPage", if_none_match, if_modified_since) -> bool:
    """Whether the client's copy is this one (RFC 9110: If-None-Match wins when both are sent)."""
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        wanted = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        return page.etag.removeprefix("W/") in wanted
    if if_modified_since is not None:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and page.last_modified_at <= since
    return False


# Headers a 304 repeats from the full answer (RFC 9110 §15.4.5), lower case.
NOT_MODIFIED_HEADERS = frozenset({"cache-control", "content-location", "date", "etag", "expires",
                                  "vary", "last-modified", "x-cache"})  # fmt: skip


class StoredPage:
    """One ready answer: status, headers and body as the server sends them."""

    __slots__ = ("version", "expires", "status", "headers", "not_modified_headers", "body",
                 "etag", "last_modified_at", "size")  # fmt: skip

    def __init__(self, *, version, expires, status, headers, body, etag, last_modified_at):
        self.version = version
        self.expires = expires
        self.status = status
        self.etag = etag
        self.last_modified_at = last_modified_at
        self.body = body
        # Sent on a hit: the stored headers and the word that it was one.
        self.headers = [*headers, (b"x-cache", b"hit")]
        self.not_modified_headers = [
            (name, value) for name, value in self.headers if name.decode() in NOT_MODIFIED_HEADERS
        ]
        self.size = len(body) + sum(len(name) + len(value) for name, value in self.headers) + 200

    def is_current(self, version, now: float) -> bool:
        return self.version == version and now < self.expires


class StoredVariants:
    """The answers of one URL whose pages vary on request headers, one per set of values."""

    __slots__ = ("vary", "variants", "size")

    def __init__(self, vary: tuple[bytes, ...]):
        self.vary = vary
        self.variants: OrderedDict[tuple, StoredPage] = OrderedDict()
        self.size = 0


class PageStore:
    """Ready answers by URL, within a byte budget, least recently used going first.

    Pages without a query string have most of the budget to themselves, so that
    requests with made-up query strings can only push out one another.
    """

    def __init__(self, budget_bytes: int | None = None):
        self._budget = budget_bytes
        self._lock = threading.Lock()
        self.clear()

    @property
    def budget(self) -> int:
        if self._budget is None:
            return settings.MASTHEAD_PAGE_CACHE_MEGABYTES * 1024 * 1024
        return self._budget

    def clear(self) -> None:
        with self._lock:
            # One segment for plain URLs, one for those with a query string.
            self._segments = (OrderedDict(), OrderedDict())
            self._sizes = [0, 0]

    def __len__(self) -> int:
        return sum(len(segment) for segment in self._segments)

    def _limit(self, index: int) -> int:
        return self.budget * 3 // 4 if index == 0 else self.budget // 4

    def get(self, key: tuple, header_value) -> StoredPage | None:
        """The answer stored for ``key``; ``header_value(name)`` reads a request header."""
        segment = self._segments[1 if key[3] else 0]
        found = segment.get(key)
        if found is None:
            return None
        # Not contextlib.suppress: this runs on every hit, and try costs nothing.
        try:  # noqa: SIM105
            segment.move_to_end(key)
        except KeyError:  # removed by another thread meanwhile
            pass
        if type(found) is StoredVariants:
            return found.variants.get(tuple(header_value(name) for name in found.vary))
        return found

    def put(self, key: tuple, page: StoredPage, vary: tuple[bytes, ...], values: tuple) -> None:
        index = 1 if key[3] else 0
        limit = self._limit(index)
        if page.size > limit // 8:
            return  # one huge answer would push out many pages
        segment = self._segments[index]
        with self._lock:
            old = segment.pop(key, None)
            if old is not None:
                self._sizes[index] -= old.size
            if vary:
                slot = old if type(old) is StoredVariants and old.vary == vary else None
                slot = slot or StoredVariants(vary)
                replaced = slot.variants.pop(values, None)
                if replaced is not None:
                    slot.size -= replaced.size
                slot.variants[values] = page
                slot.size += page.size
                while len(slot.variants) > MAX_VARIANTS:
                    slot.size -= slot.variants.popitem(last=False)[1].size
                segment[key] = slot
                self._sizes[index] += slot.size
            else:
                segment[key] = page
                self._sizes[index] += page.size
            while self._sizes[index] > limit and segment:
                self._sizes[index] -= segment.popitem(last=False)[1].size

    def previous(self, key: tuple, values: tuple) -> StoredPage | None:
        """The answer stored for this URL before, current or not (to keep its Last-Modified)."""
        found = self._segments[1 if key[3] else 0].get(key)
        if type(found) is StoredVariants:
            return found.variants.get(values)
        return found


page_store = PageStore()


def now() -> float:
    return time.time()
