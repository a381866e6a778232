"""Two app servers behind one nginx, on one database and one Redis, as on several machines.

nginx runs deploy/nginx.conf (tests/server/nginx.py adapts its paths and ports)
with both servers in its ``upstream``, and an empty published folder, so every
reader page goes to an app server as in a deployment without publish_static.
Readers and moderators only ever talk to nginx's one address. To tell which app
server answered, the test's nginx adds the upstream's address to each proxied
answer (``X-Served-By``, this test's addition: a real site need not show it).

Readers come from different loopback addresses (127.0.0.x), so nginx's
``X-Forwarded-For`` names each one and the servers, with
``MASTHEAD_TRUSTED_PROXIES=127.0.0.1``, count them apart.

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
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from requests.adapters import HTTPAdapter

from harness.caches import redis_server
from harness.nginx import start_nginx, stop

from .conftest import Site, make_site

# Starts real server processes (masthead serve, and nginx or Redis where said) on free ports.
pytestmark = pytest.mark.server

MODERATOR = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser(
    "moira", "moira@example.org", "a long moderator passphrase"
)
"""
POST_PAGE = "/energy/grid-storage/"


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


@dataclass
class Deployment:
    site: Site
    nginx_port: int
    app_servers: set[str]  # "127.0.0.1:PORT" of each, as nginx names them

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.nginx_port}{path}"


@pytest.fixture(scope="module", params=databases())
def deployment(request, tmp_path_factory):
    """nginx in front of app servers A and B, sharing one database and one Redis."""
    settings = {
        "MASTHEAD_COMMENT_MIN_SECONDS": "0",
        "MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL": "3",
        "MASTHEAD_COMMENT_RATE_LIMIT_PER_IP": "3",
        "MASTHEAD_STYLE_REQUESTS_PER_CLIENT": "2",
        "MASTHEAD_TRUSTED_PROXIES": "127.0.0.1",
    }
    drop = None
    if request.param == "postgresql":
        settings["DATABASE_URL"], drop = fresh_postgresql_database(os.environ["DATABASE_URL"])
    nginx = site = None
    with redis_server() as redis_url:
        settings["REDIS_URL"] = redis_url
        workdir = tmp_path_factory.mktemp(f"servers-{request.param}")
        for folder in ("data", "nginx", "published"):
            (workdir / folder).mkdir()
        try:
            site = make_site(workdir / "data", **settings)
            site.shell(MODERATOR)
            app_ports = [site.serve("--no-worker"), site.serve("--no-worker")]
            nginx, nginx_port = start_nginx(
                workdir / "nginx", root=workdir / "published", app_ports=app_ports,
                media=site.data_dir,
                http_directives="    add_header X-Served-By $upstream_addr always;\n",
            )  # fmt: skip
            yield Deployment(site, nginx_port, {f"127.0.0.1:{port}" for port in app_ports})
        finally:
            if nginx:
                stop(nginx)
            if site:
                site.stop_all()
            if drop:
                drop()


