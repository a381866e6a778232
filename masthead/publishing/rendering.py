"""Markdown to safe HTML, done once when a post is saved.

markdown-it-py parses CommonMark (plus tables, strikethrough and footnotes);
nh3 then keeps only the tags and attributes an article body needs, so a pasted
``<script>`` or ``onerror=`` from an import never reaches a reader.

A picture uploaded in the editor is named in the Markdown by its number,
``![alt text](image:42)``: the renderer turns it into a ``<figure>`` with
``srcset`` from the post's own pictures (given by the caller, so this module
needs no database), and the sanitiser lets through only ``srcset`` values made
of image addresses and the one ``sizes`` value the renderer writes.
"""

import re
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

NOTES_HEADING_ID = "notes-heading"
# The only ids a body may carry: those of its footnotes. Any other id (from raw
# HTML in a body) is dropped, so a post cannot shadow the page's own elements.
FOOTNOTE_ID = re.compile(rf"^(fn|fnref)-\d+(-\d+)?$|^{NOTES_HEADING_ID}$")


IMAGE_REFERENCE = re.compile(r"^image:(\d{1,12})$")
# The same, as it appears inside Markdown text (used to check a body's references).
IMAGE_REFERENCE_IN_TEXT = re.compile(r"\]\(\s*<?image:(\d{1,12})")


@dataclass(frozen=True)
class BodyImageView:
    """What the renderer needs to show one uploaded picture."""

    src: str
    srcset: str
    sizes: str
    width: int
    height: int
    alt: str
    caption: str = ""
    credit: str = ""


# Where a picture stands and how large it shows, written after it as an attribute list:
#
#     ![Alt text](image:12){.align-left .size-thumbnail}
#
# (as WordPress's alignleft / size-thumbnail, which an import keeps this way). Only these
# classes are kept; the floats and the sizes are site.css's (full width on a phone).
PICTURE_LAYOUT_CLASSES = (
    "align-left", "align-right", "align-center",
    "size-thumbnail", "size-medium", "size-large", "size-full",
)  # fmt: skip
_LAYOUT = r"(?:align-(?:left|right|center)|size-(?:thumbnail|medium|large|full))"


def picture_layout(token) -> str:
    """The picture's layout classes from its attribute list, in a fixed order, known ones only."""
    given = set((token.attrGet("class") or "").split())
    return " ".join(name for name in PICTURE_LAYOUT_CLASSES if name in given)


def _image_number(token) -> int | None:
    match = IMAGE_REFERENCE.match(token.attrGet("src") or "")
    return int(match[1]) if match else None


def _mark_figures(state):
    """A paragraph holding nothing but one uploaded picture becomes a figure, not a <p>."""
    tokens = state.tokens
    for index in range(1, len(tokens) - 1):
        inline = tokens[index]
        if inline.type != "inline" or tokens[index - 1].type != "paragraph_open":
            continue
        children = [
            child
            for child in inline.children or []
            if child.type == "image" or child.content.strip()
        ]
        if len(children) == 1 and children[0].type == "image" and _image_number(children[0]):
            children[0].meta["figure"] = True
            tokens[index - 1].hidden = True
            tokens[index + 1].hidden = True


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.meta.get("gallery"):
        return _gallery_item(self, token, options, env)
    number = _image_number(token)
    layout = picture_layout(token)
    if layout:
        token.attrSet("class", layout)
    elif token.attrGet("class") is not None:
        del token.attrs["class"]
    if number is None:
        return self.image(tokens, idx, options, env)
    picture = env.get("images", {}).get(number)
    if picture is None:
        # Saving refuses a body naming another post's picture; an old version may still.
        return ""
    alt = self.renderInlineAsText(token.children or [], options, env).strip() or picture.alt
    shown_in_text = "" if token.meta.get("figure") or not layout else f' class="{layout}"'
    img = (
        f'<img src="{escape(picture.src)}" srcset="{escape(picture.srcset)}" '
        f'sizes="{escape(picture.sizes)}" width="{picture.width}" height="{picture.height}" '
        f'alt="{escape(alt)}" loading="lazy"{shown_in_text}>'
    )
    if not token.meta.get("figure"):
        return img
    caption = escape(picture.caption)
    if picture.credit:
        caption += f' <small class="credit">{escape(picture.credit)}</small>'
    figcaption = f"<figcaption>{caption.strip()}</figcaption>" if caption.strip() else ""
    classes = f"body-image {layout}".strip()
    return f'<figure class="{classes}">{img}{figcaption}</figure>\n'


# A gallery in a body: a grid of pictures, each linked to its largest copy, written as
#
#     ::: gallery columns=3
#     ![Alt text](image:12)
#     ![Alt text](https://example.org/photo.jpg "Its caption")
#     :::
#
# (one picture a line; ``columns`` 1 to 9, 3 when left out). An editor changes it like any
# Markdown; the grid and its print layout are site.css's and print.css's.
GALLERY_COLUMNS = re.compile(r"\bcolumns\s*=\s*([1-9])\b")


def _gallery_columns(info: str) -> int:
    match = GALLERY_COLUMNS.search(info)
    return int(match[1]) if match else 3


