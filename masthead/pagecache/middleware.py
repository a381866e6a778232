"""The page cache as Django middleware: first in ``MIDDLEWARE``, so it sees every answer whole.

It answers from the store under WSGI and the test client (under ``masthead
serve`` the ASGI handler has already answered every hit before Django is
involved), and it is where answers get stored, whatever the server: after the
view and every other middleware, with their headers.
"""

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils import timezone
from django.utils.cache import cc_delim_re
from django.utils.http import http_date, parse_http_date_safe

from masthead.pagecache.schedule import clock
from masthead.pagecache.store import (
    NEVER_STORED_PREFIXES,
    StoredPage,
    cache_control_value,
    entity_tag,
    is_session_cookie_header,
    not_modified,
    now,
    page_key,
    page_store,
    without_tracking,
)
from masthead.pagecache.version import page_version

logger = logging.getLogger(__name__)

# What a view says with Cache-Control when its answer is for one reader or must not be kept.
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# Set in the WSGI environ by the static site's writer (masthead/static_site/writer.py),
# which must render every page afresh. No client can set it: headers arrive as HTTP_*.
FRESH_RENDER_KEY = "masthead.render_fresh"


def request_key(request) -> tuple | None:
    """The store's key for this request, or None when it must not use the store at all.

    Only anonymous readers' GET and HEAD requests use it; a session cookie or an
    Authorization header means someone signed in, who gets every page made afresh.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    meta = request.META
    if request.path.startswith(NEVER_STORED_PREFIXES) or "HTTP_AUTHORIZATION" in meta:
        return None
    if is_session_cookie_header(meta.get("HTTP_COOKIE", "")):
        return None
    try:
        # The host the page is made for (its absolute links); one we do not serve is refused.
        host = request.get_host()
    except DisallowedHost:
        return None
    query = meta.get("QUERY_STRING", "")
    kept = without_tracking(query)
    if kept != query:
        # The page is made without the tracking parameters, so it is the same for every reader.
        meta["QUERY_STRING"] = kept
        request.GET = QueryDict(kept, encoding=request.encoding)
    return page_key(request.scheme, host, request.path, kept)


def header_reader(request):
    def header_value(name: str):
        return request.META.get("HTTP_" + name.upper().replace("-", "_"))

    return header_value


def vary_names(response) -> tuple[str, ...] | None:
    """The request headers the answer varies on, lower case; None when it must not be stored."""
    if not response.has_header("Vary"):
        return ()
    names = tuple(sorted({n.strip().lower() for n in cc_delim_re.split(response["Vary"]) if n}))
    if "*" in names or "cookie" in names or "authorization" in names:
        return None
    return names


def is_storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & UNCACHEABLE_DIRECTIVES


def store_answer(key, request, response, version, expires: float) -> StoredPage | None:
    """Keep ``response`` for readers to come, after giving it its validators and lifetime."""
    vary = vary_names(response)
    if vary is None:
        return None
    values = tuple(header_reader(request)(name) for name in vary)
    body = response.content
    if not response.has_header("ETag"):
        response["ETag"] = entity_tag(body)
    if response.has_header("Last-Modified"):
        modified_at = parse_http_date_safe(response["Last-Modified"]) or int(now())
    else:
        # Made afresh after a change elsewhere, yet the same bytes: not modified since before.
        before = page_store.previous(key, values)
        same = before is not None and before.etag == response["ETag"]
        modified_at = before.last_modified_at if same else int(now())
        response["Last-Modified"] = http_date(modified_at)
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = cache_control_value()
    response["Content-Length"] = str(len(body))
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
               for name, value in response.items()]  # fmt: skip
    stored = StoredPage(
        version=version,
        expires=expires,
        status=response.status_code,
        headers=headers,
        body=body,
        etag=response["ETag"],
        last_modified_at=modified_at,
    )
    page_store.put(key, stored, vary, values)
    response["X-Cache"] = "miss"
    return stored


def as_response(page: StoredPage, request) -> HttpResponse:
    if not_modified(
        page, request.META.get("HTTP_IF_NONE_MATCH"), request.META.get("HTTP_IF_MODIFIED_SINCE")
    ):
        response = HttpResponseNotModified()
        headers = page.not_modified_headers
    else:
        response = HttpResponse(page.body, status=page.status)
        headers = page.headers
    for name, value in headers:
        response[name.decode("latin-1")] = value.decode("latin-1")
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.MASTHEAD_PAGE_CACHE or request.META.get(FRESH_RENDER_KEY):
            return self.get_response(request)
        key = request_key(request)
        if key is None:
            return self.get_response(request)
        # The version and the time before the page is made: a page made from data older
        # than a change, or just before a scheduled moment, is kept under what held then.
        version = page_version.current()
        page = page_store.get(key, header_reader(request))
        if page is not None and page.is_current(version, now()):
            return as_response(page, request)
        begun = timezone.now()
        response = self.get_response(request)
        if is_storable(request, response):
            try:
                moment = clock.next_change(version, begun)
            except Exception:
                # Whatever keeps us from knowing when the next post goes public (a database
                # that is down, or not to be used here), the page is sent but not kept.
                logger.exception("The page cache could not read the publishing schedule")
                return response
            expires = now() + settings.MASTHEAD_PAGE_CACHE_SECONDS
            if moment is not None:
                expires = min(expires, moment)
            stored = store_answer(key, request, response, version, expires)
            if stored is not None and not_modified(
                stored,
                request.META.get("HTTP_IF_NONE_MATCH"),
                request.META.get("HTTP_IF_MODIFIED_SINCE"),
            ):
                return as_response(stored, request)
        return response
