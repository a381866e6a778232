"""Hostile input for every form and query parameter: the strategies and the checks.

Every answer must be a 4xx that says what went wrong, in the site's look, or a
normal page; never a 500, and never a half-stored record.
"""

import operator
import re
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from masthead.discussion.models import Comment, ModerationDecision, SentMail, Thread

# Fixtures of the discussion's own tests, shared here rather than written twice.
from ..discussion.conftest import (  # noqa: F401
    fresh_cache_and_immediate_tasks,
    moderator,
    moderator_client,
)

# Bounded, so the suite stays quick: each property sees a few dozen requests.
HOSTILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # fixtures hold the shared site; examples add to it
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Values that broke or nearly broke something somewhere, each for a reason.
NASTY_VALUES = [
    "",
    " ",
    "\x00",
    "1\x00",
    "²",  # a digit to str.isdigit, not a number to int()
    "١٢",  # Arabic-Indic digits, a number to int()
    "-1",
    "0",
    "1e30",
    "1.5",
    "0x10",
    "NaN",
    "10" * 15,  # beyond a 64-bit integer
    "9" * 5000,  # beyond Python's int() digit limit
    "%ff%fe",
    "\ufeff1",
    "\u202eevil",
    "İ" * 100,  # lower case is longer than upper case
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "http://[",
    "\r\nSet-Cookie: x=1",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏳️‍🌈",
    "\uffff\U0010ffff",
]

huge_text = st.builds(
    operator.mul,
    st.sampled_from(["x", "\x00", "\u202e", "é", "9", "𝔘 ", "a\r\n"]),
    st.sampled_from([3_000, 30_000]),  # a megabyte or more in explicit examples only
)

hostile_text = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=300),
    st.text(
        st.characters(categories=["Cc", "Cf", "Co", "Zl", "Zp", "Mn", "Nd", "No"]), max_size=80
    ),
    huge_text,
)

hostile_number = st.one_of(
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**40).map(str),
    hostile_text,
)

# Bytes for a query string, percent-encoded as a browser would send them: often not UTF-8.
raw_query_value = st.binary(max_size=60).map(lambda raw: quote_from_bytes(raw, safe=""))


def anonymous_client() -> Client:
    """A reader's browser: a 500 comes back as a response to check, not as an exception."""
    return Client(raise_request_exception=False)


def text_of(response) -> str:
    return response.content.decode("utf-8", errors="replace")


def assert_answered(response, context=""):
    """A normal answer, or a refusal a person can read; never a server error."""
    assert response.status_code < 500, f"{response.status_code} for {context!r}"
    if 400 <= response.status_code < 500:
        assert_readable_refusal(response, context)


def assert_readable_refusal(response, context=""):
    content = text_of(response)
    assert content.strip(), f"empty {response.status_code} for {context!r}"
    if response["Content-Type"].startswith("text/html"):
        # The site's own page, with a heading that says what happened.
        assert 'class="site-header"' in content, f"bare error page for {context!r}"
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", content, re.DOTALL)
        assert heading and heading.group(1).strip(), f"no heading for {context!r}"


def discussion_rows() -> dict[str, int]:
    """How many rows each discussion table holds: a refused request must change none."""
    return {
        model.__name__: model.objects.count()
        for model in (Comment, Thread, ModerationDecision, SentMail)
    }


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Accounts made per test need no deliberately slow hashing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def rate_limits_out_of_the_way(settings):
    """Hundreds of examples share one sender here; the rate limit has tests of its own."""
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_IP = 1_000_000
    settings.MASTHEAD_COMMENT_RATE_LIMIT_PER_EMAIL = 1_000_000


@pytest.fixture
def site(published_post, other_blog, draft_post):
    """The shared site with a public post, a second blog and a draft."""
    return published_post
