"""Commenters' text: cleaned once on the way in, rendered once at write time.

Typed text is normalised (Unicode NFC, line endings, control and bidirectional
formatting characters removed) and kept as typed. The HTML readers see is made
from it when the comment is written, never per view: paragraphs and line
breaks, web addresses turned into links, and nothing else.

Autolinking uses markdown-it-py (already our Markdown engine) in its "zero"
preset, which knows only paragraphs, text and line breaks, plus its linkify
rule backed by linkify-it-py, a maintained port of the linkify-it JavaScript
library. Raw HTML is off, so anything that looks like markup is escaped; nh3
then holds the result to an allow-list of ``p``, ``br`` and ``a href`` with
http(s) only, and stamps every link ``rel="nofollow ugc noopener"``.
"""

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

COMMENT_TAGS = {"p", "br", "a"}
COMMENT_ATTRIBUTES = {"a": {"href"}}
COMMENT_LINK_REL = "nofollow ugc noopener"

# Formatting characters that are legitimate inside words in some scripts:
# zero-width non-joiner (Persian, Hindi) and joiner (emoji sequences).
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
_KEPT_CONTROL_CHARACTERS = {"\n", "\t"}

_renderer = MarkdownIt("zero", {"linkify": True, "breaks": True, "html": False})
_renderer.enable(["linkify", "newline"])
# A bare address like name@example.org is not turned into a mailto link:
# commenters' addresses are private and links to them are harvested.
_renderer.linkify.set({"fuzzy_email": False})
# mdurl fills its percent-encoding tables on first use and publishes each table before
# it is complete, so two threads linking their first addresses at once could read a
# half-filled one (an IndexError, a 500). Filling them here, at import, before any
# server thread exists, avoids the race.
_renderer.render("https://example.org/%C3%A9?a=1#b www.example.org")

_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str) -> str:
    """Text as it will be stored: NFC, plain newlines, no control or bidi-override characters."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if value.replace("\n", "").replace("\t", "").isprintable():
        # Every character dropped below is unprintable to Python (categories Cc, Cf, Cs,
        # Co and Cn are), so printable text skips the character-by-character pass.
        return _BLANK_LINES.sub("\n\n", value.replace("\t", " ")).strip()
    kept = []
    for character in value:
        category = unicodedata.category(character)
        if category == "Cc" and character not in _KEPT_CONTROL_CHARACTERS:
            continue
        if category == "Cf" and character not in _KEPT_FORMAT_CHARACTERS:
            continue
        if category in {"Cs", "Co", "Cn"}:
            continue
        kept.append(character)
    value = "".join(kept).replace("\t", " ")
    return _BLANK_LINES.sub("\n\n", value).strip()


def clean_line(value: str) -> str:
    """A one-line field (a name): cleaned like text, with runs of whitespace made one space."""
    return " ".join(clean_text(value).split())


def render_comment_html(text: str) -> str:
    """The comment as readers see it: paragraphs, line breaks and links, nothing else."""
    html = _renderer.render(text)
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    ).strip()


_LINK_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)


def count_links(text: str, html: str | None = None) -> int:
    """How many web addresses a text contains, linked or not (for the link-count flag).

    ``html``, the text as ``render_comment_html`` made it, saves looking for the
    addresses a second time: each one linkify finds is one anchor there.
    """
    linked = len(_renderer.linkify.match(text) or []) if html is None else html.count("<a ")
    return max(linked, len(_LINK_PATTERN.findall(text)))


# A comment brought from another system (a WordPress import) arrives as HTML its commenter
# was allowed to write there. Its formatting is kept, within this smaller allow-list than a
# post body's: a commenter typing here gets paragraphs and links only (Markdown is shown as
# typed), but flattening an archive's quotes and lists would lose what people wrote.
IMPORTED_COMMENT_TAGS = COMMENT_TAGS | {"em", "strong", "i", "b", "blockquote", "ul", "ol", "li"}
_BLOCK_AS_PARAGRAPH = re.compile(
    r"<(/?)(?:h[1-6]|dt|dd|dl|div|tr|table|thead|tbody|tfoot|pre|figure|figcaption|section|"
    r"article|address|caption)\b[^>]*>",
    re.IGNORECASE,
)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)


def render_imported_comment_html(html: str) -> str:
    """An imported comment's HTML as readers see it: paragraphs, line breaks, emphasis,
    quotes, lists and links (nofollow, http/https), nothing else.

    Blocks outside that list (headings, definition lists, tables) become paragraphs, so
    their words stay apart instead of running together when the tags go.
    """
    html = _BLOCK_AS_PARAGRAPH.sub(lambda match: f"<{match[1]}p>", html or "")
    html = _CELL_END.sub(" ", html)
    cleaned = nh3.clean(
        html,
        tags=IMPORTED_COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    )
    # Paragraphs emptied by the clean-up (a table's rows) leave no gaps.
    cleaned = re.sub(r"[ \t]*\n\s*", "\n", cleaned)
    return re.sub(r"<p>\s*</p>\n?", "", cleaned).strip()
