"""Whatever an export holds, the import ends in a summary or one clear line, and nothing
hostile reaches a reader."""

import io
import itertools
import re

from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from masthead.discussion.models import Comment
from masthead.importers.models import ImportedPost
from tests.importers.wxr_builder import comment, export, post

HOSTILE_PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "javascript:alert(1)",
        "[caption]", "[/caption]", "[gallery ids=\"1,x\"]", "[embed]", "<!--more-->",
        "<!-- wp:paragraph -->", "]]>", "<pre>", "</div>", "&amp;", "&nbsp;", "\n\n",
        "<a href='javascript:alert(2)'>x</a>", "<svg onload=alert(3)>", "<iframe src=//x>",
    ]
)  # fmt: skip
POST_IDS = itertools.count(1)
# Mostly characters XML allows, so most examples reach the sanitiser; a few that it
# forbids (control characters) check the refusal.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
CONTENT = st.lists(st.one_of(HOSTILE_PIECES, TEXT), max_size=8).map("".join)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=CONTENT, title=TEXT, remark=CONTENT)
def test_any_content_imports_cleanly_or_is_refused_in_one_line(
    db, tmp_path, content, title, remark
):
    wordpress_id = next(POST_IDS)
    path = tmp_path / "export.xml"
    text = export(post(wordpress_id, title or "Untitled", content=content,
                       comments=[comment(wordpress_id, remark)]))  # fmt: skip
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        call_command("import_wxr", str(path), stdout=io.StringIO())
    except CommandError as error:
        # Only a refusal of the file itself (say, a control character XML forbids), never
        # an error the importer did not foresee.
        assert "\n" not in str(error)
        assert "not well-formed" in str(error), str(error)
        event("refused: not well-formed")
        return
    event("imported")
    imported = ImportedPost.objects.get(wordpress_id=wordpress_id).post
    html = imported.body_html.lower()
    # As words on the page these are harmless; as markup or attributes they would not be.
    assert "<script" not in html and "<iframe" not in html and "<svg" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)
    assert not re.search(r"<[^>]*=\s*[\"']?\s*javascript:", html)
    for remark_html in Comment.objects.filter(post=imported).values_list("body_html", flat=True):
        assert "<script" not in remark_html.lower()


def test_a_post_whose_link_address_runs_to_megabytes_is_imported_without_that_address(
    import_wxr,
):
    long_address = "https://example.org/" + "x" * (3 * 2**20)
    body = f'<p>Transmission is the <a href="{long_address}">bottleneck</a> today.</p>'
    import_wxr(export(post(1, "Grid Lines", content=body)))
    imported = ImportedPost.objects.get(wordpress_id=1).post
    assert "Transmission is the" in imported.body_html and "bottleneck" in imported.body_html
    assert "xxxxxxxx" not in imported.body and "xxxxxxxx" not in imported.body_html


def test_an_export_with_a_megabytes_long_xml_attribute_is_read_and_imported(import_wxr):
    text = export(post(1, "Grid Lines", categories=[("energy", "Energy")]))
    long_attribute = f'<category data-note="{"x" * (3 * 2**20)}" domain="category"'
    text = text.replace('<category domain="category"', long_attribute, 1)
    assert long_attribute in text
    import_wxr(text)
    imported = ImportedPost.objects.get(wordpress_id=1).post
    assert [topic.name for topic in imported.topics.all()] == ["Energy"]