class FromAddress(HTTPAdapter):
    """Connections that leave from one loopback address: one reader, as nginx sees it."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def reader(deployment: Deployment, address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    session.headers["Origin"] = deployment.url("").rstrip("/")
    return session


def served_by(answer: requests.Response) -> str:
    return answer.headers["X-Served-By"]


def form_token(deployment: Deployment, session: requests.Session) -> str:
    page = session.get(deployment.url(POST_PAGE), timeout=30).text
    return re.search(r'name="started" value="([^"]+)"', page).group(1)


def post_comment(deployment, session, token: str, email: str, text: str) -> requests.Response:
    return session.post(
        deployment.url(f"/comments/{deployment.site.post_id}/"),
        data={"author_name": "Ines Ortega", "email": email, "body": text, "started": token},
        allow_redirects=False,
        timeout=30,
    )


def accepted(answer: requests.Response) -> bool:
    return answer.status_code in (302, 303) and "/comments/" in answer.headers["Location"]


def signed_in_moderator(deployment: Deployment) -> requests.Session:
    session = reader(deployment, "127.0.0.11")
    login = session.get(deployment.url("/admin/login/"), timeout=30).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
    answer = session.post(
        deployment.url("/admin/login/?next=/moderation/"),
        data={"username": "moira", "password": "a long moderator passphrase",
              "csrfmiddlewaretoken": csrf},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code == 200 and "Moderation" in answer.text, answer.text[:500]
    return session


def test_nginx_spreads_readers_requests_over_both_app_servers(deployment):
    session = reader(deployment, "127.0.0.50")
    answers = [session.get(deployment.url(path), timeout=30) for path in ["/", POST_PAGE] * 10]
    assert all(answer.status_code == 200 for answer in answers)
    counts = Counter(served_by(answer) for answer in answers)
    assert set(counts) == deployment.app_servers
    assert min(counts.values()) >= 5, counts


def test_an_approval_through_one_app_server_shows_through_the_other_within_a_second(deployment):
    text = f"Pumped hydro deserves a paragraph of its own ({secrets.token_hex(3)})."
    session = reader(deployment, "127.0.0.10")
    # Both servers render the post page (and keep it in their page caches) beforehand.
    seen_by = set()
    for _ in range(6):
        page = session.get(deployment.url(POST_PAGE), timeout=30)
        assert text not in page.text
        seen_by.add(served_by(page))
    assert seen_by == deployment.app_servers
    token = re.search(r'name="started" value="([^"]+)"', page.text).group(1)
    assert accepted(post_comment(deployment, session, token, "ines@example.org", text))

    moderator = signed_in_moderator(deployment)
    queue = moderator.get(deployment.url("/moderation/"), timeout=30).text
    comment_id = re.search(r'action="/moderation/(\d+)/decide/"', queue).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', queue).group(1)
    decided = moderator.post(
        deployment.url(f"/moderation/{comment_id}/decide/"),
        data={"action": "approve", "revision": "1", "csrfmiddlewaretoken": csrf},
        allow_redirects=False,
        timeout=30,
    )
    approved_at = time.monotonic()
    assert decided.status_code == 302
    approver = served_by(decided)
    (other,) = deployment.app_servers - {approver}
    while True:
        page = session.get(deployment.url(POST_PAGE), timeout=30)
        if served_by(page) == other and text in page.text:
            break
        assert time.monotonic() - approved_at < 1.0, "not shown by the other server within 1 s"
        time.sleep(0.05)
    # From then on, whichever server answers shows it.
    for _ in range(4):
        assert text in session.get(deployment.url(POST_PAGE), timeout=30).text


def test_the_per_address_comment_limit_counts_what_both_servers_received(deployment):
    first_reader = reader(deployment, "127.0.0.20")
    token = form_token(deployment, first_reader)
    answers = [
        post_comment(deployment, first_reader, token, f"reader{n}@example.org",
                     f"Note {n} on storage, from the first reader.")
        for n in range(4)
    ]  # fmt: skip
    assert [accepted(answer) for answer in answers] == [True, True, True, False]
    assert answers[3].status_code == 429
    # The three it accepted reached both servers: neither counted only its own.
    assert {served_by(answer) for answer in answers[:3]} == deployment.app_servers

    # What the reader writes into X-Forwarded-For is not believed: nginx adds the real address.
    first_reader.headers["X-Forwarded-For"] = "198.51.100.7"
    forged = post_comment(deployment, first_reader, token, "reader9@example.org",
                          "A note from a made-up address.")  # fmt: skip
    assert forged.status_code == 429

    # Another reader behind the same nginx has a count of its own.
    second_reader = reader(deployment, "127.0.0.21")
    token = form_token(deployment, second_reader)
    assert accepted(post_comment(deployment, second_reader, token, "other@example.org",
                                 "Note on storage, from the second reader."))  # fmt: skip


def test_the_per_email_comment_limit_counts_what_both_servers_received(deployment):
    readers = [reader(deployment, f"127.0.0.{30 + n}") for n in range(4)]
    tokens = [form_token(deployment, session) for session in readers]
    answers = [
        post_comment(deployment, session, token, "quick@example.org", f"Quick note {n}.")
        for n, (session, token) in enumerate(zip(readers, tokens, strict=True))
    ]
    assert [accepted(answer) for answer in answers] == [True, True, True, False]
    assert answers[3].status_code == 429
    assert {served_by(answer) for answer in answers[:3]} == deployment.app_servers


def test_the_citation_style_budget_counts_what_both_servers_granted(deployment):
    session = reader(deployment, "127.0.0.40")
    asked = [
        session.get(deployment.url(f"{POST_PAGE}cite/?style={style}"), timeout=30)
        for style in ["nature", "ieee", "harvard-cite-them-right"]
    ]
    # Two styles per reader: the third is refused although each server granted at most one.
    assert [answer.status_code for answer in asked] == [202, 202, 429]
    assert "Retry-After" in asked[2].headers
    assert {served_by(answer) for answer in asked[:2]} == deployment.app_servers
    # Another reader behind the same nginx has a budget of its own (a style nobody asked for).
    other_reader = reader(deployment, "127.0.0.41")
    answer = other_reader.get(deployment.url(f"{POST_PAGE}cite/?style=vancouver-ama"), timeout=30)
    assert answer.status_code == 202
