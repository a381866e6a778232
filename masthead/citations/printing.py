"""A post as PDF: the print layout (print.css) rendered by WeasyPrint, kept per revision.

The PDF says what it is: its document information and XMP metadata carry the
title, the byline, the dates, the blog (as subject), the topics (as keywords)
and the language, and it is tagged PDF/UA-1, so a screen reader follows its
structure and a reference manager that reads a PDF's metadata finds the post.
"""

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.citations import csl
from masthead.citations.models import PrintedPost
from masthead.publishing.models import Post, PostVersion

# WeasyPrint's PDF/UA-1 variant: a tagged PDF (structure tree, marked content,
# /MarkInfo) with the document's language and title shown in the reader's title bar.
PDF_VARIANT = "pdf/ua-1"
PDF_LANGUAGE = "en"  # the pages' own language (<html lang="en">, citation_language)
VERSION_PDF_SECONDS = 7 * 24 * 3600
PDF_STYLESHEET = Path(__file__).resolve().parent / "static" / "citations" / "pdf.css"


def local_file_for(url: str) -> Path:
    """The site's own static or media file a URL names; ``ValueError`` for anything else.

    The page is rendered on the server: following a URL out of a post could
    reach private hosts, so only files under STATIC_URL and MEDIA_URL are read.
    """
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        relative = path.removeprefix(settings.STATIC_URL)
        found = finders.find(relative)
        if found:
            return Path(found)
        # The project's own static folder (masthead/static) and collected files.
        for root in (Path(settings.BASE_DIR) / "static", Path(settings.STATIC_ROOT)):
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root.resolve()) and candidate.is_file():
                return candidate
    elif path.startswith(settings.MEDIA_URL):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / path.removeprefix(settings.MEDIA_URL)).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise ValueError(f"not a local static or media file: {url[:200]}")


def _local_files_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            found = local_file_for(url)
            mime_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime_type})

    return LocalFilesOnly()


def _fingerprint(post: Post) -> str:
    """What the printed post is made of: its revision, its CSL-JSON (byline, blog,
    institution), the reference in its footer and the site's address it prints.

    Not the page's HTML: parts of it that never print (the comment form's
    timestamp) change on every view. Nor the request's host: a PDF prints the
    site's own address (MASTHEAD_SITE_URL), so a new ``Host:`` header cannot
    make the server lay the post out again.
    """
    from masthead.citations.formatting import stored_citations
    from masthead.citations.styles import get_style

    style = get_style(settings.MASTHEAD_PRINT_CITATION_STYLE)
    citation = stored_citations(post, [style])[style.id]
    parts = [
        str(post.revision),
        csl.fingerprint(csl.post_as_csl(post)),
        citation.html if citation else "",
        csl.post_url(post),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def render_post_html(post: Post, request) -> str:
    return render_to_string(
        "publishing/post.html",
        {"post": post, "blog": post.blog, "is_preview": not post.is_public},
        request=request,
    )


def render_version_html(version: PostVersion, request) -> str:
    post = version.post
    return render_to_string(
        "publishing/post_version.html",
        {"post": post, "blog": post.blog, "version": version, "corrections": post.corrections()},
        request=request,
    )


def _pdf_date(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _write_pdf(page_html: str, post: Post, *, title: str, created, modified) -> bytes:
    """Lay the page out and write it as a tagged PDF that carries the post's metadata.

    The metadata is set on the laid-out document rather than read from the
    page's <meta> tags: the page's description is the summary and its
    keywords may be absent, while the PDF's subject is the blog.
    """
    # Imported only to lay a page out: the import alone takes seconds of CPU, and a
    # server process that only hands out stored PDFs never needs it.
    from weasyprint import CSS, HTML

    document = HTML(
        string=page_html, base_url=csl.post_url(post), url_fetcher=_local_files_fetcher()
    ).render(stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
    metadata = document.metadata
    metadata.title = title
    metadata.authors = [author.display_name for author in post.byline]
    metadata.description = post.blog.name
    metadata.keywords = [topic.name for topic in post.topics.all()]
    metadata.created = _pdf_date(created)
    metadata.modified = _pdf_date(modified)
    metadata.lang = PDF_LANGUAGE
    metadata.generator = "Masthead (WeasyPrint)"
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def post_pdf(post: Post, request) -> bytes:
    """The PDF of the post's current revision, rendered on first request and then kept.

    WeasyPrint lays the page out in this process (no subprocess); the result
    is stored, and rendered again only when the printed page would differ.
    """
    source_hash = _fingerprint(post)
    stored = PrintedPost.objects.filter(post=post).first()
    if stored and stored.source_hash == source_hash:
        return bytes(stored.pdf)
    pdf = _write_pdf(
        render_post_html(post, request),
        post,
        title=post.title,
        created=post.publish_at,
        modified=post.updated_at or post.publish_at,
    )
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


def version_pdf_title(version: PostVersion) -> str:
    return f"{version.title} (version {version.number})"


def version_pdf(version: PostVersion, request) -> bytes:
    """An earlier version as PDF, named as that version in its title and on its pages.

    A version never changes once kept, so its PDF is kept in the cache; what
    could change around it (the byline, the site's address) is in the key.
    """
    post = version.post
    key_parts = [str(version.pk), version_pdf_title(version), csl.post_url(post)]
    key_parts += [author.display_name for author in post.byline]
    key = "version-pdf:" + hashlib.sha256("\n".join(key_parts).encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _write_pdf(
            render_version_html(version, request),
            post,
            title=version_pdf_title(version),
            created=version.published_at,
            modified=version.published_at,
        )
        cache.set(key, pdf, VERSION_PDF_SECONDS)
    return pdf
