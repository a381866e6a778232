"""Word documents (.docx) in: checked before pandoc reads them, then saved as a Markdown draft.

A .docx is a zip of XML files. Before pandoc sees one we look at the zip
itself: a file that is not a zip, a zip bomb (too much uncompressed data, or
a member that inflates far beyond its compressed size), a macro-enabled
document, or an image linked from outside the document is refused with a
sentence saying so, and nothing is created. Sizes are measured by inflating
every member with a cap, never read from the zip's headers, which a hostile
file can fill with any number (pandoc's own unzip believes the data, not the
header). Pandoc then converts the body (headings, emphasis, lists, links,
tables, footnotes) to the Markdown our renderer reads, and extracts the
pictures, which go into media storage; it runs with a time and a memory
limit (``masthead.subprocesses``).
"""

import dataclasses
import datetime
import re
import secrets
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from masthead.publishing.models import Author, Blog, BodyImage, Post, PostAuthor
from masthead.subprocesses import PandocError, run_pandoc

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Text XML compresses well (10-20×); hundreds of times more is a bomb, not prose.
MAX_COMPRESSION_RATIO = 100
MAX_MEMBERS = 5000
PANDOC_SECONDS = 60

MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
CORE_TITLE = "{http://purl.org/dc/elements/1.1/}title"


class WordDocumentError(ValueError):
    """A document we will not import; the message tells the editor why, in one sentence."""


@dataclasses.dataclass
class WordImport:
    post: Post
    images: list[str]
    notes: list[str]


