"""Two app servers side by side on one database and one Redis, as on several machines.

Each test runs against SQLite (two processes on one file) and, when the suite
runs with a PostgreSQL ``DATABASE_URL`` (the second phase of ``.ci/run``), again
against a fresh PostgreSQL database on that server. Redis is a throwaway
``redis-server`` started for the module (tests/caches.py), given to both
servers as ``REDIS_URL``: the cache, and so every count kept in it, is shared.
"""

import os
import re
import secrets
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from tests.caches import redis_server

from .conftest import make_site

MODERATOR = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser(
    "moira", "moira@example.org", "a long moderator passphrase"
)
"""


def databases() -> list[str]:
    found = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        found.append("postgresql")
    return found


def fresh_postgresql_database(url: str):
    """A new database on the suite's PostgreSQL server; returns its URL and a dropper."""
    name = f"masthead_servers_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.fixture(scope="module", params=databases())
def two_servers(request, tmp_path_factory):
    """Servers A and B on one database and one Redis: (site, port of A, port of B)."""
    settings = {
        "MASTHEAD_COMMENT_MIN_SECONDS": "0",
        "MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL": "3",
        "MASTHEAD_COMMENT_RATE_LIMIT_PER_IP": "1000",
        "MASTHEAD_STYLE_REQUESTS_PER_CLIENT": "2",
    }
    drop = None
    if request.param == "postgresql":
        settings["DATABASE_URL"], drop = fresh_postgresql_database(os.environ["DATABASE_URL"])
    with redis_server() as redis_url:
        settings["REDIS_URL"] = redis_url
        site = make_site(tmp_path_factory.mktemp(f"servers-{request.param}"), **settings)
        try:
            site.shell(MODERATOR)
            first, second = site.serve("--no-worker"), site.serve("--no-worker")
            yield site, first, second
        finally:
            site.stop_all()
            if drop:
                drop()


def url(port: int, path: str) -> str:
    return f"http://127.0.0.1:{port}{path}"


def post_comment(port: int, post_id: int, email: str, text: str) -> requests.Response:
    page = requests.get(url(port, "/energy/grid-storage/"), timeout=30).text
    token = re.search(r'name="started" value="([^"]+)"', page).group(1)
    return requests.post(
        url(port, f"/comments/{post_id}/"),
        data={"author_name": "Ines Ortega", "email": email, "body": text, "started": token},
        headers={"Origin": f"http://127.0.0.1:{port}"},
        allow_redirects=False,
        timeout=30,
    )


def moderator_session(port: int) -> requests.Session:
    session = requests.Session()
    session.headers["Origin"] = f"http://127.0.0.1:{port}"
    login = session.get(url(port, "/admin/login/"), timeout=30).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    answer = session.post(
        url(port, "/admin/login/?next=/moderation/"),
        data={"username": "moira", "password": "a long moderator passphrase",
              "csrfmiddlewaretoken": csrf},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code == 200 and "Moderation" in answer.text, answer.text[:500]
    return session


def test_an_approval_through_one_server_shows_through_the_other_within_a_second(two_servers):
    site, first, second = two_servers
    text = f"Pumped hydro deserves a paragraph of its own ({secrets.token_hex(3)})."
    # The post page is rendered (and its discussion cached) by the first server beforehand.
    assert text not in requests.get(url(first, "/energy/grid-storage/"), timeout=30).text
    assert post_comment(first, site.post_id, "ines@example.org", text).status_code in (302, 303)

    moderator = moderator_session(second)
    queue = moderator.get(url(second, "/moderation/"), timeout=30).text
    comment_id = re.search(r'action="/moderation/(\d+)/decide/"', queue).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', queue).group(1)
    decided = moderator.post(
        url(second, f"/moderation/{comment_id}/decide/"),
        data={"action": "approve", "revision": "1", "csrfmiddlewaretoken": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert decided.status_code == 302
    approved_at = time.monotonic()
    while text not in requests.get(url(first, "/energy/grid-storage/"), timeout=30).text:
        assert time.monotonic() - approved_at < 1.0, "not shown by the other server within 1 s"
        time.sleep(0.05)


def test_the_comment_rate_limit_counts_what_both_servers_received(two_servers):
    site, first, second = two_servers
    answers = [
        post_comment(port, site.post_id, "quick@example.org", f"Note {n} on storage.").status_code
        for n, port in enumerate([first, second, first, second])
    ]
    assert answers[:3] in ([302] * 3, [303] * 3)
    assert answers[3] == 429


def test_the_citation_style_budget_counts_what_both_servers_granted(two_servers):
    site, first, second = two_servers
    asked = [
        requests.get(url(port, f"/energy/grid-storage/cite/?style={style}"), timeout=30)
        for port, style in [(first, "nature"), (second, "ieee"), (first, "harvard-cite-them-right")]
    ]
    # Two styles per reader: the third is refused although the first server granted only one.
    assert [answer.status_code for answer in asked] == [202, 202, 429]
    assert "Retry-After" in asked[2].headers
