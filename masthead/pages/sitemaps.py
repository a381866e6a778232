from django.contrib.sitemaps import Sitemap

from masthead.pages.models import Page


class PageSitemap(Sitemap):
    """The public standing pages (a few dozen at most: always one section)."""

    def items(self):
        return Page.objects.public().only("path", "published_at", "updated_at", "modified_at")

    def location(self, page):
        return page.get_absolute_url()

    def lastmod(self, page):
        return page.updated_at or page.published_at
