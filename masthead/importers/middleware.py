"""Old WordPress addresses keep working: each imported post's permalink and ``/?p=<id>``.

Why not ``django.contrib.redirects``: it needs ``django.contrib.sites``, which
would change how sitemaps and feeds build their absolute addresses, and it
stores the target as text that goes stale when an editor changes a slug. Here
the target is the post itself, so the redirect follows the post wherever it
moves, and only to a post readers may see.
"""

from django.http import HttpResponsePermanentRedirect

from masthead.importers.models import ImportedPost
from masthead.publishing.models import Post


def _public_post_url(records) -> str | None:
    record = (
        records.filter(post__in=Post.objects.public())
        .select_related("post__blog")
        .order_by("-imported_at")
        .first()
    )
    return record.post.get_absolute_url() if record else None


class OldWordPressLinksMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/" and request.method in ("GET", "HEAD"):
            wordpress_id = request.GET.get("p", "")
            # isascii: "²" is a digit to str.isdigit but not a number to int().
            if wordpress_id.isascii() and wordpress_id.isdigit() and len(wordpress_id) < 19:
                url = _public_post_url(ImportedPost.objects.filter(wordpress_id=int(wordpress_id)))
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
            if url and url != path:
                return HttpResponsePermanentRedirect(url)
        return response
