"""Pictures in an imported body, on their way to ``![alt](image:N)``.

Before pandoc, each ``<img>`` whose picture was brought home (``wordpress_media``) is
replaced by a placeholder word, a figure with its caption by a paragraph of its own
holding one; the picture's address, alt text and caption are kept beside. Pandoc
passes the words through untouched. Once the post has an id and its ``BodyImage``s,
``with_pictures`` puts each one's Markdown in place of its word, exactly as the
editor's "Insert image" writes it; a figure's caption becomes the picture's caption,
which the renderer shows under it. Until then, and for a picture that has no copy here,
the word becomes a plain Markdown image at its original address.
"""

import html
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from masthead.importers import wordpress_galleries
from masthead.publishing.rendering import PICTURE_LAYOUT_CLASSES

_FIGURE = re.compile(
    r"<figure\b[^>]*>\s*(?:<p>\s*)?(?P<link><a\b[^>]*>\s*)?(?P<img><img\b[^>]*>)\s*"
    r"(?(link)</a>\s*)(?:</p>\s*)?(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>",
    re.IGNORECASE | re.DOTALL,
)
_LINKED_IMAGE = re.compile(
    r"(?P<link><a\b[^>]*>\s*)?(?P<img><img\b[^>]*>)(?(link)(?P<close>\s*</a>)|)",
    re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"""(\w[\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PICTURE_LINK = re.compile(r"\.(?:jpe?g|png|gif|webp)(?:$|\?)|attachment", re.IGNORECASE)


@dataclass
class PictureRef:
    url: str  # the address in the export
    alt: str
    caption: str
    stored: str  # the cleaned copy brought home
    layout: str = ""  # "align-left size-thumbnail": where it stands and how large it shows


# WordPress says where a picture stands and at which of its sizes in classes, on the <img>
# (alignleft size-thumbnail wp-image-12), on the block editor's <figure>, or in a
# [caption align=…]. Here that becomes the renderer's layout classes (rendering.py), which
# the Markdown keeps as an attribute list after the picture: ![alt](image:N){.align-left}.
_WORDPRESS_ALIGN = re.compile(r"(?:^|\s)align(left|right|center)(?=\s|$)", re.IGNORECASE)
_WORDPRESS_SIZE = re.compile(r"(?:^|\s)size-(thumbnail|medium|large|full)(?=\s|$)", re.IGNORECASE)
_OPEN_FIGURE = re.compile(r"<figure\b[^>]*>", re.IGNORECASE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_CLASS_ATTRIBUTE = re.compile(r"""\sclass\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
# WordPress's default sizes: a picture shown this wide or narrower is that size.
_SIZE_BY_WIDTH = ((150, "thumbnail"), (300, "medium"))


def layout_of(classes: str, width: str = "") -> str:
    """WordPress's classes (and the width it shows a picture at) as the layout classes."""
    names = []
    align = _WORDPRESS_ALIGN.search(classes or "")
    if align:
        names.append(f"align-{align[1].lower()}")
    size = _WORDPRESS_SIZE.search(classes or "")
    by_width = []
    if (width or "").strip().isdigit():
        shown = int(width)
        by_width = [f"size-{name}" for limit, name in _SIZE_BY_WIDTH if shown <= limit][:1]
    # "full" or "large" of a file WordPress showed 150 pixels wide is that small: the width
    # it was shown at says more than the name of the size.
    if size and not (by_width and size[1].lower() in ("full", "large")):
        names.append(f"size-{size[1].lower()}")
    else:
        names += by_width
    return " ".join(names)


def with_layout_classes(fragment: str) -> str:
    """Every ``<img>`` with the layout WordPress gave it (its own classes and width, or its
    figure's) as its only classes; the WordPress classes themselves go."""

    def image(tag: str, outer_classes: str = "") -> str:
        attributes = _attributes(tag)
        own = attributes.get("class", "")
        # The figure says where the picture stands (the block editor's way), else the picture.
        align = _WORDPRESS_ALIGN.search(outer_classes) or _WORDPRESS_ALIGN.search(own)
        size = _WORDPRESS_SIZE.search(own) or _WORDPRESS_SIZE.search(outer_classes)
        layout = layout_of(
            (f"align{align[1]} " if align else "") + (f"size-{size[1]}" if size else ""),
            attributes.get("width", ""),
        )
        tag = _CLASS_ATTRIBUTE.sub("", tag)
        if not layout:
            return tag
        return re.sub(r"^<img\b", f'<img class="{layout}"', tag, count=1, flags=re.IGNORECASE)

    def figure(match) -> str:
        opening = match[0]
        classes = _attributes(opening).get("class", "")
        end = fragment.find("</figure>", match.end())
        inside = fragment[match.end() : end if end != -1 else len(fragment)]
        first = _IMG.search(inside)
        if not classes or first is None:
            return opening
        marks.append((match.end() + first.start(), match.end() + first.end(), classes))
        return opening

    marks: list[tuple[int, int, str]] = []
    _OPEN_FIGURE.sub(figure, fragment)
    by_start = {start: (end, classes) for start, end, classes in marks}
    out, position = [], 0
    for match in _IMG.finditer(fragment):
        out.append(fragment[position : match.start()])
        outer = by_start.get(match.start(), (0, ""))[1]
        out.append(image(match[0], outer))
        position = match.end()
    out.append(fragment[position:])
    return "".join(out)


def attribute_list(layout: str) -> str:
    """``align-left size-thumbnail`` → ``{.align-left .size-thumbnail}`` ("" for none)."""
    return "{" + " ".join(f".{name}" for name in layout.split()) + "}" if layout else ""


def _attributes(tag: str) -> dict[str, str]:
    return {
        match[1].lower(): html.unescape(match[2] if match[2] is not None else match[3])
        for match in _ATTRIBUTE.finditer(tag)
    }


def as_placeholders(
    fragment: str, local_copy: Callable[[str], str], pictures: list[PictureRef], word: str
) -> str:
    """``fragment`` with each picture brought home replaced by ``{word}pic{N}x``."""

    def placeholder(image_tag: str, caption: str) -> str | None:
        attributes = _attributes(image_tag)
        url = attributes.get("src", "")
        stored = local_copy(url) if url.startswith(("http://", "https://")) else ""
        if not stored:
            return None
        plain_caption = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(caption)).split())
        given = attributes.get("class", "").split()  # the layout, after with_layout_classes
        layout = " ".join(name for name in PICTURE_LAYOUT_CLASSES if name in given)
        pictures.append(PictureRef(url, attributes.get("alt", ""), plain_caption, stored, layout))
        return f"{word}pic{len(pictures) - 1}x"

    def figure(match):
        token = placeholder(match["img"], match["caption"] or "")
        return match[0] if token is None else f"<p>{token}</p>"

    def image(match):
        token = placeholder(match["img"], "")
        if token is None:
            return match[0]
        link = match["link"]
        if not link:
            return token
        href = _attributes(link).get("href", "")
        # A link to the picture's own larger copy goes: the reader gets srcset instead.
        if _PICTURE_LINK.search(urlsplit(href).path + "?" + urlsplit(href).query):
            return token
        return f"{link}{token}{match['close']}"

    fragment = _FIGURE.sub(figure, fragment)
    return _LINKED_IMAGE.sub(image, fragment)


