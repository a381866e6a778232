"""Footnotes in a post body link to their notes and back; no other id or class gets through."""

from masthead.publishing.rendering import render_markdown


def test_a_footnote_reference_links_to_its_note_and_the_note_links_back():
    html = render_markdown("Prices fell.[^1]\n\n[^1]: Office for Statistics, table 3.\n")
    assert '<a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1">' in html and "Office for Statistics, table 3." in html
    assert 'href="#fnref1"' in html and '<section class="footnotes">' in html


def test_ids_and_classes_other_than_the_footnotes_own_are_dropped():
    html = render_markdown(
        '<a id="main-menu" href="#x">x</a> <section class="site-header">s</section>'
        '<li id="fn1-extra">y</li>'
    )
    assert "main-menu" not in html and "site-header" not in html and "fn1-extra" not in html
