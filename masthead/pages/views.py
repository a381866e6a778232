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
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.pages.models import Page

# What a page's address can look like: slugs joined by slashes.
PAGE_PATH = re.compile(r"^/((?:[-a-zA-Z0-9_]+/){1,8})$")


def public_page(page_path: str) -> Page:
    page = Page.objects.filter(path=page_path.strip("/")).select_related("parent").first()
    if page is None or not page.is_public:
        raise Http404("There is no page at this address.")
    return page


@require_safe
def page_detail(request, page_path):
    page = public_page(page_path)
    return render(
        request,
        "pages/page.html",
        {
            "page": page,
            "menu_current": page.pk,
            "trail": page.ancestors(),
            "children": page_children(page),
        },
    )


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
        if not PAGE_PATH.match(path):
            return response
        try:
            return page_detail(request, path)
        except Http404:
            return response
