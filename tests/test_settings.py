"""Production mode refuses insecure settings and passes Django's deployment checks."""

import json
import os
import secrets
import subprocess
import sys

import pytest


def masthead(args, env, tmp_path):
    """Run ``masthead ARGS`` with only ``env`` set, on its own SQLite file in ``tmp_path``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MASTHEAD_", "DJANGO_"))}
    clean.pop("ALLOWED_HOSTS", None)
    clean.pop("DATABASE_URL", None)  # the suite's PostgreSQL run: the probe's data stays apart
    clean.update({"MASTHEAD_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "masthead.cli", *args],
        env=clean, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


PRODUCTION = {"MASTHEAD_ENV": "production", "ALLOWED_HOSTS": "commentary.example.org"}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = masthead(["check"], PRODUCTION, tmp_path)
    assert result.returncode != 0
    assert "Production mode needs DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = {"MASTHEAD_ENV": "production", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    result = masthead(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "Production mode needs ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deployment_checks_at_warning_level(tmp_path):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    result = masthead(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_demo_refuses_to_run_in_production_with_a_one_line_reason(tmp_path):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}
    result = masthead(["demo", "--no-serve"], env, tmp_path)
    assert result.returncode != 0
    assert "masthead demo refuses to run with MASTHEAD_ENV=production" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "masthead.sqlite3").exists()  # refused before touching anything


def test_development_mode_fails_the_deployment_checks(tmp_path):
    """The same check is not a rubber stamp: the demo's settings do not pass it."""
    result = masthead(["check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert result.returncode != 0


@pytest.mark.parametrize("value", ["maybe", "2x"])
def test_a_setting_that_cannot_be_read_stops_start_up_with_its_name(tmp_path, value):
    result = masthead(["check"], {"MASTHEAD_DEBUG": value}, tmp_path)
    assert result.returncode != 0
    assert "MASTHEAD_DEBUG must be true or false" in result.stderr


# Reads the settings the site's own connection runs with, and whether a transaction
# opened through Django holds the write lock at once (another writer is refused).
SQLITE_PROBE = """
import sqlite3
from django.db import connection, transaction
c = connection.cursor()
c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])
c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])
with transaction.atomic():
    other = sqlite3.connect(str(connection.settings_dict['NAME']), timeout=0)
    try:
        other.execute('BEGIN IMMEDIATE')
        print('write-lock-free')
    except sqlite3.OperationalError:
        print('write-lock-held')
    other.close()
"""


@pytest.mark.parametrize("named_by", ["default path", "DATABASE_URL"])
def test_every_sqlite_database_runs_in_wal_mode_with_a_busy_timeout_and_immediate_writes(
    tmp_path, named_by
):
    env = {}
    database = tmp_path / "masthead.sqlite3"
    if named_by == "DATABASE_URL":
        database = tmp_path / "elsewhere" / "site.db"
        database.parent.mkdir()
        env["DATABASE_URL"] = f"sqlite:///{database}"
    result = masthead(["shell", "--no-imports", "-c", SQLITE_PROBE], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "write-lock-held"]
    assert database.exists()


def test_redis_url_switches_the_cache_to_redis(tmp_path):
    probe = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    shared = masthead(
        ["shell", "--no-imports", "-c", probe], {"REDIS_URL": "redis://127.0.0.1:6390/0"}, tmp_path
    )
    local = masthead(["shell", "--no-imports", "-c", probe], {}, tmp_path)
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    assert local.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


HTTPS_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
host = {"HTTP_HOST": "commentary.example.org"}
plain = Client().get("/admin/login/", **host)
forwarded = Client().get("/admin/login/", HTTP_X_FORWARDED_PROTO="https", **host)
secure = Client().get("/admin/login/", secure=True, **host)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "forwarded": forwarded.status_code,
    "secure": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


def https_probe(tmp_path, **env):
    env = {
        **PRODUCTION,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        # The probe renders pages without running collectstatic first.
        "MASTHEAD_COLLECTED_STATIC": "false",
        **env,
    }
    result = masthead(["shell", "--no-imports", "-c", HTTPS_PROBE], env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_to_https_and_sends_hsts_and_secure_cookies(tmp_path):
    seen = https_probe(tmp_path)
    assert seen["plain"] == [301, "https://commentary.example.org/admin/login/"]
    assert seen["secure"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert seen["csrf_cookie_secure"] and seen["session_cookie_secure"]
    assert "script-src 'self'" in seen["csp"] and "unsafe-inline" not in seen["csp"]


def test_production_trusts_a_proxys_https_header_only_when_told_to(tmp_path):
    """Otherwise anyone could send X-Forwarded-Proto and skip the redirect to HTTPS."""
    assert https_probe(tmp_path)["forwarded"] == 301
    behind_proxy = https_probe(tmp_path, MASTHEAD_BEHIND_TLS_PROXY="true")
    assert behind_proxy["forwarded"] == 200


def test_images_from_other_hosts_are_blocked_unless_listed(tmp_path):
    probe = (
        "from django.test import Client;"
        "print(Client().get('/robots.txt')['Content-Security-Policy'])"
    )
    default = masthead(["shell", "--no-imports", "-c", probe], {}, tmp_path)
    listed = masthead(
        ["shell", "--no-imports", "-c", probe],
        {"MASTHEAD_IMAGE_SOURCES": "https://media.example.org, https://cdn.example.net"},
        tmp_path,
    )

    def image_sources(output):
        directives = [part.split() for part in output.strip().split(";")]
        return next(sources for name, *sources in directives if name == "img-src")

    assert image_sources(default.stdout) == ["'self'"]
    assert image_sources(listed.stdout) == [
        "'self'",
        "https://media.example.org",
        "https://cdn.example.net",
    ]
