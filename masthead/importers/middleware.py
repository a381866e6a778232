"""Old WordPress addresses keep working: each imported post's permalink and ``/?p=<id>``,
each page's link and ``/?page_id=<id>`` (and a page's earlier addresses here).

Why not ``django.contrib.redirects``: it needs ``django.contrib.sites``, which
would change how sitemaps and feeds build their absolute addresses, and it
stores the target as text that goes stale when an editor changes a slug. Here
the target is the post itself, so the redirect follows the post wherever it
moves, and only to a post readers may see.
"""

from django.http import HttpResponsePermanentRedirect

from masthead.importers.models import ImportedPost
from masthead.pages.models import OldAddress, Page
from masthead.publishing.models import Post


def _public_post_url(records) -> str | None:
    record = (
        records.filter(post__in=Post.objects.public())
        .select_related("post__blog")
        .order_by("-imported_at")
        .first()
    )
    return record.post.get_absolute_url() if record else None


def _public_page_url(addresses) -> str | None:
    """A standing page's old address (a WordPress page link, an earlier slug)."""
    address = addresses.filter(page__in=Page.objects.public()).select_related("page").first()
    return address.page.get_absolute_url() if address else None


def _number(value: str) -> int | None:
    # isascii: "²" is a digit to str.isdigit but not a number to int().
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


class OldWordPressLinksMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/" and request.method in ("GET", "HEAD"):
            url = None
            if (post_id := _number(request.GET.get("p", ""))) is not None:
                url = _public_post_url(ImportedPost.objects.filter(wordpress_id=post_id))
            elif (page_id := _number(request.GET.get("page_id", ""))) is not None:
                url = _public_page_url(OldAddress.objects.filter(wordpress_id=page_id))
            if url:
                return HttpResponsePermanentRedirect(url)
        response = self.get_response(request)
        path = request.path_info
        # Only addresses nothing else answers: a 404 is the sign of an old link. A path
        # with a NUL byte was never a WordPress address (and PostgreSQL refuses to
        # compare text holding one).
        if response.status_code == 404 and request.method in ("GET", "HEAD") and "\x00" not in path:
            alternative = path[:-1] if path.endswith("/") else path + "/"
            url = _public_post_url(ImportedPost.objects.filter(old_path__in=[path, alternative]))
            url = url or _public_page_url(OldAddress.objects.filter(path__in=[path, alternative]))
            if url and url != path:
                return HttpResponsePermanentRedirect(url)
        return response
