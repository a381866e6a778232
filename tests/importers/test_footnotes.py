"""The block editor's footnotes become the post's notes, as Masthead renders notes."""

import json
import re

from masthead.importers.models import ImportedPost
from tests.importers.wxr_builder import export, post


def marker(note_id: str, number: int) -> str:
    """A note marker as WordPress's block editor writes it into the text."""
    return (
        f'<sup data-fn="{note_id}" class="fn">'
        f'<a href="#{note_id}" id="{note_id}-link">{number}</a></sup>'
    )


FOOTNOTED = (
    "<!-- wp:paragraph -->\n"
    f"<p>Lines cost less than outages.{marker('5f1c-a2', 1)} "
    f"Storage helps in winter.{marker('77be-09', 2)}</p>\n"
    "<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->"
)
NOTES = [
    {"id": "5f1c-a2", "content": 'See the <a href="https://example.org/grid">grid study</a>.'},
    {"id": "77be-09", "content": "Only for <em>short</em> cold spells."},
]


def imported_post():
    return ImportedPost.objects.get(wordpress_id=1).post


def note_text(page: str, number: int) -> str:
    item = re.search(rf'<li id="fn-{number}"[^>]*>(.*?)</li>', page, re.S)
    return re.sub(r"<[^>]+>", "", item[1]) if item else ""


def test_block_editor_footnotes_become_the_posts_numbered_notes(import_wxr, client):
    import_wxr(export(post(1, content=FOOTNOTED, meta={"footnotes": json.dumps(NOTES)})))
    page = client.get(imported_post().get_absolute_url()).text
    assert 'href="#fn-1" id="fnref-1"' in page and 'href="#fn-2" id="fnref-2"' in page
    assert "See the grid study." in note_text(page, 1)
    assert "Only for short cold spells." in note_text(page, 2)
    assert 'href="https://example.org/grid"' in page
    # The editor keeps editing Markdown footnotes, not WordPress's markers.
    body = imported_post().body
    assert "[^1]" in body and "[^2]: Only for *short* cold spells." in body
    assert "data-fn" not in body and "MastheadNote" not in body


def test_a_marker_whose_note_is_missing_is_dropped_and_counted(import_wxr, client):
    summary = import_wxr(
        export(post(1, content=FOOTNOTED, meta={"footnotes": json.dumps(NOTES[:1])}))
    )
    assert "footnote marker without its note: dropped" in summary
    page = client.get(imported_post().get_absolute_url()).text
    assert "See the grid study." in note_text(page, 1)
    assert 'id="fn-2"' not in page


def test_the_summary_before_more_carries_no_note_numbers(import_wxr):
    content = f"<p>Lines first.{marker('5f1c-a2', 1)}</p>\n<!--more-->\n<p>Then the rest.</p>"
    import_wxr(export(post(1, content=content, meta={"footnotes": json.dumps(NOTES[:1])})))
    assert imported_post().summary == "Lines first."
