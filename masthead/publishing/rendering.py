"""Markdown to safe HTML, done once when a post is saved.

markdown-it-py parses CommonMark (plus tables, strikethrough and footnotes); nh3 then
keeps only the tags and attributes an article body needs, so a pasted
``<script>`` or ``onerror=`` from an import never reaches a reader.
"""

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])
_markdown.use(footnote_plugin)

BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "dd", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "q", "s", "section", "small", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "li": {"id"},
    "section": {"class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}


# Footnotes link to each other by id; any other id or class from a body is dropped, so
# pasted markup cannot take the names of the page's own elements.
FOOTNOTE_ID = re.compile(r"fn(ref)?\d+(:\d+)?")


def _keep_footnote_names(element: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if FOOTNOTE_ID.fullmatch(value) else None
    if attribute == "class":
        return value if (element, value) == ("section", "footnotes") else None
    return value


def sanitize_body_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_keep_footnote_names,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
    )


def render_markdown(text: str) -> str:
    """The body as readers see it. ``h1`` is demoted: the page has one, the title."""
    html = _markdown.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitize_body_html(html)
