"""WordPress post content → the Markdown a Masthead editor keeps editing.

Posts in Masthead are Markdown, so an imported post becomes Markdown too: the
editor edits it like any other post, and it renders through the same path
(markdown-it, then nh3 with the body allow-list). Pandoc, already shipped for
citations, does the conversion; whatever Markdown cannot express (a figure
with its caption, a table with merged cells) stays as the small amount of
allow-listed HTML that Markdown permits.

The steps, in order:

1. ``<!--more-->`` splits off the teaser (the summary when there is no excerpt);
   block-editor comments (``<!-- wp:paragraph -->``) and other comments go.
2. Shortcodes: ``[caption]`` becomes ``<figure>`` with ``<figcaption>``;
   ``[gallery]`` becomes one figure per image it names; ``[embed]``, ``[video]``,
   ``[audio]`` and a bare address on its own line (WordPress's auto-embed) become
   a link to what they embedded; ``[playlist]`` is dropped. Each is counted.
3. WordPress's automatic paragraphs: a blank line separates paragraphs and a
   single newline is a line break, as WordPress shows them.
4. The HTML is sanitised with the same allow-list as every post body, *before*
   pandoc sees it, so pandoc only ever reads well-formed, harmless markup.
5. Pandoc converts many posts in one run (a separator paragraph between them),
   since starting pandoc costs more than converting one post.
6. Block-editor footnotes (the ``footnotes`` post meta, a JSON list of notes, and
   ``<sup data-fn="…">`` markers in the text) become Markdown footnotes (``[^1]``),
   which render like every post's notes. Markers and notes travel through pandoc
   as plain words, so the notes' links and emphasis are converted with the post;
   ``finish()`` turns them into Markdown's footnote syntax afterwards.
"""

import html
import json
import re
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nh3

from masthead.importers import wordpress_documents, wordpress_galleries, wordpress_pictures
from masthead.publishing.rendering import sanitize_body_html
from masthead.subprocesses import run_pandoc

# Tables without a header stay HTML; line breaks where Markdown would show a backslash go.
MARKDOWN_FILTER = Path(__file__).with_name("wordpress_markdown.lua")

_MORE = re.compile(r"<!--\s*more\b.*?-->", re.IGNORECASE | re.DOTALL)
_NEXTPAGE = re.compile(r"<!--\s*nextpage\s*-->", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SHORTCODE = re.compile(
    r"(?<!\[)\[(?P<name>caption|wp_caption|gallery|embed|video|audio|playlist)\b"
    r"(?P<attrs>[^\]]*)\]"
    r"(?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_IMAGE_OR_LINKED_IMAGE = re.compile(
    r"^\s*(?P<image>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<caption>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
# The elements WordPress's automatic paragraphs treat as blocks: a newline next to one of
# their tags is layout in the source, never a line break the author typed.
_BLOCK_NAMES = (
    "address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|fieldset|"
    "figcaption|figure|footer|form|h[1-6]|header|hr|iframe|li|math|nav|object|ol|p|pre|"
    "section|summary|svg|table|tbody|td|tfoot|th|thead|tr|ul|video|audio"
)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_NAMES})\b[^>]*>", re.IGNORECASE)
_BLOCK_START = re.compile(rf"^(?:\x00PRE|</?(?:{_BLOCK_NAMES})\b)", re.IGNORECASE)
_NOTE_MARKER = re.compile(
    r"<sup\b[^>]*\bdata-fn\s*=\s*[\"']([^\"']+)[\"'][^>]*>.*?</sup>", re.IGNORECASE | re.DOTALL
)
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)


@dataclass
class GalleryImage:
    url: str
    alt: str
    caption: str


@dataclass
class Prepared:
    """One post's HTML ready for pandoc, and what the preparation did."""

    html: str
    teaser_html: str | None
    counts: Counter
    # The word standing for footnotes in ``html`` until ``finish()``; None: the post has none.
    notes_word: str | None = None
    # Pictures brought home, each standing as a placeholder word in ``html`` (see
    # wordpress_pictures) until ``with_pictures()`` names its BodyImage.
    images: list = field(default_factory=list)
    galleries: list = field(default_factory=list)
    pictures_word: str | None = None


def _notes(footnotes_meta: str, counts: Counter) -> dict[str, str]:
    """The block editor's notes by id, from the ``footnotes`` post meta (JSON)."""
    if not footnotes_meta.strip():
        return {}
    try:
        notes = json.loads(footnotes_meta)
        return {str(note["id"]): str(note.get("content") or "") for note in notes}
    except (ValueError, TypeError, KeyError, AttributeError):
        counts["footnotes unreadable (the footnotes field is not the editor's list): dropped"] += 1
        return {}


