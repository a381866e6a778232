"""The search page: ranked hits, marked snippets, filters with counts, pages, and the ways in."""

import json
import re

import pytest
from django.utils import timezone

from masthead.publishing.models import Post

from ..conftest import make_post
from .conftest import ago, found_titles, search_titles

pytestmark = pytest.mark.django_db


def test_a_match_in_the_title_ranks_above_a_match_in_the_body(client, blog, ada):
    make_post(blog, [ada], title="Notes From the Field", publish_at=ago(1),
              body="A long report that mentions interconnectors once, in passing.")  # fmt: skip
    make_post(blog, [ada], title="Why Interconnectors Matter", publish_at=ago(30),
              body="A short note.")  # fmt: skip
    assert search_titles(client, "interconnectors") == [
        "Why Interconnectors Matter",
        "Notes From the Field",
    ]


def test_a_match_in_the_summary_ranks_above_a_match_in_the_body(client, blog, ada):
    make_post(blog, [ada], title="First", publish_at=ago(1), body="Curtailment is rising.")
    make_post(blog, [ada], title="Second", publish_at=ago(9), summary="Curtailment, explained.")
    assert search_titles(client, "curtailment") == ["Second", "First"]


def test_matched_words_are_marked_in_titles_and_snippets(client, archive):
    content = client.get("/search/", {"q": "wires"}).content.decode()
    assert re.search(r'class="search-snippet">[^<]*<mark>wires</mark>', content)
    content = client.get("/search/", {"q": "budget"}).content.decode()
    assert "The <mark>Budget</mark> Line That Decides the Grid" in content


def test_a_snippet_escapes_markup_from_the_post_and_marks_only_the_match(client, blog, ada):
    make_post(
        blog, [ada], title="On <script>alert('x')</script> Tags", publish_at=ago(1),
        summary="Escaping <img src=x onerror=alert(1)> matters for reactors.",
        body="Reactors & `<b>bold</b>` \ue000fake mark\ue001 text.",
    )  # fmt: skip
    content = client.get("/search/", {"q": "reactors"}).content.decode()
    results = content[content.index("search-hits") :]
    assert "<script>alert" not in results
    assert "<img src=x" not in results
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in results
    assert "<mark>fake mark</mark>" not in results
    marked = set(re.findall(r"<mark>(.*?)</mark>", results))
    assert marked and marked <= {"Reactors", "reactors"}


def test_the_query_is_shown_back_escaped(client, archive):
    content = client.get("/search/", {"q": '<b>grid</b>"'}).content.decode()
    assert "<b>grid</b>" not in content
    assert "&lt;b&gt;grid&lt;/b&gt;" in content


def test_filters_show_their_counts_and_narrow_the_results(client, archive):
    response = client.get("/search/", {"q": "Tomas"})
    content = response.content.decode()
    assert re.search(r"Energy Desk <span[^>]*>\(1\)</span>", content)
    assert re.search(r"Cities Lab <span[^>]*>\(1\)</span>", content)
    assert re.search(r"Tomás Ibáñez <span[^>]*>\(2\)</span>", content)
    assert re.search(r"Ada Okafor <span[^>]*>\(1\)</span>", content)
    this_year = timezone.localtime(archive["spanish"].publish_at).year
    assert re.search(rf">{this_year} <span[^>]*>\(\d\)</span>", content)
    assert search_titles(client, "Tomas", blog="cities") == ["La transition énergétique des villes"]
    assert search_titles(client, "Tomas", author="ada-okafor") == ["Energía solar en Andalucía"]
    assert search_titles(client, "Tomas", topic="grid-storage") == ["Energía solar en Andalucía"]
    french_year = timezone.localtime(archive["french"].publish_at).year
    assert "La transition énergétique des villes" in search_titles(
        client, "Tomas", year=str(french_year)
    )


def test_a_filter_link_keeps_the_query_and_a_chosen_filter_can_be_removed(client, archive):
    content = client.get("/search/", {"q": "Tomas", "blog": "cities"}).content.decode()
    chosen = re.search(r'<a href="([^"]*)" aria-current="true"[^>]*>Cities Lab', content)
    assert chosen, "the chosen blog is marked as chosen"
    removed = client.get("/search/" + chosen.group(1).replace("&amp;", "&"))
    assert len(found_titles(removed)) == 2


