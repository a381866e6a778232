"""Every query parameter and address a reader can type, with any value at all."""

from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from masthead.discussion.models import Comment

from .conftest import (
    HOSTILE,
    anonymous_client,
    assert_answered,
    assert_readable_refusal,
    hostile_number,
    hostile_text,
    raw_query_value,
    text_of,
)

pytestmark = pytest.mark.django_db

POST = "/energy/batteries-alone/"
# (address, parameter): every parameter a public page reads.
PARAMETERS = [
    ("/energy/", "page"),
    ("/authors/ada-okafor/", "page"),
    ("/topics/grid-storage/", "page"),
    ("/archive/2026/01/", "page"),
    (POST, "comments"),
    (POST + "cite/", "style"),
    (POST + "cite/", "q"),
    (POST + "cite.bib", "format"),
    ("/cite/styles.json", "q"),
    ("/sitemap.xml", "p"),
]


@pytest.mark.parametrize(("address", "parameter"), PARAMETERS)
@HOSTILE
@given(value=hostile_number)
@example(value="²")  # the post page's ?comments= was a 500: int("²")
@example(value="9" * 5000)  # beyond int()'s digit limit: was a 500 on the post page
@example(value="1" + "0" * 30)
@example(value="x" * 1_000_000)
def test_any_value_of_any_parameter_gets_a_page_or_a_readable_refusal(
    site, address, parameter, value
):
    response = anonymous_client().get(address, {parameter: value})
    assert_answered(response, (address, parameter, value[:80]))


@pytest.mark.parametrize(("address", "parameter"), PARAMETERS)
@HOSTILE
@given(value=raw_query_value)
@example(value="%ff%fe")
@example(value="%00")
@example(value="%ed%a0%80")  # an encoded surrogate, invalid in UTF-8
def test_query_strings_that_are_not_utf8_get_a_page_or_a_readable_refusal(
    site, address, parameter, value
):
    response = anonymous_client().get(f"{address}?{parameter}={value}")
    assert_answered(response, (address, parameter, value))


@pytest.mark.parametrize("address", ["/energy/", "/authors/ada-okafor/", "/topics/grid-storage/"])
@pytest.mark.parametrize("page", ["0", "-1", "2", "1" + "0" * 30, "²", "one", "%ff%fe", "1.0"])
def test_a_page_number_that_is_not_a_page_is_not_found(site, address, page):
    response = anonymous_client().get(f"{address}?page={page}")
    assert response.status_code == 404
    assert_readable_refusal(response, page)


@HOSTILE
@given(year=st.integers(min_value=0, max_value=10**30), month=st.integers(0, 10**30))
@example(year=2026, month=13)
@example(year=10_000, month=1)
@example(year=0, month=0)
def test_any_archive_month_is_a_page_or_not_found(site, year, month):
    response = anonymous_client().get(f"/archive/{year}/{month}/")
    if 1900 <= year <= 9999 and 1 <= month <= 12:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert_readable_refusal(response, (year, month))


@HOSTILE
@given(style=hostile_text)
@example(style="apa<script>")
@example(style="../../../etc/passwd")
@example(style="APA")
@example(style="chicago-author-date\x00")
def test_an_unknown_citation_style_is_not_found_with_its_name_shown_safely(site, style):
    from masthead.citations import styles

    response = anonymous_client().get(POST + "cite/", {"style": style})
    assert_answered(response, style[:80])
    if style.strip() and style.strip() not in styles.all_style_ids():
        assert response.status_code == 404
        assert "No style called" in text_of(response)
        assert "<script>" not in text_of(response).split("</header>", 1)[1]


def test_an_unknown_style_close_to_a_known_one_suggests_it(site):
    response = anonymous_client().get(POST + "cite/", {"style": "chicago-author-dat"})
    assert response.status_code == 404
    assert "Did you mean" in text_of(response)
    assert "?style=chicago-author-date" in text_of(response)


@HOSTILE
@given(segments=st.lists(hostile_text.filter(lambda s: len(s) < 3000), min_size=1, max_size=3))
@example(segments=["energy", "batteries-alone", "cite.bib\x00"])
@example(segments=["comments", "status", "\x00"])
@example(segments=["media", "..", "..", "settings.py"])
@example(segments=["%ff%fe"])
def test_any_address_at_all_gets_a_page_or_a_readable_refusal(site, segments):
    path = "/" + "/".join(quote(segment, safe="") for segment in segments) + "/"
    response = anonymous_client().get(path)
    assert_answered(response, path[:200])


@HOSTILE
@given(raw=st.binary(min_size=1, max_size=40))
@example(raw=b"\xff\xfe")
@example(raw=b"energy/\xc0\xaf")
def test_addresses_that_are_not_utf8_get_a_page_or_a_readable_refusal(site, raw):
    from urllib.parse import quote_from_bytes

    path = "/" + quote_from_bytes(raw, safe="/") + "/"
    response = anonymous_client().get(path)
    assert_answered(response, path)


@pytest.mark.parametrize("parameter", ["comments", "page"])
def test_odd_page_parameters_never_show_a_pending_comment(site, parameter):
    comment = Comment(post=site, author_name="Rosa", email="rosa@example.org")
    comment.set_text("Pending words that must stay private")
    comment.save()
    for value in ["²", "9" * 5000, "-1", "0", "2"]:
        response = anonymous_client().get(POST, {parameter: value})
        assert response.status_code == 200
        assert "Pending words" not in text_of(response)
