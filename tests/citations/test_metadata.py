"""Metadata that reference managers (Zotero, Google Scholar) and link previews read."""

import json
from html.parser import HTMLParser

from django.utils import timezone

from masthead.publishing.models import Author
from tests.conftest import make_post


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs["content"]))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def values(self, name):
        return [value for key, value in self.meta if key == name]


def read(client, url) -> HeadReader:
    reader = HeadReader()
    reader.feed(client.get(url).content.decode())
    return reader


def test_highwire_tags_name_the_title_authors_in_order_date_and_url(client, published_post):
    head = read(client, "/energy/batteries-alone/")
    local = timezone.localtime(published_post.publish_at)
    assert head.values("citation_title") == ["Batteries Will Not Save the Grid Alone"]
    assert head.values("citation_author") == ["Okafor, Ada", "van der Berg, Ben"]
    assert head.values("citation_publication_date") == [local.strftime("%Y/%m/%d")]
    assert head.values("citation_public_url") == ["http://testserver/energy/batteries-alone/"]


def test_dublin_core_says_this_is_a_blog_post(client, published_post):
    head = read(client, "/energy/batteries-alone/")
    assert head.values("DC.type") == ["blogPost"]
    assert head.values("DC.title") == ["Batteries Will Not Save the Grid Alone"]
    assert head.values("DC.creator") == ["Okafor, Ada", "van der Berg, Ben"]
    assert head.values("DC.date") == [
        timezone.localtime(published_post.publish_at).date().isoformat()
    ]


def test_opengraph_marks_an_article_with_its_authors_and_time(client, published_post):
    head = read(client, "/energy/batteries-alone/")
    assert head.values("og:type") == ["article"]
    assert head.values("article:author") == ["Ada Okafor", "Ben van der Berg"]
    assert head.values("article:published_time") == [published_post.publish_at.isoformat()]
    assert head.values("article:tag") == ["Grid Storage"]


def test_json_ld_is_a_blog_posting_that_agrees_with_the_post(client, published_post):
    head = read(client, "/energy/batteries-alone/")
    [raw] = head.json_ld
    data = json.loads(raw)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == published_post.title
    assert [a["name"] for a in data["author"]] == ["Ada Okafor", "Ben van der Berg"]
    assert data["author"][0]["url"] == "http://testserver/authors/ada-okafor/"
    assert data["datePublished"] == published_post.publish_at.isoformat()
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Harbour Institute",
        "url": "https://harbour.example.org",
    }
    assert data["isPartOf"]["name"] == "Energy Desk"


def test_an_institutional_author_is_an_organization_in_json_ld(client, blog, research_team):
    make_post(blog, [research_team], title="Team Post", slug="team-post")
    head = read(client, "/energy/team-post/")
    # The closing comma keeps Zotero from splitting the name (test_reference_managers).
    assert head.values("citation_author") == ["Harbour Energy Team,"]
    assert json.loads(head.json_ld[0])["author"][0]["@type"] == "Organization"


def test_markup_in_a_title_cannot_end_the_json_ld_block(client, blog):
    author = Author.objects.create(display_name="Team", is_institutional=True, slug="team")
    title = "</script><script>alert(1)</script> & more"
    make_post(blog, [author], title=title, slug="escape-json")
    page = client.get("/energy/escape-json/").content.decode()
    assert "<script>alert(1)" not in page
    head = HeadReader()
    head.feed(page)
    assert json.loads(head.json_ld[0])["headline"] == title
    assert head.values("citation_title") == [title]
