"""The ASGI entry runs Django in a fixed pool of threads that keep their database connections.

Driven through the real ASGI application object with asgiref's communicator
(the same calls Granian makes), against the test database.
"""

import threading
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core import signals
from django.db import connections
from django.db.backends.signals import connection_created

from masthead.server.asgi import MastheadASGIHandler

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def http_scope(path: str, method: str = "GET", headers=()) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


async def fetch_async(application, path: str, method: str = "GET", body: bytes = b"", headers=()):
    communicator = ApplicationCommunicator(application, http_scope(path, method, headers))
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(timeout=10)
    parts = []
    while True:
        message = await communicator.receive_output(timeout=10)
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await communicator.wait(timeout=10)
    return start["status"], {k.lower(): v for k, v in start["headers"]}, b"".join(parts)


fetch = async_to_sync(fetch_async)


@pytest.fixture
def one_thread_server(settings):
    settings.MASTHEAD_SERVER_THREADS = 1
    settings.MASTHEAD_PAGE_CACHE = False
    handler = MastheadASGIHandler()
    yield handler
    # The pool's one thread holds its connection: close it there, then end the thread.
    handler.pool.submit(connections.close_all).result()
    handler.pool.shutdown()


@pytest.fixture
def where_requests_ran():
    """The thread each request ran in, and each database connection opened meanwhile."""
    seen = {"threads": [], "connections": []}

    def request_started(sender, **kwargs):
        seen["threads"].append(threading.current_thread().name)

    def connection_opened(sender, connection, **kwargs):
        seen["connections"].append(connection.alias)

    signals.request_started.connect(request_started)
    connection_created.connect(connection_opened)
    yield seen
    signals.request_started.disconnect(request_started)
    connection_created.disconnect(connection_opened)


def test_pages_served_one_after_another_share_one_thread_and_its_database_connection(
    one_thread_server, where_requests_ran, published_post
):
    for _ in range(12):
        status, _headers, body = fetch(one_thread_server, published_post.get_absolute_url())
        assert status == 200
        assert published_post.title.encode() in body
    # Django's own ASGI handler starts a thread, and so a connection, for every request.
    assert len(where_requests_ran["threads"]) == 12
    assert len(set(where_requests_ran["threads"])) == 1
    assert where_requests_ran["connections"] == ["default"]


def test_a_streamed_file_arrives_whole_through_the_pool(one_thread_server):
    stylesheet = Path(settings.BASE_DIR, "static", "masthead", "site.css").read_bytes()
    status, headers, body = fetch(one_thread_server, "/static/masthead/site.css")
    assert status == 200
    assert body == stylesheet
    assert headers[b"content-length"] == str(len(stylesheet)).encode()


def test_an_oversized_body_is_refused_with_the_sites_own_page(one_thread_server, settings):
    settings.MASTHEAD_MAX_UPLOAD_BYTES = 1000
    status, headers, body = fetch(
        one_thread_server,
        "/comments/1/",
        method="POST",
        body=b"x" * 5000,
        headers=[(b"content-length", b"5000"), (b"content-type", b"text/plain")],
    )
    assert status == 413
    assert b"content-security-policy" in headers  # through the middleware, like any page
    assert b"too large" in body.lower()
