from django.contrib.sitemaps import Sitemap

from masthead.publishing.models import Blog, Post


class PostSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Post.objects.public().select_related("blog").order_by("pk")

    def lastmod(self, post):
        return post.updated_at or post.publish_at


class BlogSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Blog.objects.all()


SITEMAPS = {"posts": PostSitemap, "blogs": BlogSitemap}
