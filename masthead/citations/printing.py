"""A post as PDF: the print layout (print.css) rendered by WeasyPrint, kept per revision."""

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from masthead.citations import csl
from masthead.citations.models import PrintedPost
from masthead.publishing.models import Post

PDF_STYLESHEET = Path(__file__).resolve().parent / "static" / "citations" / "pdf.css"


class RefusedFetch(ValueError):
    pass


def local_files_only(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Give WeasyPrint the site's own static and media files; fetch nothing else.

    The page is rendered on the server: following a URL out of a post could
    reach private hosts, so anything not under STATIC_URL or MEDIA_URL is refused.
    """
    path = urlsplit(url).path
    found = None
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if found is None and Path(settings.STATIC_ROOT).is_dir():
            candidate = Path(settings.STATIC_ROOT) / path.removeprefix(settings.STATIC_URL)
            found = str(candidate) if candidate.is_file() else None
    elif path.startswith(settings.MEDIA_URL):
        candidate = (Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)).resolve()
        if candidate.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) and candidate.is_file():
            found = str(candidate)
    if found is None:
        raise RefusedFetch(f"not a local static or media file: {url[:200]}")
    mime_type, _ = mimetypes.guess_type(found)
    return {"string": Path(found).read_bytes(), "mime_type": mime_type, "redirected_url": url}


def _site_request():
    """A request for the site's public address, so the PDF shows the canonical URL."""
    site = urlsplit(settings.MASTHEAD_SITE_URL)
    return RequestFactory().get(
        "/", HTTP_HOST=site.netloc, secure=site.scheme == "https", SERVER_NAME=site.hostname
    )


def _fingerprint(post: Post, page_html: str) -> str:
    return hashlib.sha256(f"{post.revision}\n{page_html}".encode()).hexdigest()


def render_post_html(post: Post) -> str:
    return render_to_string(
        "publishing/post.html",
        {"post": post, "blog": post.blog, "is_preview": False, "printing": True},
        request=_site_request(),
    )


def post_pdf(post: Post) -> bytes:
    """The PDF of the post's current revision, rendered on first request and then kept."""
    from weasyprint import CSS, HTML

    page_html = render_post_html(post)
    source_hash = _fingerprint(post, page_html)
    stored = PrintedPost.objects.filter(post=post).first()
    if stored and stored.source_hash == source_hash:
        return bytes(stored.pdf)
    document = HTML(string=page_html, base_url=csl.post_url(post), url_fetcher=local_files_only)
    pdf = document.write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
    PrintedPost.objects.update_or_create(
        post=post,
        defaults={
            "revision": post.revision,
            "source_hash": source_hash,
            "pdf": pdf,
            "rendered_at": timezone.now(),
        },
    )
    return pdf
