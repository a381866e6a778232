"""The page cache's fast path: a stored answer sent from the ASGI scope, before Django is involved.

No request object, no middleware, no thread: a few header comparisons, one
dictionary look-up and two messages. It must agree with the middleware's
``request_key`` on every key; what it cannot decide cheaply (an unusual
request) it leaves to Django, which answers from the same store or makes the page.
"""

import functools

from django.conf import settings

from masthead.pagecache.store import (
    NEVER_STORED_PREFIXES,
    not_modified,
    now,
    page_key,
    page_store,
    without_tracking,
)
from masthead.pagecache.version import page_version


@functools.lru_cache(maxsize=4)
def _proxy_scheme_header(setting) -> tuple[bytes, str] | None:
    """``SECURE_PROXY_SSL_HEADER`` as the raw header name an ASGI scope carries."""
    if not setting:
        return None
    meta_name, secure_value = setting
    name = meta_name.removeprefix("HTTP_").lower().replace("_", "-")
    return name.encode("latin-1"), secure_value


async def answer_from_store(scope, send) -> bool:
    """Send the stored answer for this request, if there is a current one; True if sent."""
    if not settings.MASTHEAD_PAGE_CACHE:
        return False
    method = scope["method"]
    if method != "GET" and method != "HEAD":
        return False
    path = scope["path"]
    if path.startswith(NEVER_STORED_PREFIXES) or scope.get("root_path"):
        return False
    proxy = _proxy_scheme_header(settings.SECURE_PROXY_SSL_HEADER)
    host = cookie = if_none_match = if_modified_since = forwarded = None
    for name, value in scope["headers"]:
        if name == b"host":
            host = value
        elif name == b"cookie":
            cookie = value if cookie is None else cookie + b"; " + value
        elif name == b"if-none-match":
            if_none_match = value
        elif name == b"if-modified-since":
            if_modified_since = value
        elif name == b"authorization":
            return False
        elif proxy is not None and name == proxy[0] and forwarded is None:
            forwarded = value
    if host is None:
        return False
    if cookie is not None and settings.SESSION_COOKIE_NAME.encode() + b"=" in cookie:
        return False
    query = scope.get("query_string", b"")
    if query:
        try:
            query = without_tracking(query.decode())
        except UnicodeDecodeError:
            return False
    else:
        query = ""
    scheme = scope.get("scheme") or "http"
    if forwarded is not None:
        first = forwarded.decode("latin-1").split(",", 1)[0].strip()
        scheme = "https" if first == proxy[1] else "http"
    key = page_key(scheme, host.decode("latin-1"), path, query)

    def header_value(wanted: str):
        wanted = wanted.encode("latin-1")
        found = [value.decode("latin-1") for name, value in scope["headers"] if name == wanted]
        return ",".join(found) if found else None

    page = page_store.get(key, header_value)
    if page is None:
        return False
    version = await page_version.current_async()
    if not page.is_current(version, now()):
        return False
    if (if_none_match is not None or if_modified_since is not None) and not_modified(
        page,
        None if if_none_match is None else if_none_match.decode("latin-1"),
        None if if_modified_since is None else if_modified_since.decode("latin-1"),
    ):
        await send({"type": "http.response.start", "status": 304,
                    "headers": page.not_modified_headers})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})
        return True
    await send({"type": "http.response.start", "status": page.status, "headers": page.headers})
    await send({"type": "http.response.body", "body": page.body if method == "GET" else b""})
    return True