def test_a_filter_value_that_is_not_one_is_left_out_with_a_note(client, archive):
    response = client.get("/search/", {"q": "Tomas", "year": "twenty", "blog": "no such/blog"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "is not a year" in content
    assert "not one we know" in content
    assert len(found_titles(response)) == 2


def test_results_come_in_pages_that_keep_the_query(client, blog, ada, settings):
    settings.MASTHEAD_SEARCH_RESULTS_PER_PAGE = 2
    for number in range(5):
        make_post(blog, [ada], title=f"Hydrogen note {number}", publish_at=ago(number + 1))
    first = client.get("/search/", {"q": "hydrogen"})
    content = first.content.decode()
    assert "5 posts found; page 1 of 3" in content
    next_link = re.search(r'<a rel="next" href="([^"]*)"', content).group(1).replace("&amp;", "&")
    assert "q=hydrogen" in next_link and "page=2" in next_link
    second = client.get("/search/" + next_link)
    assert len(found_titles(second)) == 2
    assert not set(found_titles(first)) & set(found_titles(second))
    assert client.get("/search/", {"q": "hydrogen", "page": "9"}).status_code == 404


def test_an_empty_search_explains_how_to_search(client, archive):
    content = client.get("/search/").content.decode()
    assert "What would you like to find?" in content
    assert "transmis*" in content


@pytest.mark.parametrize("text", ['"', "*", "()", "-- ^ :", "\x00\x07", "’“”…"])
def test_a_search_of_only_operators_or_punctuation_explains_what_is_missing(client, archive, text):
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    assert "A search needs at least one word" in response.content.decode()


def test_fts_operators_typed_as_words_are_searched_as_words(client, blog, ada):
    make_post(blog, [ada], title="Near Misses in Grid Operation", publish_at=ago(2))
    assert search_titles(client, "NEAR(misses") == ["Near Misses in Grid Operation"]
    assert search_titles(client, "grid OR nothing") == []
    assert search_titles(client, "title:grid") == []


def test_a_very_long_search_is_cut_with_a_note(client, archive):
    response = client.get("/search/", {"q": "budget " + "x" * 5000})
    assert response.status_code == 200
    assert "Only the first 200 characters of your search were used." in response.content.decode()


def test_no_results_suggests_what_to_try(client, archive):
    content = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No posts found" in content
    assert "Try fewer or other words" in content


def test_every_page_has_a_search_box_in_the_header_and_names_the_opensearch_description(
    client, archive
):
    content = client.get("/").content.decode()
    header = content[content.index('class="site-header"') : content.index("</header>")]
    assert 'action="/search/"' in header and 'name="q"' in header
    assert '<label for="site-search-q"' in header
    opensearch = r'<link rel="search" type="application/opensearchdescription\+xml"'
    assert re.search(opensearch + r'[^>]*href="/opensearch.xml"', content)


def test_the_opensearch_description_points_browsers_at_the_search_page(client, institution):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    content = response.content.decode()
    assert 'template="http://testserver/search/?q={searchTerms}"' in content
    assert 'type="application/x-suggestions+json"' in content


def test_suggestions_offer_titles_for_an_unfinished_word(client, archive):
    response = client.get("/search/suggest/", {"q": "budg"})
    assert response["Content-Type"] == "application/json"
    typed, titles, blogs, addresses = json.loads(response.content)
    assert typed == "budg"
    assert titles == ["The Budget Line That Decides the Grid"]
    assert addresses == ["http://testserver/energy/budget-line/"]


def test_suggestions_never_offer_a_draft_or_a_future_post(client, draft_post, scheduled_post):
    for text in ["unfinis", "tarif", "auctio", "previe"]:
        assert json.loads(client.get("/search/suggest/", {"q": text}).content)[1] == []


def test_suggestions_answer_any_text_with_a_list(client, archive):
    for text in ["", '"', "*", "NEAR(", "\x00", "é" * 5000]:
        response = client.get("/search/suggest/", {"q": text})
        assert response.status_code == 200
        assert json.loads(response.content)[1] == []


def test_the_suggestion_script_is_a_file_not_inline(client, archive):
    content = client.get("/search/", {"q": "grid"}).content.decode()
    assert re.search(r'<script src="[^"]*search/suggest\.js" defer></script>', content)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content)


def test_a_hidden_post_stays_hidden_from_suggestions_and_results_when_unpublished(client, archive):
    post = archive["budget"]
    post.status = Post.Status.DRAFT
    post.save()
    assert search_titles(client, "budget") == []
    assert json.loads(client.get("/search/suggest/", {"q": "budg"}).content)[1] == []
