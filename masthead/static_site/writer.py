"""Renders the public site in-process, with its real addresses, into files for nginx.

Address to file (the same rule ``deploy/nginx.conf`` follows):

- ``/energy/`` → ``energy/index.html`` (``.atom``, ``.rss`` or ``.feedjson`` for
  feeds: a directory address gets the extension of its content type);
- ``/energy/?page=2`` → ``energy/index@page=2.html``; likewise ``?comments=N`` and
  a sitemap section's ``?p=N``; any other query string is left to the app;
- ``/energy/some-post/cite.bib`` → ``energy/some-post/cite.bib``.

Every file is written to a temporary name and moved into place, so nginx never
serves half a page; a file is only written when its bytes changed, so a change
leaves the files it does not touch alone (their mtime too). Text files get a
``.gz`` beside them for nginx's ``gzip_static``.
"""

import gzip
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import call_command
from django.http import HttpResponseBase

from masthead.static_site import pages

# The query strings a file can stand for; nginx's `map $args $static_variant` matches these.
VARIANT = re.compile(r"(page|comments|p)=[1-9][0-9]{0,5}")
# The content type of a directory address picks its file's extension.
DIRECTORY_EXTENSIONS = {
    "text/html": "html",
    "application/atom+xml": "atom",
    "application/rss+xml": "rss",
    "application/feed+json": "feedjson",
}
# What nginx answers for each extension it serves from the folder (its `types` block).
CONTENT_TYPES = {
    **{extension: kind for kind, extension in DIRECTORY_EXTENSIONS.items()},
    "xml": "application/xml",
    "txt": "text/plain",
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",
    "pdf": "application/pdf",
}
# Files whose type differs from their extension's get a location of their own in nginx.
EXACT_CONTENT_TYPES = {
    "/opensearch.xml": "application/opensearchdescription+xml",
    "/cite/styles.json": "application/json",
}
COMPRESSIBLE = {"html", "atom", "rss", "feedjson", "xml", "txt", "bib", "ris", "json"}
MANIFEST = ".masthead-static.json"
# The comment form's signed time stamp differs on every render; it is not a change.
FORM_TIMESTAMP = re.compile(rb'(name="started" value=")[^"]*(")')


# The page cache middleware lets a request with this WSGI environ key through unstored
# and unanswered (masthead/pagecache/middleware.py reads the same key). Only code that
# builds the environ itself can set it: a client's headers all arrive as HTTP_*.
FRESH_RENDER_KEY = "masthead.render_fresh"


class InProcessHandler(BaseHandler):
    """Django's own request handling (every middleware, the URL resolver, the views),
    given requests built here rather than read from a socket.

    A view's exception becomes the 500 page, as under a server; the request_started
    and request_finished signals are not sent, because their receivers close the
    database connection, which the command (or a test) is still using.
    """

    def __init__(self, *, host: str, secure: bool):
        super().__init__()
        self.load_middleware()
        self.host = host
        self.secure = secure

    def get(self, url: str) -> HttpResponseBase:
        path, _, query = url.partition("?")
        default_port = "443" if self.secure else "80"
        server_name, _, port = self.host.partition(":")
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            # A WSGI server hands Django the path decoded, as Latin-1 text of its bytes.
            "PATH_INFO": unquote_to_bytes(path).decode("iso-8859-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": server_name,
            "SERVER_PORT": port or default_port,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": self.host,
            "CONTENT_LENGTH": "0",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https" if self.secure else "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            FRESH_RENDER_KEY: True,
        }
        return self.get_response(WSGIRequest(environ))


def base_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def file_for(url: str, content_type: str) -> str | None:
    """The file (relative to the folder) that stands for ``url``; None if nginx could
    not serve it with the app's content type, so the address stays with the app."""
    path, _, query = url.partition("?")
    if query and not VARIANT.fullmatch(query):
        return None
    variant = f"@{query}" if query else ""
    kind = base_type(content_type)
    if path.endswith("/"):
        extension = DIRECTORY_EXTENSIONS.get(kind)
        return f"{path.lstrip('/')}index{variant}.{extension}" if extension else None
    expected = EXACT_CONTENT_TYPES.get(path) or CONTENT_TYPES.get(path.rsplit(".", 1)[-1])
    return path.lstrip("/") + variant if expected == kind else None