def _footnotes(text: str, footnotes_meta: str, counts: Counter) -> tuple[str, str | None]:
    """The text with each note marker as a placeholder word and the notes at its end."""
    notes = _notes(footnotes_meta, counts)
    if not notes and not _NOTE_MARKER.search(text):
        return text, None
    word = "MastheadNote" + secrets.token_hex(6)
    numbers: dict[str, int] = {}

    def marker(match):
        note_id = match[1]
        if note_id not in notes:
            counts["footnote marker without its note: dropped"] += 1
            return ""
        numbers.setdefault(note_id, len(numbers) + 1)
        return f"{word}ref{numbers[note_id]}x"

    text = _NOTE_MARKER.sub(marker, text)
    unused = len(notes) - len(numbers)
    if unused:
        counts["footnote not marked in the text: dropped"] += unused
    if not numbers:
        return text, None
    counts["footnotes converted"] += len(numbers)
    # Each note as a paragraph of its own at the end, led by its placeholder word.
    definitions = "".join(
        f"\n\n<p>{word}note{number}x {notes[note_id]}</p>" for note_id, number in numbers.items()
    )
    return text + definitions, word


def finish(markdown: str, prepared: Prepared) -> str:
    """Pandoc's Markdown with the footnote placeholders as Markdown footnotes."""
    word = prepared.notes_word
    if word is None:
        return markdown
    markdown = re.sub(rf"^{word}note(\d+)x\s*", r"[^\1]: ", markdown, flags=re.MULTILINE)
    return re.sub(rf"{word}ref(\d+)x", r"[^\1]", markdown)


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(text or ""):
        found[match[1].lower()] = next(v for v in match.groups()[1:] if v is not None)
    return found


def _figure(image_html: str, caption_html: str, align: str = "") -> str:
    # [caption align="alignright"]: the figure carries it to its picture
    # (wordpress_pictures.with_layout_classes).
    opening = f'<figure class="{html.escape(align)}">' if align else "<figure>"
    caption = caption_html.strip()
    if caption:
        return f"{opening}{image_html}<figcaption>{caption}</figcaption></figure>"
    return f"{opening}{image_html}</figure>"


def _replace_shortcodes(
    text: str,
    counts: Counter,
    gallery_images: Callable[[dict], list[GalleryImage]],
    galleries: list,
    word: str,
) -> str:
    def replace(match):
        name = match["name"].lower()
        attrs = _attributes(match["attrs"])
        inner = match["inner"] or ""
        if name in ("caption", "wp_caption"):
            parts = _IMAGE_OR_LINKED_IMAGE.match(inner)
            if parts is None:
                counts["caption without an image, kept as text"] += 1
                return inner
            counts["[caption] converted to a figure"] += 1
            caption = attrs.get("caption") or parts["caption"]
            return "\n\n" + _figure(parts["image"], caption, attrs.get("align", "")) + "\n\n"
        if name == "gallery":
            images = gallery_images(attrs)
            if not images:
                counts["[gallery] dropped (no images found)"] += 1
                return ""
            counts["[gallery] kept as a gallery"] += 1
            pictures = [
                wordpress_galleries.GalleryPicture(image.url, image.alt, image.caption)
                for image in images
            ]
            columns = wordpress_galleries.columns_between(attrs.get("columns"), len(pictures))
            galleries.append(wordpress_galleries.Gallery(columns, pictures))
            return wordpress_galleries.placeholder(word, len(galleries) - 1)
        if name == "playlist":
            counts["[playlist] dropped"] += 1
            return ""
        # embed, video, audio: what was embedded becomes a plain link to it.
        url = inner.strip() if name == "embed" else ""
        url = url or attrs.get("src") or attrs.get("mp4") or attrs.get("mp3") or ""
        if not re.match(r"^https?://", url):
            counts[f"[{name}] dropped (no address)"] += 1
            return ""
        counts[f"[{name}] converted to a link"] += 1
        safe = html.escape(url)
        return f'\n\n<p><a href="{safe}">{safe}</a></p>\n\n'

    return _SHORTCODE.sub(replace, text)


_MEDIA_FIGURE = re.compile(
    r"<figure\b[^>]*>\s*(?P<element><(?P<name>audio|video)\b.*?</(?P=name)>)\s*"
    r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>",
    re.IGNORECASE | re.DOTALL,
)
_MEDIA_ELEMENT = re.compile(r"<(?P<name>audio|video)\b.*?</(?P=name)>", re.IGNORECASE | re.DOTALL)
_MEDIA_SOURCE = re.compile(r"""<(?:audio|video|source)\b[^>]*?\bsrc\s*=\s*["']([^"']+)""", re.I)