def check_document(path: Path) -> str:
    """Refuse what pandoc should never see; return the document's own title, if it has one."""
    name = path.name
    if path.suffix.lower() in {".docm", ".dotm"}:
        raise WordDocumentError(
            f"{name} is a macro-enabled Word file; save it as a plain .docx (without macros)."
        )
    if not path.is_file():
        raise WordDocumentError(f"There is no file at {path}.")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise WordDocumentError(f"{name} is larger than {MAX_DOCUMENT_BYTES // 2**20} MB.")
    if not zipfile.is_zipfile(path):
        raise WordDocumentError(
            f"{name} is not a Word document (.docx): it is not even a zip file. "
            "Old .doc files need saving as .docx first."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_sizes(name, members, path)
            names = {member.filename for member in members}
            if "word/document.xml" not in names:
                raise WordDocumentError(f"{name} is a zip file but not a Word document.")
            if any("vbaproject" in n.lower() for n in names):
                raise WordDocumentError(
                    f"{name} contains macros; save it as a plain .docx (without macros)."
                )
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if MACRO_CONTENT_TYPE.encode() in types:
                raise WordDocumentError(
                    f"{name} is a macro-enabled Word file; save it as a plain .docx "
                    "(without macros)."
                )
            rels = "word/_rels/document.xml.rels"
            if rels in names:
                _check_relationships(name, archive.read(rels))
            core = archive.read("docProps/core.xml") if "docProps/core.xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError) as error:
        raise WordDocumentError(f"{name} is damaged: {error}.") from None
    return _core_title(core)


def _check_sizes(name: str, members: list[zipfile.ZipInfo], path: Path) -> None:
    if len(members) > MAX_MEMBERS:
        raise WordDocumentError(
            f"{name} holds {len(members)} files; a Word document has far fewer."
        )
    unpacked = 0
    with path.open("rb") as handle:
        for member in members:
            size = _inflated_size(name, handle, member, MAX_UNCOMPRESSED_BYTES - unpacked)
            if size != member.file_size:
                raise WordDocumentError(
                    f"{name}: {member.filename} unpacks to {size:,} bytes but its zip header "
                    f"says {member.file_size:,}; a file that misstates its size is refused."
                )
            unpacked += size


INFLATE_STEP = 1024 * 1024


def _inflated_size(name: str, handle, member: zipfile.ZipInfo, allowed: int) -> int:
    """How many bytes ``member`` really unpacks to, found by inflating its data (at most
    ``allowed`` bytes, a megabyte at a time: refused as a bomb as soon as it passes)."""
    handle.seek(member.header_offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise WordDocumentError(f"{name} is damaged: {member.filename} cannot be found in it.")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(member.header_offset + 30 + name_length + extra_length)
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise WordDocumentError(
            f"{name} packs {member.filename} in a way Word never does; save the document "
            "again from Word and try once more."
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = packed = 0
    # Read until the deflate data itself says it has ended: its length on disk is a header
    # field too, so it is not trusted either.
    while not inflater.eof:
        pending = handle.read(64 * 1024)
        if not pending:
            break
        packed += len(pending)
        while pending and not inflater.eof:
            try:
                size += len(inflater.decompress(pending, INFLATE_STEP))
            except zlib.error:
                raise WordDocumentError(
                    f"{name} is damaged: {member.filename} cannot be unpacked."
                ) from None
            pending = inflater.unconsumed_tail
            if size > allowed:
                raise WordDocumentError(
                    f"{name} would unpack to more than the {MAX_UNCOMPRESSED_BYTES // 2**20} MB "
                    "allowed: it looks like a zip bomb, so it was refused."
                )
            if size > INFLATE_STEP and size > MAX_COMPRESSION_RATIO * packed:
                raise WordDocumentError(
                    f"{name}: {member.filename} unpacks to over {MAX_COMPRESSION_RATIO} times "
                    "its packed size; it looks like a zip bomb, so it was refused."
                )
    if not inflater.eof:
        raise WordDocumentError(f"{name} is damaged: {member.filename} is cut short.")
    return size


def _check_relationships(name: str, xml: bytes) -> None:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise WordDocumentError(f"{name} is damaged: {error}.") from None
    for relation in root.iter(RELATIONSHIPS):
        # Word writes "External"; the reader that fetches it accepts any spelling.
        external = (relation.get("TargetMode") or "").strip().lower() == "external"
        if external and (relation.get("Type") or "").strip().lower() == IMAGE_RELATIONSHIP.lower():
            raise WordDocumentError(
                f"{name} shows an image from outside the document ({relation.get('Target')}); "
                "insert the picture itself into the document (not a link to it) and try again."
            )


def _core_title(xml: bytes) -> str:
    if not xml:
        return ""
    try:
        element = ElementTree.fromstring(xml).find(CORE_TITLE)
    except ElementTree.ParseError:
        return ""
    return (element.text or "").strip() if element is not None else ""


def convert(path: Path, media_dir: Path) -> str:
    """The document as Markdown; pictures are written under ``media_dir``."""
    arguments = ["--from=docx", "--to=gfm-raw_html", "--wrap=none"]
    arguments += [f"--extract-media={media_dir}", str(path)]
    try:
        return run_pandoc(arguments, timeout=PANDOC_SECONDS)
    except PandocError as error:
        raise WordDocumentError(f"{path.name} could not be converted: {error}.") from None


IMAGE_LINK = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
LEADING_HEADING = re.compile(r"\A\s*#\s+(?P<title>.+?)\s*\n")


def import_word_document(
    path: Path, *, blog: Blog, author: Author | None = None, post: Post | None = None
) -> WordImport:
    """Make a new draft from ``path`` (or replace the body of the draft ``post``)."""
    path = Path(path)
    document_title = check_document(path)
    notes: list[str] = []
    stored: list[str] = []
    with tempfile.TemporaryDirectory(prefix="masthead-docx-") as scratch:
        media_dir = Path(scratch) / "media"
        markdown = convert(path, media_dir)
        # Pictures become the post's body images (cleaned and resized like an editor's
        # upload, private until the post is public) once the post exists to own them.
        pictures: list[tuple[str, Path, str]] = []

        def collect(match: re.Match) -> str:
            source = Path(match["src"]).resolve()
            if not source.is_relative_to(media_dir.resolve()) or not source.is_file():
                notes.append(f"left out an image that was not inside the document: {match['src']}")
                return ""
            marker = f"MastheadWordPicture{secrets.token_hex(6)}"
            pictures.append((marker, source, match["alt"].strip()))
            return marker

        markdown = IMAGE_LINK.sub(collect, markdown)
        try:
            with transaction.atomic():
                result = _save(markdown, document_title, path, blog, author, post, notes)
                if pictures:
                    _store_pictures(result.post, pictures, notes, stored)
        except Exception:
            for name in stored:
                default_storage.delete(name)
            raise
    result.images = stored
    return result


def _store_pictures(post: Post, pictures, notes: list[str], stored: list[str]) -> None:
    body = post.body
    for number, (marker, source, alt) in enumerate(pictures, start=1):
        if not alt:
            alt = f"Picture {number} from {source.name}"
            notes.append(f"picture {number} has no description: write its alt text")
        try:
            with source.open("rb") as handle:
                picture = BodyImage.store(post, File(handle, name=source.name), alt=alt[:300])
        except ValidationError as refusal:
            notes.append(f"left out {source.name}: {' '.join(refusal.messages)}")
            body = body.replace(marker, "")
            continue
        stored.extend(picture.stored_names())
        body = body.replace(marker, picture.markdown)
    post.body = body
    post.full_clean()
    post.save()


def _save(markdown, document_title, path, blog, author, post, notes) -> WordImport:
    title = document_title
    heading = LEADING_HEADING.match(markdown)
    if heading:
        title = title or heading["title"].strip()
        if heading["title"].strip() == title:
            markdown = markdown[heading.end() :]
    title = (title or path.stem.replace("_", " ").replace("-", " ")).strip()[:240]
    if post is None:
        post = Post(blog=blog, title=title, status=Post.Status.DRAFT)
        post.slug = _free_slug(blog, title)
    elif post.status != Post.Status.DRAFT:
        raise WordDocumentError("Only a draft's body can be replaced by a Word document.")
    post.body = markdown.strip() + "\n"
    try:
        post.full_clean()
    except ValidationError as error:
        raise WordDocumentError(f"{path.name} gives a post that cannot be saved: {error}") from None
    post.save()
    if author is not None and not post.bylines.filter(author=author).exists():
        last = post.bylines.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
        PostAuthor.objects.create(post=post, author=author, position=position)
    return WordImport(post=post, images=[], notes=notes)


def _free_slug(blog: Blog, title: str) -> str:
    base = slugify(title)[:100] or f"word-{datetime.date.today():%Y-%m-%d}"
    slug, number = base, 2
    while Post.objects.filter(blog=blog, slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