def count_gallery(gallery, local_copy: Callable[[str], str] | None, pictures: list) -> list[int]:
    """A gallery's pictures among the post's, brought home where they can be."""
    numbers = []
    for picture in gallery.pictures:
        url = picture.url
        stored = local_copy(url) if local_copy and url.startswith(("http://", "https://")) else ""
        pictures.append(PictureRef(url, picture.alt, picture.caption, stored))
        numbers.append(len(pictures) - 1)
    return numbers


def new_word() -> str:
    return "MastheadPicture" + secrets.token_hex(6)


def _markdown_image(picture: PictureRef, with_caption: bool = False) -> str:
    alt = re.sub(r"[\[\]\\\n]+", " ", picture.alt).strip()
    title = ""
    if with_caption and picture.caption:
        title = ' "' + picture.caption.replace("\\", "").replace('"', "\u201d") + '"'
    return f"![{alt}](<{picture.url.replace('>', '%3E')}>{title})"


def with_pictures(
    markdown: str, word: str | None, pictures: list[PictureRef], named: dict, galleries=()
) -> str:
    """Each placeholder as the ``BodyImage`` in ``named`` (by number), else the original."""
    if not word or not (pictures or galleries):
        return markdown

    def gallery(match):
        shown = galleries[int(match[1])]
        lines = [
            named[number].markdown if number in named
            else _markdown_image(pictures[number], with_caption=True)
            for number in shown.numbers
        ]  # fmt: skip
        return wordpress_galleries.as_markdown(shown, lines)

    markdown = re.sub(rf"^{word}gal(\d+)x$", gallery, markdown, flags=re.MULTILINE)

    def replace(line: str) -> str:
        in_html = line.lstrip().startswith("<")

        def one(match):
            number = int(match[1])
            picture = pictures[number]
            if in_html:  # inside an HTML block (a table kept as HTML) Markdown is not read
                layout = f' class="{picture.layout}"' if picture.layout else ""
                return (
                    f'<img src="{html.escape(picture.url)}" alt="{html.escape(picture.alt)}"'
                    f"{layout}>"
                )
            body_image = named.get(number)
            shown = body_image.markdown if body_image is not None else _markdown_image(picture)
            return shown + attribute_list(picture.layout)

        return re.sub(rf"{word}pic(\d+)x", one, line)

    return "\n".join(replace(line) for line in markdown.split("\n"))