def _render_gallery(self, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting == 1:
        columns = _gallery_columns(token.info)
        return f'<ul class="gallery gallery--columns-{columns}">\n'
    return "</ul>\n"


def _mark_gallery_pictures(state):
    """Inside a gallery each picture is an item of the grid; the paragraph around goes."""
    depth = 0
    for token in state.tokens:
        if token.type == "container_gallery_open":
            depth += 1
        elif token.type == "container_gallery_close":
            depth -= 1
        elif depth and token.type in ("paragraph_open", "paragraph_close"):
            token.hidden = True
        elif depth and token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    child.meta["gallery"] = True
                elif child.type in ("softbreak", "hardbreak") or not child.content.strip():
                    child.type = "text"
                    child.content = ""


def _gallery_item(self, token, options, env) -> str:
    number = _image_number(token)
    alt = self.renderInlineAsText(token.children or [], options, env).strip()
    if number is None:
        src = token.attrGet("src") or ""
        caption = token.attrGet("title") or ""
        img = f'<img src="{escape(src)}" alt="{escape(alt)}" loading="lazy">'
        large = src
    else:
        picture = env.get("images", {}).get(number)
        if picture is None:
            return ""
        caption = picture.caption
        img = (
            f'<img src="{escape(picture.src)}" srcset="{escape(picture.srcset)}" '
            f'sizes="{GALLERY_SIZES}" width="{picture.width}" height="{picture.height}" '
            f'alt="{escape(alt or picture.alt)}" loading="lazy">'
        )
        large = picture.src
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption.strip() else ""
    return (
        f'<li><figure class="body-image"><a href="{escape(large)}">{img}</a>'
        f"{figcaption}</figure></li>\n"
    )


# A grid cell is narrower than the column: on a phone two a row, else a third of 40rem.
GALLERY_SIZES = "(min-width: 42.5rem) 13rem, 50vw"


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
_markdown.use(attrs_plugin, after=("image",), allowed=("class",))
_markdown.add_render_rule("image", _render_image)
_markdown.core.ruler.push("body_image_figures", _mark_figures)
_markdown.use(container_plugin, name="gallery", render=_render_gallery)
_markdown.core.ruler.push("gallery_pictures", _mark_gallery_pictures)

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
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "class"},
    "figure": {"class"},
    "small": {"class"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "class"},
    "ul": {"class"},
}
# One image candidate of a srcset: an address (a path, or http/https) and a width.
_SRCSET_CANDIDATE = r"(?:/(?!/)|https?://)[^\s,\"'<>]+ \d{1,5}w"
FILTERED_VALUES = {
    "id": FOOTNOTE_ID,
    "srcset": re.compile(rf"^{_SRCSET_CANDIDATE}(?:, {_SRCSET_CANDIDATE})*$"),
    "sizes": re.compile(
        r"^(\(min-width: 42\.5rem\) 40rem, calc\(100vw - 2\.5rem\)"
        r"|\(min-width: 42\.5rem\) 13rem, 50vw)$"
    ),
    "loading": re.compile(r"^lazy$"),
    "aria-labelledby": re.compile(rf"^{NOTES_HEADING_ID}$"),
    "class": re.compile(
        r"^(footnotes|footnotes-list|footnote-(ref|item|backref)|body-image|credit"
        r"|gallery gallery--columns-[1-9]"
        rf"|(body-image )?{_LAYOUT}( {_LAYOUT})?)$"
    ),
}


# No reader follows a link or loads a picture whose address runs to tens of kilobytes
# (pictures inside the text, data: addresses, are refused anyway). Such a value is dropped,
# the element kept, so that nothing after (pandoc on an import, the Markdown parser) spends
# minutes on a hostile export's megabytes-long attribute.
LONGEST_ATTRIBUTE_VALUE = 16 * 1024


def _keep_known_values(element: str, attribute: str, value: str) -> str | None:
    if len(value) > LONGEST_ATTRIBUTE_VALUE:
        return None
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


def render_markdown(text: str, images: dict[int, BodyImageView] | None = None) -> str:
    """The body as readers see it. ``h1`` is demoted: the page has one, the title.

    ``images`` are the pictures ``![...](image:N)`` may show, by number.
    """
    html = _markdown.render(text, {"images": images or {}})
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return tables_in_scroll_boxes(sanitize_body_html(html))


# A table wider than the text column scrolls sideways inside a box of its own, never the
# page; the box takes the keyboard's focus (and is named), so it scrolls without a mouse.
# Added after sanitising, whose output writes every table as a bare "<table>".
TABLE_SCROLL_BOX = '<div class="table-scroll" role="region" tabindex="0" aria-label="Table">'


def tables_in_scroll_boxes(html: str) -> str:
    return html.replace("<table>", TABLE_SCROLL_BOX + "<table>").replace(
        "</table>", "</table></div>"
    )


IMAGE_ADDRESSES = re.compile(r'\b(src|srcset)="(/[^/"][^"]*)"')
PATH_START = re.compile(r"(^|, )/(?!/)")


def with_absolute_image_addresses(html: str, site: str) -> str:
    """``html`` with its pictures' site paths prefixed by ``site`` ("https://host"), for
    readers of a feed or the API, who see the body away from the site's own pages."""

    def absolute(match) -> str:
        # src is one path; srcset is "path width, path width, ...": each path starts a part.
        return f'{match[1]}="{PATH_START.sub(lambda start: start[1] + site + "/", match[2])}"'

    return IMAGE_ADDRESSES.sub(absolute, html)
