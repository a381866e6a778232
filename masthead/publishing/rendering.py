"""Markdown to safe HTML, done once when a post is saved.

markdown-it-py parses CommonMark (plus tables, strikethrough and footnotes);
nh3 then keeps only the tags and attributes an article body needs, so a pasted
``<script>`` or ``onerror=`` from an import never reaches a reader.
"""

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

NOTES_HEADING_ID = "notes-heading"
# The only ids a body may carry: those of its footnotes. Any other id (from raw
# HTML in a body) is dropped, so a post cannot shadow the page's own elements.
FOOTNOTE_ID = re.compile(rf"^(fn|fnref)-\d+(-\d+)?$|^{NOTES_HEADING_ID}$")


def _note_number(token) -> str:
    return str(token.meta["id"] + 1)


def _ref_id(token) -> str:
    """The id of one mention of a note: a note mentioned twice has two."""
    sub = token.meta.get("subId", 0)
    return f"fnref-{_note_number(token)}" + (f"-{sub + 1}" if sub > 0 else "")


def _render_footnote_ref(self, tokens, idx, options, env):
    token = tokens[idx]
    number = _note_number(token)
    return (
        f'<sup class="footnote-ref"><a href="#fn-{number}" id="{_ref_id(token)}" '
        f'aria-label="Note {number}">{number}</a></sup>'
    )


def _render_footnote_block_open(self, tokens, idx, options, env):
    # A labelled section: screen readers list it as "Notes" among the landmarks.
    return (
        f'<section class="footnotes" aria-labelledby="{NOTES_HEADING_ID}">\n'
        f'<h2 id="{NOTES_HEADING_ID}">Notes</h2>\n<ol class="footnotes-list">\n'
    )


def _render_footnote_open(self, tokens, idx, options, env):
    return f'<li id="fn-{_note_number(tokens[idx])}" class="footnote-item">'


def _render_footnote_anchor(self, tokens, idx, options, env):
    token = tokens[idx]
    number = _note_number(token)
    sub = token.meta.get("subId", 0)
    name = f"Back to the text of note {number}" + (f" (mention {sub + 1})" if sub > 0 else "")
    # \ufe0e keeps the arrow a text glyph rather than an emoji.
    return (
        f' <a href="#{_ref_id(token)}" class="footnote-backref" aria-label="{name}">'
        "\u21a9\ufe0e</a>"
    )


_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])
_markdown.use(footnote_plugin)
_markdown.add_render_rule("footnote_ref", _render_footnote_ref)
_markdown.add_render_rule("footnote_block_open", _render_footnote_block_open)
_markdown.add_render_rule("footnote_open", _render_footnote_open)
_markdown.add_render_rule("footnote_anchor", _render_footnote_anchor)

BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "dd", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "section",
}  # fmt: skip
BODY_ATTRIBUTES = {
    # Footnotes: ids to link both ways (filtered below), names for each link,
    # classes for print and screen styling, the notes section's label.
    "a": {"href", "title", "id", "class", "aria-label"},
    "sup": {"class"},
    "li": {"id", "class"},
    "section": {"class", "aria-labelledby"},
    "h2": {"id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "class"},
}
FILTERED_VALUES = {
    "id": FOOTNOTE_ID,
    "aria-labelledby": re.compile(rf"^{NOTES_HEADING_ID}$"),
    "class": re.compile(r"^(footnotes|footnotes-list|footnote-(ref|item|backref))$"),
}


def _keep_known_values(element: str, attribute: str, value: str) -> str | None:
    pattern = FILTERED_VALUES.get(attribute)
    if pattern is None or pattern.match(value):
        return value
    return None


def sanitize_body_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
        attribute_filter=_keep_known_values,
    )


def render_markdown(text: str) -> str:
    """The body as readers see it. ``h1`` is demoted: the page has one, the title."""
    html = _markdown.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitize_body_html(html)
