"""Whatever is typed into the search box, the reader gets a page, never a server error."""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ..hostile.conftest import HOSTILE, assert_answered, hostile_text, raw_query_value, text_of
from .conftest import reader

pytestmark = pytest.mark.django_db

FTS_SYNTAX = st.lists(
    st.sampled_from(['"', "*", "NEAR(", ")", "(", "^", ":", "-", "+", "AND", "OR", "NOT", "{", "}",
                     "title:", "'", "\\", "&", "|", "!", "<->", ":*", "\x00", " ", "é", "grid"]),
    max_size=20,
).map("".join)  # fmt: skip


@HOSTILE
@given(text=st.one_of(hostile_text, FTS_SYNTAX))
@example(text="")
@example(text='"')
@example(text="*")
@example(text="NEAR(")
@example(text="NEAR(grid storage, 2")
@example(text="x" * 5000)
@example(text="\x00\x01\x1f\x7f")
@example(text="grid:*A & !storage | ('x')")
@example(text="İ" * 300)
def test_any_search_text_gets_a_page(archive_for_hostile, text):
    client = reader()
    response = client.get("/search/", {"q": text})
    assert_answered(response, text[:80])
    assert response.status_code == 200
    assert "<h1" in text_of(response)
    suggestions = client.get("/search/suggest/", {"q": text})
    assert suggestions.status_code == 200
    assert isinstance(json.loads(suggestions.content)[1], list)


@HOSTILE
@given(value=raw_query_value, parameter=st.sampled_from(["q", "blog", "author", "topic", "year"]))
@example(value="%ff%fe", parameter="q")
@example(value="%00", parameter="year")
@example(value="%ed%a0%80", parameter="q")
def test_search_parameters_that_are_not_utf8_get_a_page(archive_for_hostile, value, parameter):
    response = reader().get(f"/search/?q=grid&{parameter}={value}")
    assert_answered(response, (parameter, value))


@HOSTILE
@given(
    name=st.sampled_from(["blog", "author", "topic", "year", "page"]),
    value=hostile_text,
)
@example(name="year", value="9" * 5000)
@example(name="year", value="²")
@example(name="page", value="1" + "0" * 30)
def test_any_filter_value_gets_a_page_or_a_readable_refusal(archive_for_hostile, name, value):
    response = reader().get("/search/", {"q": "grid", name: value})
    assert_answered(response, (name, value[:80]))


@pytest.fixture
def archive_for_hostile(published_post, draft_post, scheduled_post):
    return published_post
