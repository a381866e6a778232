"""A post reaches reference managers as a blog post: what Zotero's translators make of it.

The rules in ``zotero_rules`` restate how Zotero's translators read meta tags
and downloads; these tests hold our page and files to them.
"""

import json
import re

import pytest
from django.utils import timezone

from masthead.citations import csl
from masthead.citations.formatting import core_styles, format_posts, stored_citations
from masthead.publishing.models import Author, Post, PostAuthor
from tests.citations import zotero_rules
from tests.conftest import make_post


@pytest.fixture
def maria(db):
    return Author.objects.create(
        display_name="María José de la Cruz", given_name="María José",
        family_name="de la Cruz", slug="maria-jose-de-la-cruz",
    )  # fmt: skip


def saved_from_page(client, url) -> dict:
    return zotero_rules.page_item(client.get(url).content.decode())


def test_zotero_saves_a_post_page_as_a_blog_post_in_its_blog(client, published_post):
    item = saved_from_page(client, "/energy/batteries-alone/")
    assert item["itemType"] == "blogPost"
    assert item["publicationTitle"] == "Energy Desk"  # Zotero's blogTitle on a blogPost
    assert item["title"] == "Batteries Will Not Save the Grid Alone"
    assert item["url"].endswith("/energy/batteries-alone/")


def test_the_page_names_no_journal_since_that_tag_alone_makes_zotero_say_journal_article(
    client, published_post
):
    html = client.get("/energy/batteries-alone/").content.decode()
    meta = zotero_rules.read_meta(html)
    assert not [name for name, _ in meta.tags if name in zotero_rules.HIGHWIRE_TYPES]
    # og:type "website" would be definite and beat DC.type; "article" is only a guess.
    assert meta.named("og:type") == ["article"]


def test_people_keep_their_particles_and_the_byline_order(client, published_post):
    item = saved_from_page(client, "/energy/batteries-alone/")
    assert item["creators"] == [
        {"firstName": "Ada", "lastName": "Okafor"},
        {"firstName": "Ben", "lastName": "van der Berg"},
    ]


def test_an_institutional_author_is_saved_whole_not_as_a_made_up_person(
    client, blog, research_team
):
    make_post(blog, [research_team], title="Team Post", slug="team-post")
    item = saved_from_page(client, "/energy/team-post/")
    assert item["creators"] == [{"firstName": "", "lastName": "Harbour Energy Team"}]


def test_a_lone_author_with_spaces_in_both_names_stays_one_person(client, blog, maria):
    make_post(blog, [maria], title="Solo Post", slug="solo")
    item = saved_from_page(client, "/energy/solo/")
    assert item["creators"] == [{"firstName": "María José", "lastName": "de la Cruz"}]


def test_a_mixed_byline_of_three_is_saved_in_order_with_each_name_whole(
    client, blog, maria, research_team, ben
):
    make_post(blog, [maria, research_team, ben], title="Joint Post", slug="joint")
    item = saved_from_page(client, "/energy/joint/")
    assert item["creators"] == [
        {"firstName": "María José", "lastName": "de la Cruz"},
        {"firstName": "", "lastName": "Harbour Energy Team"},
        {"firstName": "Ben", "lastName": "van der Berg"},
    ]


def test_the_page_gives_the_full_publication_date(client, published_post):
    item = saved_from_page(client, "/energy/batteries-alone/")
    assert item["date"] == timezone.localtime(published_post.publish_at).strftime("%Y/%m/%d")


def test_the_topics_are_offered_in_every_tag_vocabulary_readers_use(client, published_post):
    # Zotero's Embedded Metadata drops tags when it runs on its own (see
    # zotero_rules.page_item); translators that call it, Mendeley and search
    # engines read these, and the RIS and BibTeX downloads carry them into Zotero.
    meta = zotero_rules.read_meta(client.get("/energy/batteries-alone/").content.decode())
    assert meta.named("citation_keywords") == ["Grid Storage"]
    assert meta.named("DC.subject") == ["Grid Storage"]
    assert meta.named("article:tag") == ["Grid Storage"]
    assert meta.named("keywords") == ["Grid Storage"]


def test_the_publisher_is_named_the_same_on_the_page_and_in_every_download(client, published_post):
    html = client.get("/energy/batteries-alone/").content.decode()
    meta = zotero_rules.read_meta(html)
    json_ld = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    ris = client.get("/energy/batteries-alone/cite.ris").content.decode()
    bib = client.get("/energy/batteries-alone/cite.bib").content.decode()
    [item] = json.loads(client.get("/energy/batteries-alone/cite.json").content)
    names = {
        "citation_publisher": meta.named("citation_publisher"),
        "DC.publisher": meta.named("DC.publisher"),
        "og:site_name": meta.named("og:site_name"),
        "JSON-LD": [json_ld["publisher"]["name"]],
        "RIS": [line[6:] for line in ris.split("\r\n") if line.startswith("PB  - ")],
        "BibTeX": [v for n, v in zotero_rules.bibtex_fields(bib)[1] if n == "organization"],
        "CSL-JSON": [item["publisher"]],
    }
    assert names == {source: ["Harbour Institute"] for source in names}


def test_the_csl_json_download_imports_with_particles_in_the_family_name(
    client, published_post, research_team
):
    PostAuthor.objects.create(post=published_post, author=research_team, position=2)
    [item] = json.loads(client.get("/energy/batteries-alone/cite.json").content)
    assert [zotero_rules.csl_json_creator(name) for name in item["author"]] == [
        {"lastName": "Okafor", "firstName": "Ada"},
        {"lastName": "van der Berg", "firstName": "Ben"},
        {"name": "Harbour Energy Team"},
    ]
    assert item["type"] == "post-weblog"  # Zotero's CSL mapping: blogPost
    assert item["container-title"] == "Energy Desk"
    assert item["issued"]["date-parts"][0][2] == timezone.localtime(published_post.publish_at).day


