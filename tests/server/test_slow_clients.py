"""Clients that send their request slowly do not stop the site answering readers.

Against the real ``masthead serve`` with two threads: twenty connections send
a comment's headers and then its body one byte a second. The bounds below are
behaviour (a page answers at all, a slow body is ended), not benchmarks; the
figures are in bench/slow_clients.py.
"""

import socket
import sqlite3
import threading
import time

import pytest

from harness.http import exchange, get, status_of

# Starts real server processes (masthead serve, and nginx or Redis where said) on free ports.
pytestmark = pytest.mark.server

BODY_SECONDS = 8


class TricklingClients:
    """Connections that send a comment POST's headers, then one body byte a second each."""

    def __init__(self, port: int, post_id: int, count: int, declared_length: int = 1000):
        head = (
            f"POST /comments/{post_id}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {declared_length}\r\n\r\n"
        ).encode()
        self.open: list[socket.socket] = []
        self.answers: list[bytes] = []
        self.cut_off = 0
        for _ in range(count):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(head + b"author_name=")
            connection.setblocking(False)
            self.open.append(connection)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self):
        while not self._stop.wait(1.0):
            for connection in list(self.open):
                try:
                    answer = connection.recv(65536)
                except BlockingIOError:
                    answer = None
                except OSError:
                    answer = b""
                if answer is None:
                    try:
                        connection.send(b"x")
                        continue
                    except OSError:
                        answer = b""
                if answer:
                    self.answers.append(answer)
                else:
                    self.cut_off += 1
                self.open.remove(connection)
                connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        for connection in self.open:
            connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from .conftest import make_site

    site = make_site(
        tmp_path_factory.mktemp("slow-clients"), MASTHEAD_REQUEST_BODY_SECONDS=str(BODY_SECONDS)
    )
    port = site.serve("--threads", "2", "--no-worker")
    yield site, port
    site.stop_all()
    assert "Internal Server Error" not in site.log("serve"), site.log("serve")[-3000:]


def test_a_post_page_answers_while_twenty_clients_trickle_comment_bodies(served):
    site, port = served
    slow = TricklingClients(port, site.post_id, 20)
    try:
        time.sleep(1)
        for _ in range(5):
            started = time.monotonic()
            answer = get(port, "/energy/grid-storage/", timeout=30)
            assert status_of(answer) == 200
            assert b"Grid storage" in answer
            assert time.monotonic() - started < 5, "a reader waited behind the slow clients"
        assert len(slow.open) == 20, "the slow clients were not all still sending"
    finally:
        slow.close()


def test_a_comment_body_that_trickles_past_the_deadline_is_refused_readably(served):
    site, port = served
    slow = TricklingClients(port, site.post_id, 3)
    try:
        deadline = time.monotonic() + BODY_SECONDS + 15
        while slow.open and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not slow.open, "slow clients were still connected long after the deadline"
    finally:
        slow.close()
    assert slow.answers, "the slow clients were cut off without a word"
    for answer in slow.answers:
        assert status_of(answer) == 408
        assert b"too long to arrive" in answer
        assert b"Nothing was saved" in answer
        assert b'class="site-header"' in answer  # the site's own page
        assert b"content-security-policy:" in answer.lower()  # with the site's headers
    with sqlite3.connect(site.database) as database:
        stored = database.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0]
    assert stored == 0, "a half-sent comment was stored"


def test_a_body_declared_beyond_the_upload_limit_is_refused_before_it_is_sent(served):
    site, port = served
    head = (
        f"POST /comments/{site.post_id}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {1024**3}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer = exchange(port, head, timeout=BODY_SECONDS + 10)
    assert status_of(answer) == 413
    assert b"too large" in answer
    assert b'class="site-header"' in answer
    assert time.monotonic() - started < BODY_SECONDS, "the server waited for a gigabyte"
