"""The sitemap: one file while the site is small, an index of section files past the limit.

Search engines read at most ``MASTHEAD_SITEMAP_LIMIT`` addresses (50,000 by the
sitemaps protocol) from one file. Past that, ``/sitemap.xml`` becomes a sitemap
index naming ``/sitemap-<section>.xml`` and its pages (``?p=2`` ...), each at
most the limit long.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce

from masthead.publishing.models import Blog, Post


class LimitedSitemap(Sitemap):
    @property
    def limit(self):
        return settings.MASTHEAD_SITEMAP_LIMIT


class PostSitemap(LimitedSitemap):
    changefreq = "monthly"

    def items(self):
        # Only what an entry needs: a large archive's bodies stay in the database.
        return (
            Post.objects.public()
            .select_related("blog")
            .only("slug", "publish_at", "updated_at", "blog__slug")
            .order_by("pk")
        )

    def lastmod(self, post):
        return post.updated_at or post.publish_at

    def get_latest_lastmod(self):
        # One aggregate, instead of Django's default of reading every post.
        latest = Post.objects.public().aggregate(latest=Max(Coalesce("updated_at", "publish_at")))
        return latest["latest"]


class BlogSitemap(LimitedSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Blog.objects.all()


SITEMAPS = {"posts": PostSitemap, "blogs": BlogSitemap}


def needs_index() -> bool:
    """More addresses than one sitemap file may hold."""
    total = sum(sitemap().paginator.count for sitemap in SITEMAPS.values())
    return total > settings.MASTHEAD_SITEMAP_LIMIT
