"""The Cite link, dialog and page, and the citation in the print footer."""

import re

from django.test import override_settings

from masthead.citations.formatting import core_styles, format_posts
from masthead.publishing.models import Author, Post
from tests.conftest import make_post

HOSTILE_TITLE = "Why <script>alert(1)</script> & {Braces} 100% \\Matter"


def test_without_javascript_the_cite_link_goes_to_the_cite_page(client, formatted_post):
    page = client.get("/energy/batteries-alone/").content.decode()
    link = re.search(r'<a class="action" href="([^"]+)" data-cite-dialog="cite-dialog"', page)
    assert link and link.group(1) == "/energy/batteries-alone/cite/"


def test_the_post_page_holds_a_labelled_cite_dialog_with_every_core_style(client, formatted_post):
    page = client.get("/energy/batteries-alone/").content.decode()
    dialog = re.search(r"<dialog .*?</dialog>", page, re.S).group(0)
    assert 'aria-labelledby="cite-dialog-title"' in dialog
    assert '<h2 id="cite-dialog-title">Cite this post</h2>' in dialog
    for label in ["MLA", "APA", "Chicago (author-date)", "Chicago (notes and bibliography)"]:
        assert f"> {label}</label>" in dialog
    assert "<em>Energy Desk</em>" in dialog  # the reference keeps its italics
    for download in ["cite.bib", "cite.bib?format=biblatex", "cite.ris", "cite.json"]:
        assert f'href="/energy/batteries-alone/{download}"' in dialog
    assert "data-cite-copy" in dialog
    assert '<script src="/static/citations/cite.js" defer></script>' in page


def test_the_cite_page_shows_all_four_references_and_the_downloads(client, formatted_post):
    response = client.get("/energy/batteries-alone/cite/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    for heading in ["<h3>MLA</h3>", "<h3>APA</h3>", "<h3>Chicago (author-date)</h3>"]:
        assert heading in page
    assert "Okafor, A., &amp; van der Berg, B. (" in page
    assert 'href="/energy/batteries-alone/cite.ris"' in page


def test_the_style_picker_finds_styles_by_name(client, formatted_post):
    page = client.get("/energy/batteries-alone/cite/?q=nature+digest").content.decode()
    assert '<a href="?style=nature-digest">Nature Digest</a>' in page
    found = client.get("/cite/styles.json?q=harvard cite them right").json()["styles"]
    assert {"id": "harvard-cite-them-right", "title": found[0]["title"]} in found


def test_an_unknown_style_is_a_404_with_suggestions_not_an_error(client, formatted_post):
    response = client.get("/energy/batteries-alone/cite/?style=chicago-author-dat")
    assert response.status_code == 404
    page = response.content.decode()
    assert "No style called “chicago-author-dat”" in page
    assert '<a href="?style=chicago-author-date">' in page


def test_a_hostile_style_id_is_a_plain_404(client, formatted_post):
    response = client.get("/energy/batteries-alone/cite/?style=../../etc/passwd%00<b>")
    assert response.status_code == 404
    assert "<b>" not in response.content.decode().split("No style called")[1][:200]


def test_the_print_footer_carries_the_formatted_citation(client, formatted_post):
    page = client.get("/energy/batteries-alone/").content.decode()
    footer = re.search(r'<footer class="print-footer">.*?</footer>', page, re.S).group(0)
    assert "Cite as:" in footer
    assert "Okafor, Ada, and Ben van der Berg. <span>“Batteries Will Not Save the Grid" in footer


def test_a_reference_not_formatted_yet_is_announced_not_invented(client, published_post):
    page = client.get("/energy/batteries-alone/cite/").content.decode()
    assert page.count("This reference is being prepared") == 4


def test_markup_in_titles_and_names_is_shown_as_text_everywhere(client, blog):
    author = Author.objects.create(
        display_name="<img src=x onerror=alert(2)>",
        given_name="<b>Eve</b>",
        family_name="O'Hara & <i>Sons</i>",
        slug="eve",
    )
    post = make_post(blog, [author], title=HOSTILE_TITLE, slug="hostile")
    format_posts([Post.objects.with_byline().get(pk=post.pk)], core_styles())
    for url in ["/energy/hostile/", "/energy/hostile/cite/"]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)" in page or "&lt;Script&gt;alert(1)" in page


@override_settings(MASTHEAD_PRINT_CITATION_STYLE="apa")
def test_the_print_style_is_a_setting(client, formatted_post):
    page = client.get("/energy/batteries-alone/").content.decode()
    footer = re.search(r'<footer class="print-footer">.*?</footer>', page, re.S).group(0)
    assert "Okafor, A., &amp; van der Berg, B." in footer
