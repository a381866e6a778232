"""A post as CSL-JSON, at <post>/cite.json."""

import json

from masthead.citations.csl import suggest_sentence_case
from masthead.citations.models import SentenceCaseTitle
from tests.conftest import make_post


def test_cite_json_describes_the_post_as_a_blog_post_with_its_byline_in_order(
    client, published_post, site_url
):
    response = client.get("/energy/batteries-alone/cite.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    [item] = json.loads(response.content)
    assert item["type"] == "post-weblog"
    assert item["title"] == "Batteries Will Not Save the Grid Alone"
    assert item["author"] == [
        {"family": "Okafor", "given": "Ada"},
        # Whole, as reference managers import it; references keep the particle apart.
        {"family": "van der Berg", "given": "Ben"},
    ]
    assert item["container-title"] == "Energy Desk"
    assert item["publisher"] == "Harbour Institute"
    day = published_post.publish_at.date()
    assert item["issued"] == {"date-parts": [[day.year, day.month, day.day]]}
    assert item["URL"] == "https://harbour.example.org/energy/batteries-alone/"
    assert "accessed" not in item  # a dated post needs no access date


def test_an_institutional_author_is_cited_by_its_name_as_written(client, blog, research_team, ada):
    make_post(blog, [research_team, ada], title="Team Notes", slug="team-notes")
    [item] = json.loads(client.get("/energy/team-notes/cite.json").content)
    assert item["author"] == [
        {"literal": "Harbour Energy Team"},
        {"family": "Okafor", "given": "Ada"},
    ]


def test_a_draft_has_no_public_csl_json(client, draft_post):
    assert client.get("/energy/tariffs/cite.json").status_code == 404


def test_a_drafts_csl_json_is_not_served_to_staff_either(editor_client, draft_post):
    # Public addresses answer the same to everyone; drafts are read at /preview/<id>/.
    assert editor_client.get("/energy/tariffs/cite.json").status_code == 404


def test_the_suggested_sentence_case_keeps_the_first_word_acronyms_and_subtitles():
    assert suggest_sentence_case("Batteries Will Not Save the Grid Alone") == (
        "Batteries will not save the grid alone"
    )
    assert suggest_sentence_case("Who Pays for the Grid? A Guide to EU Network Tariffs") == (
        "Who pays for the grid? A guide to EU network tariffs"
    )
    assert suggest_sentence_case("Why McKinsey Loves the iPhone: Notes") == (
        "Why McKinsey loves the iPhone: Notes"
    )


def test_a_confirmed_sentence_case_title_appears_in_csl_json_for_apa(client, published_post):
    SentenceCaseTitle.objects.create(
        post=published_post, title="Batteries will not save the grid alone", confirmed=True
    )
    [item] = json.loads(client.get("/energy/batteries-alone/cite.json").content)
    assert item["custom"] == {"sentence-case-title": "Batteries will not save the grid alone"}


def test_an_unconfirmed_or_outdated_sentence_case_title_is_not_used(client, published_post):
    record = SentenceCaseTitle.objects.create(
        post=published_post, title="Batteries will not save the grid alone", confirmed=False
    )
    assert "custom" not in json.loads(client.get("/energy/batteries-alone/cite.json").content)[0]
    record.confirmed = True
    record.save()
    published_post.title = "Batteries Alone Will Not Do"
    published_post.save()
    assert "custom" not in json.loads(client.get("/energy/batteries-alone/cite.json").content)[0]
