"""Imported bodies, comments and titles read as their authors wrote them: no Markdown
artefacts, no invented header rows, no flattened comments, no tags shown as text."""

import re

from masthead.discussion.models import Comment
from masthead.importers.models import ImportedPost
from masthead.publishing.models import Institution
from tests.importers.wxr_builder import comment, export, post


def imported_post(wordpress_id=1):
    return ImportedPost.objects.get(wordpress_id=wordpress_id).post


def words_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "\n", html)


def test_a_list_after_a_line_of_text_leaves_no_backslashes_or_breaks(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                content="Check these:\n<ul>\n\t<li>The <em>first</em> thing.</li>\n"
                "\t<li><strong>The second.</strong></li>\n</ul>\nAnd after the list.",
            )
        )
    )
    the_post = imported_post()
    page = client.get(the_post.get_absolute_url()).text
    page = page[page.index('class="post__body"') :]  # the body, not its summary in the head
    body = page[page.index("Check these:") - 3 : page.index("And after the list.") + 30]
    assert "\\" not in words_of(body)
    assert "<br" not in body
    assert "<p>Check these:</p>" in body
    assert "<li>The <em>first</em> thing.</li>" in body
    assert "<p>And after the list.</p>" in body


def test_a_table_laid_out_on_many_lines_gets_no_breaks_and_no_invented_header(import_wxr):
    rows = "\n".join(f"<tr>\n<td>{n}</td>\n<td>{n * n}</td>\n</tr>" for n in range(1, 30))
    import_wxr(export(post(1, content=f"Squares:\n<table>\n<tbody>\n{rows}\n</tbody>\n</table>")))
    html = imported_post().body_html
    assert "<br" not in html
    assert "<th" not in html and "<thead" not in html
    assert html.count("<tr>") == 29
    assert "<td>29</td>" in html and "<td>841</td>" in html


def test_a_table_with_a_header_row_keeps_it(import_wxr):
    import_wxr(
        export(
            post(
                1,
                content="<table><thead><tr><th>Line</th><th>Length</th></tr></thead>"
                "<tbody><tr><td>North</td><td>40 km</td></tr></tbody></table>",
            )
        )
    )
    html = imported_post().body_html
    assert re.search(r"<th[^>]*>Line</th>", html)
    assert "<td>North</td>" in html


def test_runs_of_line_breaks_become_one_paragraph_break(import_wxr):
    import_wxr(
        export(post(1, content="<p>Before the gap.<br><br><br><br>\nAfter the gap.<br></p>"))
    )
    the_post = imported_post()
    assert "<br" not in the_post.body_html
    assert "<p>Before the gap.</p>" in the_post.body_html
    assert "<p>After the gap.</p>" in the_post.body_html
    assert not re.search(r"\n{3,}", the_post.body)
    assert "\\" not in the_post.body


def test_a_line_break_inside_a_paragraph_stays_a_line_break(import_wxr):
    import_wxr(export(post(1, content="Roses are red\nviolets are blue")))
    assert "Roses are red<br>" in imported_post().body_html


def test_comment_formatting_is_kept_and_blocks_keep_their_words_apart(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(
                        1,
                        "I <em>disagree</em> with <strong>two</strong> points:\n"
                        "<ol><li>the cost</li><li>the <a href='https://example.org/map'>route"
                        "</a></li></ol>\n<blockquote>Lines are never cheap.</blockquote>\n"
                        "<dl><dt>Grid</dt><dd>The wires.</dd><dt>Load</dt><dd>The use.</dd></dl>"
                        "<script>alert(1)</script>",
                    )
                ],
            )
        )
    )
    stored = Comment.objects.get()
    html = stored.body_html
    assert "<em>disagree</em>" in html and "<strong>two</strong>" in html
    assert re.search(r"<ol>\s*<li>the cost</li>", html)
    assert 'href="https://example.org/map" rel="nofollow ugc noopener"' in html
    assert re.search(r"<blockquote>\s*(<p>)?\s*Lines are never cheap.", html)
    assert "<script" not in html and "alert" not in html
    # Each term and description a paragraph of its own: never "GridThe wires."
    assert re.search(r"<p>\s*Grid\s*</p>\s*<p>\s*The wires.\s*</p>", html)
    # The words alone (what a moderator's edit starts from) keep the blocks apart too.
    assert "Grid\n" in stored.body and "The wires." in stored.body
    page = client.get(imported_post().get_absolute_url()).text
    assert "<em>disagree</em>" in page


