from django.conf import settings

from masthead import caching
from masthead.publishing.fragment_version import fragment_version
from masthead.publishing.models import Blog, Institution

# Kept under the content version, which any edit replaces; the time only bounds
# how long an unused entry lingers in the cache.
CHROME_SECONDS = 24 * 3600


def site(request):
    """The institution and its blogs, for the header and footer of every page.

    Read from the cache under the content version: the same for every page
    until an editor changes something.
    """
    key = f"publishing:chrome:{fragment_version(request)}"
    chrome = caching.get(key)
    if chrome is None:
        chrome = {
            "institution": Institution.current(),
            "nav_blogs": [
                {"pk": blog.pk, "name": blog.name, "url": blog.get_absolute_url()}
                for blog in Blog.objects.only("name", "slug")
            ],
        }
        caching.set(key, chrome, CHROME_SECONDS)
    return {
        **chrome,
        # The public address, the same whatever Host header a request came with.
        "site_url": settings.MASTHEAD_SITE_URL.rstrip("/"),
    }
