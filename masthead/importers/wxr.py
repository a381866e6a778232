"""Reading a WordPress eXtended RSS (WXR) export as a stream of plain records.

The file is parsed with defusedxml's parser (as its ``iterparse``) with DTDs forbidden: a
WordPress export never declares one, so a ``<!DOCTYPE`` (the carrier of
entity-expansion bombs and external entities) is refused outright. Each
``<item>`` is turned into a record and then dropped from the tree, so memory
stays flat however long the export is.

Namespaces are matched by meaning, not by exact URI: WXR 1.0, 1.1 and 1.2
declare ``wp`` as ``http://wordpress.org/export/1.x/`` and newer exports as
``https://…``; both read the same.
"""

import functools
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeElementTree

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
_EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
_KNOWN_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    # What Masthead's own export adds and WordPress has no field for (ignored by WordPress).
    "urn:masthead:export:1": "masthead",
}


class WxrError(Exception):
    """The file cannot be imported; the message is one line a person can act on."""


@functools.lru_cache(maxsize=512)
def short_name(tag: str) -> str:
    """``{https://wordpress.org/export/1.2/}post_id`` → ``wp:post_id``."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    if _WP_NAMESPACE.match(uri):
        return f"wp:{local}"
    if _EXCERPT_NAMESPACE.match(uri):
        return f"excerpt:{local}"
    prefix = _KNOWN_NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else f"{{{uri}}}{local}"


def _text(element, name: str, default: str = "") -> str:
    for child in element:
        if short_name(child.tag) == name:
            return (child.text or "").strip()
    return default


def _fields(element) -> dict[str, str]:
    """An element's simple children by short name (the first of each), text stripped."""
    fields: dict[str, str] = {}
    for child in element:
        fields.setdefault(short_name(child.tag), child.text or "")
    return fields


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass
class WxrAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    bio: str = ""
    institutional: bool = False


@dataclass
class WxrTerm:
    """A category or tag as named on an item or in the channel."""

    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    description: str = ""


@dataclass
class WxrComment:
    id: int
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    parent_id: int


@dataclass
class WxrItem:
    id: int
    type: str
    status: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    slug: str
    password: str
    parent_id: int
    attachment_url: str = ""
    terms: list[WxrTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)
    comment_status: str = "open"
    menu_order: int = 0  # the order of a page or a menu entry among its siblings


@dataclass
class WxrChannel:
    """What the export says about the site as a whole (read in the first pass)."""

    version: str = ""
    title: str = ""
    description: str = ""
    link: str = ""
    authors: dict[str, WxrAuthor] = field(default_factory=dict)
    terms: dict[tuple[str, str], WxrTerm] = field(default_factory=dict)
    item_count: int = 0


def _author(element) -> WxrAuthor:
    return WxrAuthor(
        login=_text(element, "wp:author_login"),
        email=_text(element, "wp:author_email"),
        display_name=_text(element, "wp:author_display_name"),
        first_name=_text(element, "wp:author_first_name"),
        last_name=_text(element, "wp:author_last_name"),
        role=_text(element, "masthead:role"),
        bio=_text(element, "masthead:bio"),
        institutional=_text(element, "masthead:institutional") == "1",
    )


def _comment(element) -> WxrComment:
    fields = _fields(element)

    def get(name):
        return fields.get(name, "").strip()

    return WxrComment(
        id=_int(get("wp:comment_id")),
        author=get("wp:comment_author"),
        email=get("wp:comment_author_email"),
        url=get("wp:comment_author_url"),
        ip=get("wp:comment_author_IP"),
        date=get("wp:comment_date"),
        date_gmt=get("wp:comment_date_gmt"),
        content=get("wp:comment_content"),
        approved=get("wp:comment_approved"),
        type=get("wp:comment_type"),
        parent_id=_int(get("wp:comment_parent")),
    )


def _item(element) -> WxrItem:
    fields = _fields(element)

    def get(name, default=""):
        return fields.get(name, default).strip()

    item = WxrItem(
        id=_int(get("wp:post_id")),
        type=get("wp:post_type", "post"),
        status=get("wp:status"),
        title=get("title"),
        link=get("link"),
        guid=get("guid")[:500],  # the length the import records keep
        creator=get("dc:creator"),
        content=fields.get("content:encoded", ""),
        excerpt=get("excerpt:encoded"),
        date=get("wp:post_date"),
        date_gmt=get("wp:post_date_gmt"),
        slug=get("wp:post_name"),
        password=get("wp:post_password"),
        parent_id=_int(get("wp:post_parent")),
        attachment_url=get("wp:attachment_url"),
        comment_status=get("wp:comment_status", "open"),
        menu_order=_int(get("wp:menu_order")),
    )
    for child in element:
        name = short_name(child.tag)
        if name == "category":
            kind = child.get("domain", "category")
            slug = child.get("nicename", "")
            item.terms.append(WxrTerm(kind=kind, slug=slug, name=(child.text or "").strip()))
        elif name == "wp:postmeta":
            key = _text(child, "wp:meta_key")
            if key:
                item.meta[key] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


