"""The page cache under the real ``masthead serve`` with two worker processes, over real HTTP.

A change made by another process (here ``masthead shell``, as the admin or the
moderation queue on another server would) is served by every worker within a
second, on the default SQLite set-up and with Redis.
"""

import time

import pytest

from harness.caches import redis_server
from harness.http import exchange, get, status_of

RENAME = """
from masthead.publishing.models import Post
post = Post.objects.get(slug="grid-storage")
post.title = "{title}"
post.save()
"""


def headers_of(answer: bytes) -> dict[str, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    return {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in head}


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def served_everywhere(port: int, text: bytes, within: float) -> bool:
    """Whether, before ``within`` seconds pass, twenty answers in a row all show ``text``."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if all(text in get(port, "/energy/grid-storage/") for _ in range(20)):
            return True
        time.sleep(0.05)
    return False


def check_a_change_is_served_by_every_worker_within_a_second(site) -> None:
    port = site.serve("--workers", "2", "--no-worker")
    answers = [get(port, "/energy/grid-storage/") for _ in range(30)]
    assert all(status_of(answer) == 200 for answer in answers)
    assert {headers_of(answer).get("x-cache") for answer in answers[-10:]} == {"hit"}
    assert len({body_of(answer) for answer in answers}) <= 2  # one stored page per worker

    site.shell(RENAME.format(title="Grid storage, revisited"))
    assert served_everywhere(port, b"Grid storage, revisited", within=1.0)
    site.shell(RENAME.format(title="Grid storage, third look"))
    assert served_everywhere(port, b"Grid storage, third look", within=1.0)


def test_a_change_is_served_by_every_worker_within_a_second(new_site):
    check_a_change_is_served_by_every_worker_within_a_second(new_site())


def test_a_change_is_served_by_every_worker_within_a_second_with_redis(new_site):
    with redis_server() as url:
        check_a_change_is_served_by_every_worker_within_a_second(new_site(REDIS_URL=url))


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_server_answers_a_reader_with_the_current_copy_with_a_304(new_site, method):
    site = new_site()
    port = site.serve("--no-worker")
    first = get(port, "/energy/grid-storage/")
    tag = headers_of(first)["etag"]
    request = (
        f"{method} /energy/grid-storage/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"If-None-Match: {tag}\r\nConnection: close\r\n\r\n"
    )
    answer = exchange(port, request.encode())
    assert status_of(answer) == 304
    assert body_of(answer) == b""
    assert headers_of(answer)["etag"] == tag


def test_the_server_gives_a_signed_in_reader_a_page_made_afresh(new_site):
    site = new_site()
    port = site.serve("--no-worker")
    get(port, "/energy/grid-storage/")
    request = (
        "GET /energy/grid-storage/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Cookie: sessionid=not-a-real-session\r\nConnection: close\r\n\r\n"
    )
    answer = exchange(port, request.encode())
    assert status_of(answer) == 200
    assert "x-cache" not in headers_of(answer)
    assert "cookie" not in headers_of(answer).get("vary", "").lower()