def _media_elements(text: str, counts: Counter) -> str:
    """The block editor's audio and video (``<audio src>`` in a figure, its caption beside)
    become a link to the recording, named by the caption: a body here plays no media, and
    the link is how the file is brought home (wordpress_documents)."""

    def link(element: str, caption: str) -> str:
        source = _MEDIA_SOURCE.search(element)
        if source is None or not re.match(r"^https?://", source[1].strip()):
            counts["audio or video without an address: dropped"] += 1
            return ""
        counts["audio or video converted to a link"] += 1
        address = html.escape(html.unescape(source[1].strip()))
        words = caption.strip() or address
        return f'\n\n<p><a href="{address}">{words}</a></p>\n\n'

    text = _MEDIA_FIGURE.sub(lambda m: link(m["element"], m["caption"] or ""), text)
    return _MEDIA_ELEMENT.sub(lambda m: link(m[0], ""), text)


def _auto_embeds(text: str, counts: Counter) -> str:
    """A bare address alone on a line was an embed in WordPress; here it is a link."""

    def replace(match):
        counts["auto-embed converted to a link"] += 1
        safe = html.escape(match[1])
        return f'<p><a href="{safe}">{safe}</a></p>'

    return _BARE_URL_LINE.sub(replace, text)


def auto_paragraphs(text: str) -> str:
    """WordPress's rule: blank lines separate paragraphs, a single newline breaks a line.

    Only between words, though: a newline beside a block element's tag (``<ul>``, ``<li>``,
    ``<tr>``, ``</h2>``) only lays out the source, and text before a list or a table is a
    paragraph of its own. (Turning those newlines into breaks was what left a ``<br>`` at
    the end of list items and a hundred of them hoisted out of a table.)
    """
    kept: list[str] = []

    def protect(match):
        kept.append(match[0])
        return f"\n\n\x00PRE{len(kept) - 1}\x00\n\n"

    text = _PRE.sub(protect, text.replace("\r\n", "\n").replace("\r", "\n"))
    # Each block tag on its own, so that words beside one become paragraphs.
    text = _BLOCK_TAG.sub(lambda match: f"\n\n{match[0]}\n\n", text)
    blocks = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            blocks.append(chunk)
        else:
            blocks.append("\x01" + re.sub(r"[ \t]*\n[ \t]*", "<br>\n", chunk) + "\x02")
    joined = "\n".join(blocks)
    # A paragraph inside an element that holds only inline content (a cell, a list item,
    # a caption) would be a new block there: only between blocks is it one.
    joined = _inline_context_paragraphs(joined)
    # The layout newlines this left inside a list item or a cell go too.
    joined = _SPACE_AFTER_OPENING.sub(r"\1", _SPACE_BEFORE_CLOSING.sub(r"\1", joined))
    return re.sub(r"\x00PRE(\d+)\x00", lambda m: kept[int(m[1])], joined)


# Elements whose words are a paragraph already: text right inside them is not wrapped again.
_TEXT_HOLDERS = re.compile(r"^(?:li|td|th|dt|dd|caption|figcaption|h[1-6]|p|summary)$", re.I)
_HOLDER_NAMES = r"(?:li|td|th|dt|dd|caption|figcaption|h[1-6]|p|summary)"
_SPACE_AFTER_OPENING = re.compile(rf"(<{_HOLDER_NAMES}\b[^>]*>)\s+", re.IGNORECASE)
_SPACE_BEFORE_CLOSING = re.compile(rf"\s+(</{_HOLDER_NAMES}>)", re.IGNORECASE)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")


def _inline_context_paragraphs(joined: str) -> str:
    """The paragraph marks (\\x01 … \\x02) as <p> where a paragraph may stand, else dropped."""
    out = []
    open_names: list[str] = []
    for piece in re.split(r"([\x01\x02]|</?[a-zA-Z][^>]*>)", joined):
        if piece in ("\x01", "\x02"):
            inside_text_holder = bool(open_names) and _TEXT_HOLDERS.match(open_names[-1])
            if not inside_text_holder:
                out.append("<p>" if piece == "\x01" else "</p>")
            continue
        tag = _TAG_NAME.match(piece)
        if tag and _BLOCK_TAG.fullmatch(piece):
            closing, name = tag[1] == "/", tag[2].lower()
            if closing:
                if name in open_names:
                    while open_names and open_names.pop() != name:
                        pass
            elif name not in ("hr", "col"):
                open_names.append(name)
        out.append(piece)
    return "".join(out)


