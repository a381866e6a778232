"""The standing page as readers see it, and how a request finds it.

Resolution order: the site's own addresses first (admin, search, API ...), then
the blogs and posts (``/<blog>/``, ``/<blog>/<post>/``), then pages. A top-level
page and a blog can never share a name (both are checked when either is saved),
so the order decides nothing for valid content; it only means a page is looked
for when nothing else answered, as Django's flatpages do, and costs the blogs'
and posts' pages no query. Deeper addresses (``/a/b/c/``) match only the page
route itself.
"""

import re

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from masthead.pages.models import Page
from masthead.pages.permissions import may_read_page

# What a page's address can look like: slugs joined by slashes.
PAGE_PATH = re.compile(r"^/((?:[-a-zA-Z0-9_]+/){1,8})$")
# An earlier version of a page: the page's address, "versions/", its number.
VERSION_PATH = re.compile(r"^/((?:[-a-zA-Z0-9_]+/){1,8})versions/([0-9]{1,9})/$")


def readable_page(request, page_path: str) -> Page:
    """The page at this address if this visitor may read it: a public page for everyone,
    one not yet public only for those who may change pages (``permissions``)."""
    page = Page.objects.filter(path=page_path.strip("/")).select_related("parent").first()
    if page is None or not may_read_page(getattr(request, "user", None), page):
        raise Http404("There is no page at this address.")
    return page


def for_this_visitor(response, page: Page):
    """A page that is not public is one editor's preview: never stored by any cache (the
    page cache refuses ``private``), never indexed, and its address answers strangers 404,
    so the answer depends on who asks."""
    if not page.is_public:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def page_detail(request, page_path):
    page = readable_page(request, page_path)
    response = render(
        request,
        "pages/page.html",
        {
            "page": page,
            "preview": not page.is_public,
            "menu_current": page.pk,
            "trail": page.ancestors(),
            "children": page_children(page),
            "corrections": page.corrections(),
        },
    )
    return for_this_visitor(response, page)


@require_safe
def page_version(request, page_path, number):
    """An earlier version of a page, kept so what was quoted before a correction can be read."""
    page = readable_page(request, page_path)
    version = get_object_or_404(page.versions, number=number)
    response = render(
        request,
        "pages/page_version.html",
        {
            "page": page,
            "version": version,
            "preview": not page.is_public,
            "trail": page.ancestors(),
            "corrections": page.corrections(),
        },
    )
    # Search engines should send readers to the current text, not to this one.
    response["X-Robots-Tag"] = "noindex"
    return for_this_visitor(response, page)


def page_children(page: Page) -> list[Page]:
    return list(
        page.children.public()
        .only("title", "path", "menu_label")
        .order_by("header_position", "title")
    )


class StandingPagesMiddleware:
    """Answers with a page where the blogs' routes found nothing (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path_info
        if not path.endswith("/") and PAGE_PATH.match(path + "/"):
            # As APPEND_SLASH does for routes: /about/staff → /about/staff/.
            if Page.objects.public().filter(path=path.strip("/")).exists():
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(path + "/" + (f"?{query}" if query else ""))
            return response
        if PAGE_PATH.match(path):
            try:
                return page_detail(request, path)
            except Http404:
                pass
        version = VERSION_PATH.match(path)
        if version:
            try:
                return page_version(request, version.group(1), int(version.group(2)))
            except Http404:
                pass
        return response
