"""Queries as people type them: phrases, prefixes, accents, English stems, other languages."""

import pytest

from masthead.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse

from .conftest import search_titles

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
