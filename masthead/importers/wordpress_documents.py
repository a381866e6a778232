"""Documents a WordPress body links to (PDFs, recordings, office files), brought home.

With ``import_wxr --fetch-media`` a link in a post's body to a document on the old site
(an attachment's address, or any address on the old site's hosts) whose name ends in one
of ``DOCUMENT_TYPES`` is downloaded through ``media_fetch`` (http(s) only, public
addresses only unless a host is allowed by name, checked redirects, bounded time) and
kept as a file under the public media root, and the link is rewritten to the copy.

What our origin serves must be what it says it is, since a reader's browser trusts it as
ours: a document is kept only when

- its old name ends in an allowed extension (the link is not even tried otherwise);
- the old server did not declare a type that is not a document (HTML, SVG, script, XML,
  text: refused whatever the bytes), and a declared document type matches the name;
- its first bytes are that kind of file (``filetype``): a page of HTML served as
  ``report.pdf`` is refused;
- it is at most ``MASTHEAD_DOCUMENT_FETCH_MAX_BYTES`` long (counted as it streams in).

Its name here is made from the old one (a slug: ASCII letters, digits and dashes; at most
80 characters) with the extension the bytes prove, in a random folder, so
the file is served with a document's type (and ``nosniff``), never as a page. A failed
or refused download is reported and the link keeps its old address; the post is marked
incomplete so the next import tries again. A document brought home once is found by its
old address next time (``ImportedDocument``) and not fetched again.
"""

import html
import posixpath
import re
from urllib.parse import unquote, urlsplit

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify

from masthead.importers.media_fetch import FetchFailed, FetchPolicy, fetch_with_type
from masthead.importers.models import ImportedDocument
from masthead.publishing import media

# The extensions a link may end in, and the type each is served with. The bytes must be
# the same kind (filetype's name for it is the extension).
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "wav": "audio/x-wav",
    "flac": "audio/x-flac",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "epub": "application/epub+zip",
}
# Other names the same kinds go by.
_SAME_KIND = {"oga": "ogg", "mpga": "mp3", "wave": "wav"}
# What an old server may say it sends besides the document's own type.
_UNTYPED = {"", "application/octet-stream", "binary/octet-stream", "application/download",
            "application/force-download", "audio/mp3", "audio/wav", "audio/wave", "audio/x-m4a",
            "application/x-pdf"}  # fmt: skip
_LINK = re.compile(
    r'(?P<open><a\b[^>]*?\bhref=")(?P<href>[^"]+)(?P<rest>"[^>]*>)(?P<words>.*?)</a>',
    re.IGNORECASE | re.DOTALL,
)


def document_extension(url: str) -> str | None:
    """The allowed extension ``url``'s name ends in, or None."""
    name = posixpath.basename(unquote(urlsplit(url).path)).lower()
    if "." not in name:
        return None
    extension = name.rsplit(".", 1)[1]
    extension = _SAME_KIND.get(extension, extension)
    return extension if extension in DOCUMENT_TYPES else None


class RefusedDocument(Exception):
    """What was downloaded is not the document its name says; the message says why."""


def checked_document(data: bytes, declared: str, extension: str) -> str:
    """The type to serve ``data`` with, or ``RefusedDocument``."""
    expected = DOCUMENT_TYPES[extension]
    if declared not in _UNTYPED and declared != expected:
        raise RefusedDocument(f"the old site called it {declared[:60]}, not {expected}")
    found = filetype.guess(data)
    kind = _SAME_KIND.get(found.extension, found.extension) if found else None
    if kind != extension:
        what = f"a {found.extension} file" if found else "not a file of a known kind"
        raise RefusedDocument(f"its bytes are {what}, not {extension}")
    return expected


def safe_name(url: str, extension: str) -> str:
    """A file name for the copy: the old name as a slug (ASCII letters, digits, dashes) and
    the extension the bytes proved."""
    stem = posixpath.basename(unquote(urlsplit(url).path)).rsplit(".", 1)[0]
    stem = slugify(stem.replace(".", "-"))[:80].strip("-_")
    return f"{stem or 'document'}.{extension}"


class WordPressDocuments:
    """The documents of one import run (part of ``WordPressImport``)."""

    def _document_policy(self) -> FetchPolicy:
        policy = self._fetch_policy
        return FetchPolicy(
            max_bytes=settings.MASTHEAD_DOCUMENT_FETCH_MAX_BYTES,
            seconds=policy.seconds,
            max_redirects=policy.max_redirects,
            allowed_hosts=policy.allowed_hosts,
        )

    def _documents_of(self, item):
        """``local_document`` for one post's links, remembering whether one did not come."""

        def local_document(url: str) -> str:
            address = self._local_document(url)
            if not address and url in self._missing_documents:
                self._incomplete_items.add(item.id)
            return address

        return local_document

    def _local_document(self, url: str) -> str:
        """The address here of the document at ``url`` (brought home now or before); ""
        when it is not one, not the old site's, or could not be brought home."""
        if not self.options.fetch_media:
            return ""
        extension = document_extension(url)
        host = (urlsplit(url).hostname or "").lower()
        if extension is None or host not in self._old_site_hosts() or len(url) > 500:
            return ""
        if url in self._documents:
            return self._documents[url]
        earlier = ImportedDocument.objects.filter(url=url).first()
        if earlier is not None and default_storage.exists(earlier.stored_file):
            self.summary.note("documents", "brought home by an earlier import")
            self._documents[url] = default_storage.url(earlier.stored_file)
            return self._documents[url]
        if self.options.dry_run:
            self.summary.note("documents", "to fetch from the old site (dry run)")
            self._documents[url] = ""
            return ""
        self._documents[url] = self._bring_document_home(url, extension, earlier)
        if not self._documents[url]:
            self._missing_documents.add(url)
        return self._documents[url]

    def _bring_document_home(self, url: str, extension: str, earlier) -> str:
        try:
            data, declared = fetch_with_type(url, self._document_policy())
            content_type = checked_document(data, declared, extension)
        except (FetchFailed, RefusedDocument) as failure:
            self.summary.note("documents", "not brought home: the link keeps its old address")
            self.summary.warn(
                f"{url[:200]} was not brought home ({failure}): the link keeps its old address."
            )
            return ""
        folder = media.random_folder("documents")
        name = default_storage.save(f"{folder}/{safe_name(url, extension)}", ContentFile(data))
        self._new_files.append(name)
        if earlier is not None:  # its file had gone: the record follows the new copy
            earlier.delete()
        ImportedDocument.objects.create(
            url=url, stored_file=name, content_type=content_type, size=len(data)
        )
        self.summary.note("documents", f"{extension} fetched from the old site")
        return default_storage.url(name)


def with_local_documents(fragment: str, local_document) -> str:
    """``fragment`` (sanitised HTML) with each link to a document brought home pointing at
    the copy here; a link whose words were its old address now shows the file's name."""

    def replace(match):
        url = html.unescape(match["href"])
        if not url.startswith(("http://", "https://")):
            return match[0]
        address = local_document(url)
        if not address:
            return match[0]
        words = match["words"]
        if html.unescape(words).strip() == url:
            words = html.escape(posixpath.basename(address))
        return f"{match['open']}{html.escape(address)}{match['rest']}{words}</a>"

    return _LINK.sub(replace, fragment)
