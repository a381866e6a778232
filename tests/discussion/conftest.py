"""Personas for the discussion: a reader who comments, a moderator, and a helper to post forms."""

import secrets
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache

from masthead.discussion.abuse import FORM_TOKEN_SALT
from masthead.discussion.roles import ensure_moderators_group

SITE = "http://testserver"


@pytest.fixture(autouse=True)
def fresh_cache_and_immediate_tasks(settings):
    """Each test starts with empty rate-limit counters, and background tasks run at once."""
    cache.clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 0
    yield
    cache.clear()


def form_token(seconds_ago: int = 60) -> str:
    """A form timestamp as our page would have signed it ``seconds_ago``: its own random part."""
    payload = {"t": int(time.time()) - seconds_ago, "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=FORM_TOKEN_SALT, compress=False)


def comment_data(**overrides) -> dict:
    data = {
        "author_name": "Rosa Delgado",
        "email": "rosa@example.org",
        "body": "Transmission is the bottleneck; I agree with the second section.",
        "started": form_token(),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, post, origin=SITE, **overrides):
    """Send the comment form as a browser on our page would (Origin header included)."""
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(f"/comments/{post.pk}/", comment_data(**overrides), **headers)


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user(
        "mod", "mod@harbour.example.org", "moderating is care", is_staff=True
    )
    user.groups.add(ensure_moderators_group())
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def reader_client():
    from django.test import Client

    return Client()
