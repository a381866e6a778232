from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from masthead.publishing.models import Author, Blog, Institution, Post

FEED_LENGTH = 20


class AtomWithContent(Atom1Feed):
    """Atom entries that carry the whole body (footnotes included) as ``<content>``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def body_for_feed(post: Post) -> str:
    """The body with its in-page links (footnotes) made absolute: a feed reader
    shows the entry away from the page, where "#fn-1" would point nowhere."""
    page = settings.MASTHEAD_SITE_URL.rstrip("/") + post.get_absolute_url()
    return post.body_html.replace('href="#', f'href="{page}#')


class SiteFeed(Feed):
    feed_type = AtomWithContent

    def title(self):
        return Institution.current().name

    def subtitle(self):
        return Institution.current().tagline or "Latest commentary from all our blogs"

    def link(self):
        return "/"

    def posts(self, obj):
        return Post.objects.public()

    def items(self, obj=None):
        return self.posts(obj).with_byline()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body_html

    def item_extra_kwargs(self, item):
        return {"content_html": body_for_feed(item)}

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at or item.publish_at

    def item_author_name(self, item):
        return ", ".join(author.display_name for author in item.byline) or None

    def item_categories(self, item):
        return [item.blog.name]


class BlogFeed(SiteFeed):
    def get_object(self, request, blog_slug):
        return get_object_or_404(Blog, slug=blog_slug)

    def title(self, obj):
        return f"{obj.name} · {Institution.current().name}"

    def subtitle(self, obj):
        return obj.tagline

    def link(self, obj):
        return obj.get_absolute_url()

    def posts(self, obj):
        return Post.objects.public().filter(blog=obj)


class AuthorFeed(SiteFeed):
    def get_object(self, request, author_slug):
        return get_object_or_404(Author, slug=author_slug)

    def title(self, obj):
        return f"{obj.display_name} · {Institution.current().name}"

    def subtitle(self, obj):
        return obj.role or f"Posts by {obj.display_name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def posts(self, obj):
        return Post.objects.public().filter(authors=obj)