def prepare(
    content: str,
    gallery_images: Callable[[dict], list[GalleryImage]] = lambda attrs: [],
    local_copy: Callable[[str], str] | None = None,
    footnotes_meta: str = "",
    local_document: Callable[[str], str] | None = None,
) -> Prepared:
    """Steps 1–4 and 6: the post's HTML, sanitised, with its teaser split off."""
    counts: Counter = Counter()
    parts = _MORE.split(content, maxsplit=1)
    # The teaser becomes a plain-text summary: note markers have no place in it.
    teaser = _NOTE_MARKER.sub("", parts[0]) if len(parts) == 2 else None
    text, notes_word = _footnotes("".join(parts), footnotes_meta, counts)
    if _NEXTPAGE.search(text):
        counts["page break (<!--nextpage-->) removed"] += 1
        text = _NEXTPAGE.sub("\n\n", text)

    pictures: list = []
    galleries: list = []
    pictures_word = wordpress_pictures.new_word()

    def clean(fragment: str, *, body: bool = True) -> str:
        found: list = []
        fragment = wordpress_galleries.block_galleries(fragment, found, pictures_word, counts)
        fragment = _COMMENT.sub("", fragment)
        fragment = _replace_shortcodes(fragment, counts, gallery_images, found, pictures_word)
        fragment = _media_elements(fragment, counts)
        fragment = _auto_embeds(fragment, counts)
        fragment = wordpress_pictures.with_layout_classes(fragment)
        fragment = sanitize_body_html(auto_paragraphs(fragment))
        if not body:  # a summary has no place for pictures
            return re.sub(rf"<p>{pictures_word}gal\d+x</p>", "", fragment)
        # This fragment's galleries, numbered after any found before.
        fragment = re.sub(
            rf"{pictures_word}gal(\d+)x",
            lambda m: f"{pictures_word}gal{int(m[1]) + len(galleries)}x",
            fragment,
        )
        galleries.extend(found)
        if local_copy is not None:
            fragment = wordpress_pictures.as_placeholders(
                fragment, local_copy, pictures, pictures_word
            )
        for gallery in found:
            gallery.numbers = wordpress_pictures.count_gallery(gallery, local_copy, pictures)
        if local_document is not None:
            fragment = wordpress_documents.with_local_documents(fragment, local_document)
        return fragment

    # The teaser is a copy of the body's opening: what it converts is counted once, below.
    note_counts = Counter(counts)
    teaser_html = clean(teaser, body=False) if teaser is not None else None
    counts.clear()
    counts.update(note_counts)
    return Prepared(
        html=clean(text), teaser_html=teaser_html, counts=counts, notes_word=notes_word,
        images=pictures, galleries=galleries,
        pictures_word=pictures_word if pictures or galleries else None,
    )  # fmt: skip


def with_pictures(markdown: str, prepared: Prepared, named: dict) -> str:
    """The Markdown with its pictures: ``named`` BodyImages by number, else the originals."""
    return wordpress_pictures.with_pictures(
        markdown, prepared.pictures_word, prepared.images, named, prepared.galleries
    )


def plain_text(fragment: str, limit: int | None = None) -> str:
    """The words of an HTML fragment, on one line; cut at a word boundary to ``limit``."""
    text = nh3.clean(re.sub(r"<(br|/p|/h\d|/li)\b[^>]*>", " ", fragment or ""), tags=set())
    text = " ".join(html.unescape(text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def to_markdown(fragments: Sequence[str]) -> list[str]:
    """Sanitised HTML fragments → Markdown, in one pandoc run for the lot."""
    if not fragments:
        return []
    marker = "MastheadSeparator" + secrets.token_hex(8)
    joined = f"\n<p>{marker}</p>\n".join(fragments)
    converted = _pandoc(joined)
    pieces = re.split(rf"^{marker}$", converted, flags=re.MULTILINE)
    if len(pieces) != len(fragments):
        # A fragment swallowed the separator somehow: convert each on its own.
        return [_pandoc(fragment).strip() for fragment in fragments]
    return [piece.strip() for piece in pieces]


def _pandoc(fragment: str) -> str:
    if not fragment.strip():
        return ""
    return run_pandoc(
        ["--from=html", "--to=gfm", "--wrap=none", f"--lua-filter={MARKDOWN_FILTER}"],
        input_text=fragment,
    )


_ANCHOR = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", re.I | re.S)


def plain_text_with_breaks(fragment: str) -> str:
    """A WordPress comment as the plain text Masthead stores: paragraphs and line breaks kept,
    a link's address written after its words, every tag gone."""

    def link(match):
        words = match[2]
        address = html.unescape(match[1])
        plain_words = html.unescape(nh3.clean(words, tags=set())).strip()
        return words if plain_words == address or not address else f"{words} ({address})"

    text = _ANCHOR.sub(link, fragment or "")
    text = re.sub(r"<br\s*/?>\n?", "\n", text, flags=re.I)
    text = re.sub(r"</p\s*>", "\n\n", text, flags=re.I)
    # Other blocks end a line too, so their words never run together ("friends.Do It Live").
    text = re.sub(r"</(?:li|h\d|dt|dd|tr|blockquote|div|table|ul|ol|dl|pre|figure)\s*>", "\n",
                  text, flags=re.I)  # fmt: skip
    text = re.sub(r"</t[dh]\s*>", " ", text, flags=re.I)
    return html.unescape(nh3.clean(text, tags=set()))
