"""Queries as people type them: phrases, prefixes, accents, English stems, other languages."""

import pytest

from masthead.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse

from ..conftest import make_post
from .conftest import ago, search_titles

pytestmark = pytest.mark.django_db


def test_a_word_in_the_body_finds_the_post(client, archive):
    assert search_titles(client, "annex") == ["The Budget Line That Decides the Grid"]


def test_every_word_must_be_found_in_a_post(client, archive):
    assert search_titles(client, "budget annex") == ["The Budget Line That Decides the Grid"]
    assert search_titles(client, "budget géothermie") == []


def test_a_plural_finds_the_singular_through_english_stemming(client, archive):
    assert "The Budget Line That Decides the Grid" in search_titles(client, "budgets")


def test_a_word_without_its_accent_finds_the_accented_author(client, archive):
    titles = search_titles(client, "Tomas Ibanez")
    assert set(titles) == {"La transition énergétique des villes", "Energía solar en Andalucía"}


def test_an_accented_query_finds_unaccented_text_too(client, archive):
    assert search_titles(client, "ánnex") == ["The Budget Line That Decides the Grid"]


def test_a_trailing_star_finds_words_that_start_with_it(client, archive):
    assert search_titles(client, "substa*") == ["The Budget Line That Decides the Grid"]
    assert search_titles(client, "substa") == []


def test_a_quoted_phrase_needs_its_words_together_and_in_order(client, archive):
    assert search_titles(client, '"money for wires"') == ["The Budget Line That Decides the Grid"]
    assert search_titles(client, '"wires for money"') == []


def test_an_unclosed_quote_still_searches_the_words_after_it(client, archive):
    assert search_titles(client, '"money for wires') == ["The Budget Line That Decides the Grid"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("géothermie", "La transition énergétique des villes"),
        ("geothermie", "La transition énergétique des villes"),
        ("réseaux chaleur", "La transition énergétique des villes"),
        ("Straßenbahnen", "Straßenbahnen für kleinere Städte"),
        ("Bürgermeisterin Görlitz", "Straßenbahnen für kleinere Städte"),
        ("Burgermeisterin", "Straßenbahnen für kleinere Städte"),
        ("Andalucía", "Energía solar en Andalucía"),
        ("agricultores Jaen", "Energía solar en Andalucía"),
        ("Łodzi", "Źródła ciepła w Łodzi"),
        ("węgiel", "Źródła ciepła w Łodzi"),
        ('"pompy ciepła"', "Źródła ciepła w Łodzi"),
    ],
)
def test_posts_in_other_languages_are_found_by_their_own_words(client, archive, text, title):
    assert search_titles(client, text) == [title]


def test_non_english_titles_are_shown_as_written(client, archive):
    response = client.get("/search/", {"q": "Źródła"})
    content = response.content.decode()
    assert "<mark>Źródła</mark> ciepła w Łodzi" in content


def test_a_query_is_cut_to_a_bounded_length_and_number_of_terms():
    query = parse("energy " * 2000)
    assert len(query.text) <= MAX_QUERY_CHARS
    assert len(parse(" ".join(f"word{n}" for n in range(40))).terms) == MAX_TERMS
    assert query.notes


def test_other_apps_can_narrow_a_post_list_by_the_same_search(archive):
    from masthead.publishing.models import Post
    from masthead.search.service import filter_posts

    found = filter_posts(Post.objects.all(), "Tomas")
    assert {post.slug for post in found} == {"transition-villes", "energia-solar"}
    assert not filter_posts(Post.objects.all(), '" * (').exists()


@pytest.mark.parametrize("typed", ["subs", "substat", "substati", "substatio", "substation"])
def test_every_beginning_of_a_word_finds_it_however_far_the_reader_has_typed(
    client, archive, typed
):
    # English stemming keeps only "substat" of "substation": a prefix longer than that
    # stem must still find the word (as-you-type suggestions ask exactly this).
    assert search_titles(client, typed + "*") == ["The Budget Line That Decides the Grid"]


def test_suggestions_follow_the_title_letter_by_letter(client, archive):
    title = "The Budget Line That Decides the Grid"
    for typed in ["Deci", "Decid", "Decide", "Decides"]:
        response = client.get("/search/suggest/", {"q": typed})
        assert response.status_code == 200
        assert title in response.json()[1], typed


def test_a_prefix_that_begins_no_word_finds_nothing(client, archive):
    assert search_titles(client, "substq*") == []


def test_common_english_words_are_searched_like_any_other(client, archive, published_post):
    # A title made only of words English search engines often drop: a reader who types
    # it must find it, on either database.
    make_post(
        published_post.blog, [], title="What Is It For?", slug="what-is-it-for",
        publish_at=ago(3), summary="A short note.", body="Nothing else is said here.",
    )  # fmt: skip
    assert search_titles(client, '"what is it for"') == ["What Is It For?"]
    assert "What Is It For?" in search_titles(client, "what")


def test_the_names_a_search_matched_are_marked_in_the_byline(client, archive):
    response = client.get("/search/", {"q": "Tomas"})
    content = response.content.decode()
    assert "By <mark>Tomás</mark> Ibáñez and Ada Okafor ·" in content
    assert "By <mark>Tomás</mark> Ibáñez ·" in content


def test_a_byline_the_search_did_not_match_is_shown_unmarked(client, archive):
    response = client.get("/search/", {"q": "annex"})
    content = response.content.decode()
    assert "By Ada Okafor ·" in content
    assert "<mark>Ada" not in content