def test_title_markup_is_shown_as_plain_words_everywhere(import_wxr, client):
    summary = import_wxr(
        export(post(1, title="Title <em>With</em> <b>Mark<sup>up</sup></b> &amp; more"))
    )
    the_post = imported_post()
    assert the_post.title == "Title With Markup & more"
    page = client.get(the_post.get_absolute_url()).text
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert "&lt;" not in title and "<em>" not in title
    assert "&lt;em&gt;" not in page
    feed = client.get("/feed/").text
    assert "Title With Markup &amp; more" in feed
    assert "&lt;em&gt;" not in feed and "&amp;lt;" not in feed
    assert "title markup or entities turned into plain text" in summary


def test_the_export_names_a_fresh_site(import_wxr):
    summary = import_wxr(export(post(1), title="Harbour Energy Notes"))
    institution = Institution.current()
    assert institution.pk is not None
    assert institution.name == "Harbour Energy Notes"
    assert institution.tagline == "Notes on energy and cities"
    assert "institution: 1 created" in summary
    assert "name and tagline from the export's site title and description" in summary


def test_a_site_already_named_here_keeps_its_name_and_tagline(import_wxr):
    Institution.objects.create(name="Harbour Institute", short_name="Harbour", tagline="Ideas")
    summary = import_wxr(export(post(1), title="Harbour Energy Notes"))
    institution = Institution.current()
    assert (institution.name, institution.tagline) == ("Harbour Institute", "Ideas")
    assert "institution: 1 unchanged" in summary


def test_a_named_site_without_a_tagline_gets_only_the_tagline(import_wxr):
    Institution.objects.create(name="Harbour Institute", short_name="Harbour")
    import_wxr(export(post(1), title="Harbour Energy Notes"))
    institution = Institution.current()
    assert (institution.name, institution.tagline) == (
        "Harbour Institute",
        "Notes on energy and cities",
    )


def test_a_reply_to_a_reply_joins_the_thread_and_says_whom_it_answers(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(1, "Lines first.", name="Rosa Delgado"),
                    comment(2, "Storage first.", name="Imre Kovacs", parent=1),
                    comment(3, "Both, in turn.", name="Nia Mensah", parent=2),
                    comment(4, "Agreed with Rosa.", name="Tom Baird", parent=1),
                ],
            )
        )
    )
    by_name = {c.author_name.split()[0]: c for c in Comment.objects.all()}
    rosa, imre, nia, tom = (by_name[name] for name in ("Rosa", "Imre", "Nia", "Tom"))
    assert imre.parent == rosa and nia.parent == rosa and tom.parent == rosa
    assert nia.in_reply_to == imre
    page = client.get(imported_post().get_absolute_url()).text
    nia_html = page[page.index(f'id="comment-{nia.pk}"') :]
    nia_html = nia_html[: nia_html.index("</article>")]
    assert re.search(rf'in reply to <a href="#comment-{imre.pk}">Imre Kovacs</a>', nia_html), (
        nia_html
    )
    tom_html = page[page.index(f'id="comment-{tom.pk}"') :]
    assert "in reply to" not in tom_html[: tom_html.index("</article>")]


def test_a_reply_to_a_held_reply_does_not_name_its_hidden_author(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(1, "Lines first.", name="Rosa Delgado"),
                    comment(2, "Held text.", name="Secret Sender", parent=1, approved="0"),
                    comment(3, "Both, in turn.", name="Nia Mensah", parent=2),
                ],
            )
        )
    )
    page = client.get(imported_post().get_absolute_url()).text
    assert "Both, in turn." in page
    assert "Secret Sender" not in page
