from django.conf import settings

from masthead.publishing.models import Blog, Institution


def site(request):
    """The institution and its blogs, for the header and footer of every page."""
    return {
        "institution": Institution.current(),
        "nav_blogs": Blog.objects.only("name", "slug"),
        # The public address, the same whatever Host header a request came with.
        "site_url": settings.MASTHEAD_SITE_URL.rstrip("/"),
    }
