"""Comments posted at once by many readers over real HTTP: what is acknowledged is stored.

Against the real ``masthead serve`` on SQLite, through the whole comment path
(the site's Origin, the form token from the page, validation, flags, rate
limits, cleaning). A comment is acknowledged by the redirect to its private
status page; that answer must only ever come after the comment is committed,
even when the server answering it is killed with SIGKILL a moment later.
The counts are modest: the figures are in bench/comment_intake.py.
"""

import http.client
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from urllib.parse import urlencode

import pytest

from harness.http import free_port, get, status_of

from .conftest import MASTHEAD

# Every client here is 127.0.0.1, and the site rightly trusts no X-Forwarded-For.
MANY_COMMENTS_ALLOWED = {
    "MASTHEAD_COMMENT_RATE_LIMIT_PER_IP": "100000",
    "MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL": "100000",
}
STATUS_LINK = re.compile(r"/comments/status/([^/]+)/")


def serve_in_own_group(site) -> tuple[subprocess.Popen, int]:
    """``masthead serve`` in a process group of its own, so it can be killed whole."""
    port = free_port()
    log = open(site.data_dir / f"serve-{port}.log", "wb")  # noqa: SIM115 - the server keeps it
    process = subprocess.Popen(
        [MASTHEAD, "serve", "--port", str(port), "--workers", "1", "--threads", "2",
         "--no-worker"],
        env=site.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    site.processes.append(process)
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, (site.data_dir / f"serve-{port}.log").read_text()
        try:
            if status_of(get(port, "/robots.txt", timeout=5)) == 200:
                return process, port
        except (OSError, AssertionError):
            pass
        assert time.monotonic() < deadline, "the server did not start within two minutes"
        time.sleep(0.3)


def form_token_from_page(port: int) -> str:
    page = get(port, "/energy/grid-storage/").decode()
    return re.search(r'name="started" value="([^"]+)"', page).group(1)


class Readers:
    """Threads posting comments; each acknowledged comment's private token is kept."""

    def __init__(self, ports: list[int], post_id: int, token: str):
        self.ports = ports
        self.post_id = post_id
        self.token = token
        self.acknowledged: list[str] = []
        self.refused: list[int] = []
        self.dead_ports: set[int] = set()
        self.lock = threading.Lock()

    def post_comments(self, reader: int, count: int) -> None:
        port_index = reader % len(self.ports)
        for number in range(count):
            while self.ports[port_index] in self.dead_ports:
                port_index = (port_index + 1) % len(self.ports)
            port = self.ports[port_index]
            body = urlencode({
                "author_name": f"Reader {reader}", "email": f"reader{reader}@example.org",
                "body": f"Comment {number} from reader {reader}: the chart needs a source, "
                        "say https://example.org/grid-data.",
                "started": self.token, "website": "",
            })  # fmt: skip
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("POST", f"/comments/{self.post_id}/", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"http://127.0.0.1:{port}",
                })  # fmt: skip
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                continue  # no answer: the comment may or may not be stored, nothing was promised
            finally:
                connection.close()
            found = STATUS_LINK.search(response.getheader("Location") or "")
            with self.lock:
                if response.status in (302, 303) and found:
                    self.acknowledged.append(found.group(1))
                else:
                    self.refused.append(response.status)

    def run(self, readers: int, each: int) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.post_comments, args=(n, each)) for n in range(readers)
        ]
        for thread in threads:
            thread.start()
        return threads


def stored_comments(site) -> dict[str, str]:
    with sqlite3.connect(site.database) as db:
        rows = db.execute(
            "SELECT status_token, status FROM discussion_comment WHERE post_id = ?",
            (site.post_id,),
        ).fetchall()
    return dict(rows)


@pytest.fixture
def comment_site(new_site):
    return new_site(MASTHEAD_COMMENT_MIN_SECONDS="0", **MANY_COMMENTS_ALLOWED)


def test_every_acknowledged_comment_is_stored_once_and_pending(comment_site):
    _, port = serve_in_own_group(comment_site)
    readers = Readers([port], comment_site.post_id, form_token_from_page(port))
    for thread in readers.run(readers=8, each=7):
        thread.join()
    stored = stored_comments(comment_site)
    assert readers.refused == []
    assert len(readers.acknowledged) == 56
    assert sorted(stored) == sorted(readers.acknowledged)
    assert set(stored.values()) == {"pending"}


def test_a_server_killed_mid_run_loses_no_acknowledged_comment(comment_site):
    victim, victim_port = serve_in_own_group(comment_site)
    _, survivor_port = serve_in_own_group(comment_site)
    token = form_token_from_page(victim_port)
    readers = Readers([victim_port, survivor_port], comment_site.post_id, token)
    threads = readers.run(readers=8, each=12)
    deadline = time.monotonic() + 60
    while len(readers.acknowledged) < 20:
        assert time.monotonic() < deadline, readers.refused
        time.sleep(0.01)
    os.killpg(victim.pid, signal.SIGKILL)
    with readers.lock:
        acknowledged_before_kill = list(readers.acknowledged)
    readers.dead_ports.add(victim_port)
    victim.wait()
    for thread in threads:
        thread.join()

    stored = stored_comments(comment_site)
    assert set(acknowledged_before_kill) <= set(stored)
    assert set(readers.acknowledged) <= set(stored)
    assert len(readers.acknowledged) > len(acknowledged_before_kill)  # the survivor went on
    # At most the requests in flight at the kill are stored without an answer.
    assert len(stored) - len(readers.acknowledged) <= 8
    assert set(stored.values()) == {"pending"}
