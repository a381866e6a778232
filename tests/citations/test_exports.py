"""BibTeX, BibLaTeX and RIS downloads, and that no field can break out of its format."""

import re

from hypothesis import given
from hypothesis import strategies as st

from masthead.citations.exports import bibtex, latex_escape, ris
from masthead.publishing.models import Author
from tests.conftest import make_post

HOSTILE_TITLE = "100% {Wind} & \\Solar <script>alert(1)</script> #2_x ~^$"


def braces_balance(text: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", text):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_bibtex_is_an_online_record_with_howpublished_url_and_note(
    client, published_post, site_url
):
    response = client.get("/energy/batteries-alone/cite.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    body = response.content.decode()
    year = published_post.publish_at.year
    assert body.startswith(f"@online{{okafor{year}batteries,\n")
    assert "  author = {Okafor, Ada and van der Berg, Ben},\n" in body
    assert "  title = {{Batteries Will Not Save the Grid Alone}},\n" in body
    url = "https://harbour.example.org/energy/batteries-alone/"
    assert f"  howpublished = {{\\url{{{url}}}}},\n" in body
    assert f"  url = {{{url}}},\n" in body
    assert "  note = {Blog post, Energy Desk, Harbour Institute, " in body
    assert braces_balance(body)


def test_biblatex_is_an_online_record_with_the_full_date(client, published_post):
    body = client.get("/energy/batteries-alone/cite.bib?format=biblatex").content.decode()
    assert body.startswith("@online{")
    assert f"  date = {{{published_post.publish_at.date().isoformat()}}},\n" in body
    assert "  titleaddon = {Energy Desk},\n" in body


def test_ris_is_a_blog_record_with_authors_in_byline_order(client, published_post, site_url):
    response = client.get("/energy/batteries-alone/cite.ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    lines = response.content.decode().split("\r\n")
    assert lines[0] == "TY  - BLOG"
    assert lines[1:3] == ["AU  - Okafor, Ada", "AU  - van der Berg, Ben"]
    assert "TI  - Batteries Will Not Save the Grid Alone" in lines
    assert "T2  - Energy Desk" in lines
    assert "UR  - https://harbour.example.org/energy/batteries-alone/" in lines
    assert lines[-2:] == ["ER  - ", ""]


def test_bibtex_specials_in_titles_and_names_come_out_escaped_and_balanced(client, blog):
    author = Author.objects.create(
        display_name="R&D {Unit} 50%", is_institutional=True, slug="rd-unit"
    )
    make_post(blog, [author], title=HOSTILE_TITLE, slug="hostile")
    body = client.get("/energy/hostile/cite.bib").content.decode()
    assert (
        r"title = {{100\% \{Wind\} \& \textbackslash{}Solar <script>alert(1)</script> "
        r"\#2\_x \textasciitilde{}\textasciicircum{}\$}}"
    ) in body
    assert r"author = {{R\&D \{Unit\} 50\%}}" in body
    assert braces_balance(body)


def test_a_line_break_in_a_title_cannot_start_a_new_ris_field(client, blog, ada):
    make_post(blog, [ada], title="Line one\nER  - \nTY  - JOUR", slug="breaks")
    lines = client.get("/energy/breaks/cite.ris").content.decode().split("\r\n")
    assert "TI  - Line one ER - TY - JOUR" in lines
    assert [line for line in lines if line.startswith("TY")] == ["TY  - BLOG"]
    assert [line for line in lines if line.startswith("ER")] == ["ER  - "]


@given(st.text(max_size=80))
def test_any_text_escaped_for_latex_has_balanced_braces_and_no_bare_specials(text):
    escaped = latex_escape(text)
    assert braces_balance("{" + escaped + "}")
    unescaped = re.sub(
        r"\\(textbackslash|textasciitilde|textasciicircum)\{\}|\\[{}%&$#_]", "", escaped
    )
    assert not set(unescaped) & set("{}%&$#_~^\\")
    assert "\n" not in escaped


@given(st.text(max_size=80))
def test_any_title_gives_a_ris_record_with_exactly_one_title_line(text):
    item = {"title": text, "container-title": "B", "publisher": "P", "URL": "https://x.example/"}
    lines = ris(item).split("\r\n")
    assert sum(line.startswith("TI  - ") for line in lines) == 1
    assert len(lines) == 7  # TY, TI, T2, PB, UR, ER and the final empty string


def test_bibtex_of_an_undated_item_has_no_year_field():
    item = {"title": "T", "container-title": "B", "publisher": "P", "URL": "https://x.example/"}
    assert "year" not in bibtex(item)
