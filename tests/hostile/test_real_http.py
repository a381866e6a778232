"""Hostile requests only a real connection can carry, against the production server.

The test client builds well-formed requests; these are written byte by byte to
Granian (``masthead serve``) running on its own SQLite database in a temporary
folder: addresses and headers that are not UTF-8, a body beyond the upload
limit, a Content-Length that lies.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.http import exchange, free_port, status_of

# Starts real server processes (masthead serve, and nginx or Redis where said) on free ports.
pytestmark = pytest.mark.server

MASTHEAD = str(Path(sys.executable).parent / "masthead")


def request(method: str, path: bytes, headers: dict[bytes, bytes], body: bytes = b"") -> bytes:
    lines = [method.encode() + b" " + path + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("served")
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(MASTHEAD_DATA_DIR=str(data_dir), MASTHEAD_LOG_LEVEL="ERROR")
    subprocess.run([MASTHEAD, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)
    port = free_port()
    process = subprocess.Popen(
        [MASTHEAD, "serve", "--port", str(port), "--workers", "1", "--threads", "2", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / "server.log", "wb"),  # noqa: SIM115 - closed with the process
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (data_dir / "server.log").read_text()
            try:
                answer = exchange(port, request("GET", b"/robots.txt", {}), timeout=5)
                if answer.startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start within two minutes"
            time.sleep(0.5)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log = (data_dir / "server.log").read_text(errors="replace")
    assert "Internal Server Error" not in log, log[-3000:]


def assert_still_serving(port):
    assert status_of(exchange(port, request("GET", b"/robots.txt", {}))) == 200


def test_an_address_that_is_not_utf8_is_answered_without_a_server_error(server):
    answer = exchange(server, request("GET", b"/\xff\xfe/\xc0\xaf/", {}))
    # Granian itself refuses such a request line (an empty 400) before the site sees it.
    assert 400 <= status_of(answer) < 500
    assert_still_serving(server)


def test_an_address_with_percent_encoded_bytes_that_are_not_utf8_is_not_found(server):
    answer = exchange(server, request("GET", b"/%ff%fe/%c0%af/?page=%ff%00", {}))
    assert status_of(answer) == 404
    assert b"We could not find that page" in answer


def test_headers_that_are_not_utf8_are_answered_without_a_server_error(server):
    answer = exchange(
        server,
        request(
            "POST",
            b"/comments/1/",
            {
                b"Origin": b"http://\xff\xfe",
                b"Referer": b"\xc3\x28",
                b"Content-Type": b"application/x-www-form-urlencoded; charset=\xff",
                b"Content-Length": b"7",
            },
            b"body=\xff\xfe",
        ),
    )
    assert 400 <= status_of(answer) < 500
    assert_still_serving(server)


def test_a_body_beyond_the_upload_limit_is_refused_readably(server):
    body = b"body=" + b"x" * 3_000_000
    answer = exchange(
        server,
        request(
            "POST",
            b"/comments/1/",
            {
                b"Origin": b"http://127.0.0.1",
                b"Content-Type": b"application/x-www-form-urlencoded",
                b"Content-Length": str(len(body)).encode(),
            },
            body,
        ),
        timeout=60,
    )
    assert status_of(answer) in (400, 403, 413), answer[:300]
    assert_still_serving(server)


def test_a_content_length_that_promises_more_than_is_sent_does_not_break_the_server(server):
    try:
        answer = exchange(
            server,
            request(
                "POST",
                b"/comments/1/",
                {
                    b"Origin": b"http://127.0.0.1",
                    b"Content-Type": b"application/x-www-form-urlencoded",
                    b"Content-Length": b"100000",
                },
                b"author_name=Rosa&body=short",
            ),
            timeout=10,
        )
    except OSError:  # still waiting for the promised bytes when we gave up
        answer = b""
    # The server may answer a 4xx or simply close the connection; never a 500.
    assert not answer or status_of(answer) < 500
    assert_still_serving(server)


def test_a_request_for_another_host_is_refused_readably(server):
    answer = exchange(server, b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert status_of(answer) == 400
    assert b"We could not read that request" in answer


def test_a_charset_with_a_nul_byte_is_answered_without_a_server_error(server):
    # Django's request reads the charset with codecs.lookup, which raises ValueError on NUL.
    answer = exchange(
        server,
        request(
            "POST",
            b"/comments/1/",
            {
                b"Origin": b"http://127.0.0.1",
                b"Content-Type": b"application/x-www-form-urlencoded; charset=\x00",
                b"Content-Length": b"4",
            },
            b"a=b\x00",
        ),
    )
    assert status_of(answer) < 500, answer[:300]
    assert_still_serving(server)
