"""WordPress galleries stay galleries: ``[gallery]`` and the block editor's gallery.

Each becomes a gallery block in the post's Markdown (``::: gallery columns=N``, one
picture a line; see ``publishing.rendering``), which the page shows as a grid with each
picture linked to its largest copy, and which an editor changes like any Markdown. The
columns and every picture's caption are kept. Until the pictures are named (their
``BodyImage``s made, in ``wordpress_pictures.with_pictures``), a gallery stands in the
HTML as one placeholder word in a paragraph of its own, which pandoc passes through.
"""

import html
import json
import re
from dataclasses import dataclass, field

_BLOCK_GALLERY = re.compile(
    r"<!--\s*wp:gallery\b(?P<attrs>.*?)-->(?P<inner>.*?)<!--\s*/wp:gallery\s*-->",
    re.DOTALL,
)
# One picture of a block gallery: its <img>, and the caption of the figure around it.
_BLOCK_PICTURE = re.compile(
    r"(?P<img><img\b[^>]*>)(?:\s*</a>)?\s*(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>)?",
    re.IGNORECASE | re.DOTALL,
)
_GALLERY_CAPTION = re.compile(
    r'<figcaption\b[^>]*class="[^"]*blocks-gallery-caption[^"]*"[^>]*>(?P<caption>.*?)'
    r"</figcaption>\s*</figure>\s*$",
    re.IGNORECASE | re.DOTALL,
)
_COLUMNS_CLASS = re.compile(r"\bcolumns-([1-9])\b")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass
class GalleryPicture:
    url: str
    alt: str
    caption: str


@dataclass
class Gallery:
    columns: int
    pictures: list[GalleryPicture]
    caption: str = ""
    # The pictures' numbers among the post's pictures (wordpress_pictures), once counted.
    numbers: list[int] = field(default_factory=list)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment or "")).split())


def _attributes(tag: str) -> dict[str, str]:
    return {
        m[1].lower(): html.unescape(m[2] if m[2] is not None else m[3])
        for m in _ATTRIBUTE.finditer(tag)
    }


def columns_between(value, count: int) -> int:
    """WordPress's columns: as given (1–9), else three, never more than pictures."""
    try:
        columns = int(value)
    except (TypeError, ValueError):
        columns = 3
    return max(1, min(columns, 9, max(count, 1)))


def placeholder(word: str, number: int) -> str:
    return f"\n\n<p>{word}gal{number}x</p>\n\n"


def block_galleries(text: str, galleries: list[Gallery], word: str, counts) -> str:
    """The block editor's galleries (``<!-- wp:gallery -->``) as placeholders."""

    def replace(match):
        try:
            settings = json.loads(match["attrs"].strip() or "{}")
        except ValueError:
            settings = {}
        inner = match["inner"]
        pictures = []
        for found in _BLOCK_PICTURE.finditer(inner):
            attributes = _attributes(found["img"])
            url = attributes.get("data-full-url") or attributes.get("src", "")
            if not url:
                continue
            pictures.append(
                GalleryPicture(url, attributes.get("alt", ""), _plain(found["caption"] or ""))
            )
        if not pictures:
            counts["gallery block dropped (no pictures)"] += 1
            return ""
        columns = settings.get("columns") if isinstance(settings, dict) else None
        if columns is None:
            by_class = _COLUMNS_CLASS.search(inner[:400])
            columns = by_class[1] if by_class else 3
        caption = _GALLERY_CAPTION.search(inner)
        galleries.append(
            Gallery(
                columns_between(columns, len(pictures)),
                pictures,
                _plain(caption["caption"]) if caption else "",
            )
        )
        counts["gallery block kept as a gallery"] += 1
        return placeholder(word, len(galleries) - 1)

    return _BLOCK_GALLERY.sub(replace, text)


def as_markdown(gallery: Gallery, pictures_markdown: list[str]) -> str:
    lines = [f"::: gallery columns={gallery.columns}", *pictures_markdown, ":::"]
    if gallery.caption:
        lines.append("")
        lines.append(gallery.caption)
    return "\n".join(lines)