def test_formatted_references_still_see_the_particle_apart(published_post):
    post = Post.objects.with_byline().get(pk=published_post.pk)
    names = csl.post_as_csl(post)["author"]
    assert names[1] == {"family": "Berg", "given": "Ben", "non-dropping-particle": "van der"}
    format_posts([post], core_styles())
    apa = stored_citations(post, core_styles())["apa"]
    assert "van der Berg, B." in apa.text


def test_the_bibtex_download_imports_as_a_web_item_with_the_full_date(client, published_post):
    body = client.get("/energy/batteries-alone/cite.bib").content.decode()
    entry_type, fields = zotero_rules.bibtex_fields(body)
    assert zotero_rules.BIBTEX_TYPES[entry_type] == "webpage"  # the nearest to blogPost
    day = timezone.localtime(published_post.publish_at).date()
    assert zotero_rules.bibtex_date(fields) == day.isoformat()
    named = dict(fields)
    assert zotero_rules.bibtex_creators(named["author"]) == [
        {"lastName": "Okafor", "firstName": "Ada"},
        {"lastName": "van der Berg", "firstName": "Ben"},
    ]
    assert named["keywords"] == "Grid Storage"


def test_the_bibtex_note_writes_the_month_out_in_full(client, published_post):
    body = client.get("/energy/batteries-alone/cite.bib").content.decode()
    day = timezone.localtime(published_post.publish_at)
    note = dict(zotero_rules.bibtex_fields(body)[1])["note"]
    assert note == f"Blog post, Energy Desk, Harbour Institute, {day.day} {day:%B} {day.year}"


def test_an_institution_in_bibtex_is_one_braced_name(client, blog, research_team):
    make_post(blog, [research_team], title="Team Post", slug="team-post")
    body = client.get("/energy/team-post/cite.bib").content.decode()
    named = dict(zotero_rules.bibtex_fields(body)[1])
    assert zotero_rules.bibtex_creators(named["author"]) == [{"name": "Harbour Energy Team"}]


def test_the_ris_download_carries_the_topics_as_keywords(client, published_post):
    lines = client.get("/energy/batteries-alone/cite.ris").content.decode().split("\r\n")
    assert "KW  - Grid Storage" in lines
    assert "AB  - Storage helps, but transmission matters more." in lines


def test_the_page_offers_each_download_as_an_alternate_that_carries_doi_abstract_and_topics(
    client, published_post, settings
):
    """Embedded Metadata reads tags only in some paths; the alternates hand a reference
    manager the whole record, DOI, abstract and topics included."""
    settings.MASTHEAD_DOI_PREFIX = "10.5555"
    published_post.save()  # public with a prefix: the DOI is assigned
    doi = published_post.doi_record.doi
    page = client.get("/energy/batteries-alone/").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', page))
    ris = client.get(alternates["application/x-research-info-systems"]).content.decode()
    assert f"DO  - {doi}" in ris.split("\r\n")
    assert "KW  - Grid Storage" in ris.split("\r\n")
    assert "AB  - Storage helps, but transmission matters more." in ris.split("\r\n")
    bib = client.get(alternates["application/x-bibtex"]).content.decode()
    named = dict(zotero_rules.bibtex_fields(bib)[1])
    assert (named["doi"], named["keywords"]) == (doi, "Grid Storage")
    assert named["abstract"] == "Storage helps, but transmission matters more."
    [item] = json.loads(client.get(alternates["application/vnd.citationstyles.csl+json"]).content)
    assert (item["DOI"], item["keyword"]) == (doi, "Grid Storage")
    assert item["abstract"] == "Storage helps, but transmission matters more."
    meta = zotero_rules.read_meta(page)
    assert meta.named("citation_doi") == [doi]
    assert meta.named("citation_abstract") == ["Storage helps, but transmission matters more."]


def test_an_unapi_server_hands_reference_managers_the_ris_record_of_the_post(
    client, published_post
):
    """Zotero prefers its unAPI translator to Embedded Metadata when a page names an
    unAPI server and an id; it then imports the RIS record, topics as tags included."""
    page = client.get("/energy/batteries-alone/").content.decode()
    [server] = re.findall(
        r'<link rel="unapi-server" type="application/xml" [^>]*href="([^"]+)"', page
    )
    assert '<abbr class="unapi-id" title="energy/batteries-alone"></abbr>' in page
    formats = client.get(server)
    assert formats.status_code == 200
    assert (
        '<format name="ris" type="application/x-research-info-systems"' in formats.content.decode()
    )
    assert client.get(server, {"id": "energy/batteries-alone"}).status_code == 300
    record = client.get(server, {"id": "energy/batteries-alone", "format": "ris"})
    assert record.content == client.get("/energy/batteries-alone/cite.ris").content
    lines = record.content.decode().split("\r\n")
    assert {"TY  - BLOG", "KW  - Grid Storage", "LA  - en"} <= set(lines)
    assert client.get(server, {"id": "energy/no-such-post"}).status_code == 404
    assert client.get(server, {"id": "energy/batteries-alone", "format": "mods"}).status_code == 406


def test_unapi_gives_nothing_of_a_draft(client, draft_post):
    assert client.get("/cite/unapi", {"id": "energy/tariffs"}).status_code == 404
    assert client.get("/cite/unapi", {"id": "energy/tariffs", "format": "ris"}).status_code == 404
