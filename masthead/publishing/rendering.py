"""Markdown to safe HTML, done once when a post is saved.

markdown-it-py parses CommonMark (plus tables and strikethrough); nh3 then
keeps only the tags and attributes an article body needs, so a pasted
``<script>`` or ``onerror=`` from an import never reaches a reader.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])

BODY_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "dd", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}


def sanitize_body_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
    )


def render_markdown(text: str) -> str:
    """The body as readers see it. ``h1`` is demoted: the page has one, the title."""
    html = _markdown.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitize_body_html(html)
