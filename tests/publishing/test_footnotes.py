"""Footnotes written in Markdown ([^1]) become numbered notes, linked both ways."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from masthead.publishing.rendering import render_markdown
from tests.conftest import make_post
from tests.publishing.test_print import print_to_pdf_text

BODY_WITH_NOTES = (
    "Storage prices fell by half[^prices], and transmission lagged[^lines].\n\n"
    "Prices fell again last year[^prices].\n\n"
    "[^prices]: Figures from the *regulator's* annual report.\n"
    "[^lines]: Permitting took eight years on average.\n"
)


class Links(HTMLParser):
    """Every element's attributes and text, for checking links and their targets."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.elements if "id" in attrs}

    def links(self, css_class: str) -> list[dict]:
        return [a for tag, a in self.elements if tag == "a" and a.get("class") == css_class]

    def note_marks(self) -> list[dict]:
        anchors = [attrs for tag, attrs in self.elements if tag == "a"]
        return [a for a in anchors if a.get("href", "").startswith("#fn-")]


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_footnotes_are_numbered_in_order_of_first_mention():
    html = render_markdown(BODY_WITH_NOTES)
    marks = parsed(html).note_marks()
    assert [mark["href"] for mark in marks] == ["#fn-1", "#fn-2", "#fn-1"]
    assert '<li id="fn-1" class="footnote-item"><p>Figures from the <em>regulator' in html
    assert '<li id="fn-2" class="footnote-item"><p>Permitting took eight years' in html


def test_every_mark_leads_to_its_note_and_every_note_leads_back_to_each_mark():
    page = parsed(render_markdown(BODY_WITH_NOTES))
    ids = page.ids()
    marks = page.note_marks()
    assert all(mark["href"][1:] in ids for mark in marks)
    back = [link["href"][1:] for link in page.links("footnote-backref")]
    assert sorted(back) == sorted(mark["id"] for mark in marks)


def test_the_notes_section_is_labelled_and_every_link_has_a_name():
    html = render_markdown(BODY_WITH_NOTES)
    page = parsed(html)
    [section] = [attrs for tag, attrs in page.elements if tag == "section"]
    assert section["aria-labelledby"] == "notes-heading"
    assert '<h2 id="notes-heading">Notes</h2>' in html
    assert [mark["aria-label"] for mark in page.note_marks()] == ["Note 1", "Note 2", "Note 1"]
    assert [link["aria-label"] for link in page.links("footnote-backref")] == [
        "Back to the text of note 1",
        "Back to the text of note 1 (mention 2)",
        "Back to the text of note 2",
    ]


def test_a_body_cannot_give_its_own_elements_ids_classes_or_labels():
    html = render_markdown(
        '<a id="cite-dialog" class="action" aria-label="Cite" href="#x">x</a>\n\n'
        '<section aria-labelledby="site-title" class="site-header">y</section>'
    )
    assert 'id="cite-dialog"' not in html
    assert "action" not in html and "site-header" not in html and "site-title" not in html
    assert 'href="#x"' in html


def test_the_post_page_shows_the_notes_after_the_body(client, blog, ada):
    make_post(blog, [ada], title="Noted", slug="noted", body=BODY_WITH_NOTES)
    page = client.get("/energy/noted/").content.decode()
    assert page.index("transmission lagged") < page.index('id="notes-heading"')
    assert page.index('id="notes-heading"') < page.index("Permitting took eight years")


def test_footnotes_reach_feed_readers_with_links_to_the_post_page(client, blog, ada, settings):
    settings.MASTHEAD_SITE_URL = "https://harbour.example.org"
    make_post(blog, [ada], title="Noted", slug="noted", body=BODY_WITH_NOTES, summary="Short.")
    feed = ET.fromstring(client.get("/energy/feed/").content)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    [entry] = feed.findall("a:entry", atom)
    content = entry.find("a:content", atom)
    assert content.get("type") == "html"
    assert "Permitting took eight years on average." in content.text
    assert 'href="https://harbour.example.org/energy/noted/#fn-2"' in content.text
    assert entry.findtext("a:summary", namespaces=atom) == "Short."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_printed_post_ends_with_its_notes_without_the_links_back(
    live_server, blog, ada, settings, tmp_path
):
    settings.MASTHEAD_SITE_URL = live_server.url
    make_post(blog, [ada], title="Noted", slug="noted", body=BODY_WITH_NOTES)
    text = print_to_pdf_text(live_server.url + "/energy/noted/", tmp_path)
    notes = text.index("Notes 1. Figures from the regulator")
    assert text.index("transmission lagged") < notes
    assert "2. Permitting took eight years on average." in text[notes:]
    assert "↩" not in text