def _parse_error_message(path: Path, error: Exception) -> str:
    if isinstance(error, defusedxml.DTDForbidden):
        return (
            f"{path.name} declares a DTD (<!DOCTYPE>); WordPress exports never do, "
            "so it is refused (entity expansion and external entities are not allowed)."
        )
    if isinstance(error, defusedxml.DefusedXmlException):
        return f"{path.name} uses XML entities or external references, which are refused."
    if isinstance(error, ElementTree.ParseError):
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        if reason.startswith("no element found") or reason.startswith("unclosed token"):
            return f"{path.name} ends early (line {line}): the export looks truncated."
        return f"{path.name} is not well-formed XML: {reason} at line {line}, column {column}."
    return f"{path.name} could not be read: {error}"


# How much of the file the parser is given at a time while elements keep coming.
READ_SIZE = 64 * 1024


def stream_events(path: Path, progress=None) -> Iterator[tuple[str, object]]:
    """(event, element) pairs; parse and file errors become one-line ``WxrError``s.

    Expat (2.5, as bundled here) re-reads an unfinished token (a start tag with its
    attributes) from its beginning each time more of the file arrives, so a 30 MB
    attribute fed in equal small pieces costs time that grows with the square of its
    length. While a piece gives no event the next one is twice as large, so a long
    token is re-read only a few times (linear overall); once elements come again the
    pieces are small again, and memory stays flat for an ordinary export.
    """
    try:
        handle = path.open("rb")
    except OSError as error:
        raise WxrError(f"cannot open {path}: {error.strerror or error}") from None
    with handle:
        reader = handle if progress is None else progress(handle)
        # What iterparse does (a pull parser over a DTD-refusing defused parser), driven
        # here so that the size of each piece can follow what the parser found.
        parser = ElementTree.XMLPullParser(
            events=("start", "end"),
            _parser=SafeElementTree.DefusedXMLParser(
                target=ElementTree.TreeBuilder(), forbid_dtd=True
            ),
        )
        read_size = READ_SIZE
        try:
            while data := reader.read(read_size):
                parser.feed(data)
                events = list(parser.read_events())
                read_size = READ_SIZE if events else read_size * 2
                yield from events
            parser.close()
            yield from parser.read_events()
        except (ElementTree.ParseError, defusedxml.DefusedXmlException) as error:
            raise WxrError(_parse_error_message(path, error)) from None
        except (OSError, UnicodeError, ValueError) as error:
            raise WxrError(f"{path.name} could not be read: {error}") from None


def _channel_children(path: Path, progress=None) -> Iterator[object]:
    """Each complete child of <channel> in turn (items included), checked as it comes."""
    depth = 0
    channel = None
    root_checked = False
    for event, element in stream_events(path, progress):
        if event == "start":
            depth += 1
            if not root_checked:
                root_checked = True
                if element.tag != "rss":
                    raise WxrError(
                        f"{path.name} is not a WordPress export (its root element is "
                        f"<{short_name(element.tag)}>, not <rss>)."
                    )
            if depth == 2 and element.tag == "channel":
                channel = element
            continue
        depth -= 1
        if channel is None or depth != 2:
            continue
        yield element
        # The caller has read it: drop it so memory stays flat.
        channel.clear()
    if channel is None:
        raise WxrError(f"{path.name} is not a WordPress export (it has no <channel>).")


def read_channel(path: Path, progress=None) -> tuple[WxrChannel, dict[int, WxrItem]]:
    """The first pass: check the whole file and gather the site-wide records.

    Returns the channel and the attachments (small records: URL, caption, alt text), which
    posts refer to by id before or after they appear. Items' bodies are not kept.
    """
    channel = WxrChannel()
    attachments: dict[int, WxrItem] = {}

    for element in _channel_children(path, progress):
        name = short_name(element.tag)
        if name == "item":
            channel.item_count += 1
            if _text(element, "wp:post_type") == "attachment":
                attachment = _item(element)
                attachment.content = ""
                attachment.comments = []
                attachments[attachment.id] = attachment
        elif name == "wp:wxr_version":
            channel.version = (element.text or "").strip()
        elif name == "title":
            channel.title = (element.text or "").strip()
        elif name == "description":
            channel.description = (element.text or "").strip()
        elif name == "link":
            channel.link = (element.text or "").strip()
        elif name == "wp:author":
            author = _author(element)
            if author.login:
                channel.authors[author.login] = author
        elif name in ("wp:category", "wp:tag"):
            kind = "category" if name == "wp:category" else "post_tag"
            prefix = "category" if kind == "category" else "tag"
            term = WxrTerm(
                kind=kind,
                slug=_text(element, f"wp:{prefix}_nicename"),
                name=_text(element, "wp:cat_name" if kind == "category" else "wp:tag_name"),
                description=_text(element, f"wp:{prefix}_description"),
            )
            channel.terms[(kind, term.slug)] = term
    if not channel.version:
        raise WxrError(
            f"{path.name} is RSS but not a WordPress export (no <wp:wxr_version>, "
            "or a namespace other than wordpress.org/export/)."
        )
    if channel.version not in SUPPORTED_VERSIONS:
        raise WxrError(
            f"{path.name} is WXR version {channel.version}; this importer reads versions "
            f"{', '.join(SUPPORTED_VERSIONS)}."
        )
    return channel, attachments


def read_items(path: Path, progress=None) -> Iterator[WxrItem]:
    """The second pass: every item, one at a time, with its terms, meta and comments."""
    for element in _channel_children(path, progress):
        if element.tag == "item":
            yield _item(element)