class StaticSite:
    """One folder holding the public site, and what was written into it."""

    def __init__(self, directory, *, log=None):
        self.directory = Path(directory).resolve()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = log or (lambda message: None)
        self.manifest = self._load_manifest()
        site = urlsplit(settings.MASTHEAD_SITE_URL)
        self.handler = InProcessHandler(host=site.netloc, secure=site.scheme == "https")
        self.written = 0

    # --- the manifest: per owner, the files it wrote; per post, what it is part of ----
    def _load_manifest(self) -> dict:
        try:
            manifest = json.loads((self.directory / MANIFEST).read_text())
        except (FileNotFoundError, ValueError):
            manifest = {}
        manifest.setdefault("owners", {})
        manifest.setdefault("relations", {})
        return manifest

    def save_manifest(self) -> None:
        body = json.dumps(self.manifest, sort_keys=True).encode()
        if self._differs(self.directory / MANIFEST, body):
            self._write(self.directory / MANIFEST, body)

    # --- publishing -------------------------------------------------------------------
    def publish_everything(self, *, assets: bool = True) -> None:
        if assets:
            self.publish_assets()
        owners = pages.every_owner()
        for gone in set(self.manifest["owners"]) - set(owners):
            self.publish_owner(gone)
        for owner in owners:
            self.publish_owner(owner)
            if owner.startswith("post:"):
                relations = pages.relations_of(int(owner[5:]), thorough=False)
                self.manifest["relations"][owner] = relations
        # Every listing was written above, so what gone posts were part of is no longer needed.
        for gone in set(self.manifest["relations"]) - set(owners):
            del self.manifest["relations"][gone]
        self.save_manifest()

    def publish_subjects(self, subjects) -> set[str]:
        """Re-renders what the changes to ``subjects`` touch; the owners it re-rendered."""
        owners: set[str] = set()
        for subject in subjects:
            owners |= pages.owners_touched(subject, self.manifest["relations"])
        for owner in sorted(owners, key=render_order):
            self.publish_owner(owner)
        for subject in subjects:
            if subject.startswith("post:"):
                relations = pages.relations_of(int(subject[5:]))
                if relations["listings"] or relations["related"]:
                    self.manifest["relations"][subject] = relations
                else:
                    self.manifest["relations"].pop(subject, None)
        self.save_manifest()
        return owners

    def publish_owner(self, owner: str) -> None:
        before = self.manifest["owners"].get(owner, {})
        now = {}
        for url in pages.urls_of(owner):
            name = self.publish_url(url)
            if name:
                now[url] = name
        for name in set(before.values()) - set(now.values()):
            self._delete(name)
        if now:
            self.manifest["owners"][owner] = now
        else:
            # Its relations stay: a post taken down by one change (its references
            # re-rendered, say) must still be taken off its listings when the change
            # to the post itself is read; ``publish_subjects`` replaces them then.
            self.manifest["owners"].pop(owner, None)

    def publish_url(self, url: str) -> str | None:
        # Rendered afresh, never from this process's page cache (FRESH_RENDER_KEY): a copy
        # it stored could predate the change being written (its view of the version may
        # lag 0.3 s).
        response = self.handler.get(url)
        if response.status_code != 200:
            if response.status_code >= 500:
                self.log(f"{url} answered {response.status_code}; left to the app")
            return None
        name = file_for(url, response.get("Content-Type", ""))
        if name is None:
            self.log(f"{url} ({response.get('Content-Type')}) is left to the app")
            return None
        body = b"".join(response) if response.streaming else response.content
        target = self.directory / name
        if not self._differs(target, body):
            return name
        self._write(target, body)
        if name.rsplit(".", 1)[-1].split("@")[0] in COMPRESSIBLE:
            self._write(Path(f"{target}.gz"), gzip.compress(body, 9, mtime=0))
        self.written += 1
        return name

    def _differs(self, target: Path, body: bytes) -> bool:
        try:
            old = target.read_bytes()
        except FileNotFoundError:
            return True
        if old == body:
            return False
        if FORM_TIMESTAMP.sub(rb"\1\2", old) != FORM_TIMESTAMP.sub(rb"\1\2", body):
            return True
        # Same page, another time stamp: renewed once it is half as old as a form may be.
        max_age = settings.MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS * 3600
        return time.time() - target.stat().st_mtime > max_age / 2

    def _write(self, target: Path, body: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(body)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _delete(self, name: str) -> None:
        target = self.directory / name
        for path in (target, Path(f"{target}.gz")):
            path.unlink(missing_ok=True)
        # Empty folders go too (an unpublished post's), up to the folder's root.
        folder = target.parent
        while folder != self.directory and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    # --- assets -------------------------------------------------------------------------
    def publish_assets(self) -> None:
        """``collectstatic``'s output, copied under the static URL (changed files only)."""
        call_command("collectstatic", interactive=False, verbosity=0)
        source = Path(settings.STATIC_ROOT)
        target_root = self.directory / settings.STATIC_URL.strip("/")
        for path in source.rglob("*"):
            if path.is_dir():
                continue
            target = target_root / path.relative_to(source)
            if target.exists() and target.read_bytes() == path.read_bytes():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".writing-{target.name}")
            shutil.copyfile(path, temporary)
            os.replace(temporary, target)


def render_order(owner: str) -> tuple[int, str]:
    """Post pages first (what a reader is waiting for), then the listings and the site,
    the posts' exports and PDFs (the slowest to make) last."""
    kind = owner.partition(":")[0]
    return ({"post": 0, "blog": 1, "site": 2, "extras": 4}.get(kind, 3), owner)


def forget_local_cache() -> None:
    """Another process's change cannot reach this process's local-memory cache
    (a shared cache such as Redis is kept: it is told of every change)."""
    default = caches["default"]
    if isinstance(default, LocMemCache):
        default.clear()
