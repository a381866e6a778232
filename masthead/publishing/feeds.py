"""The site's, each blog's, each author's and each topic's posts as Atom, RSS 2.0 and JSON Feed.

One ``Feed`` class per scope chooses the posts and says what each item holds;
the format is only the generator it is paired with. Every format carries the
full body, every author in byline order, the topics as categories and the
featured image. Feeds hold posts only: no comments, so nothing unmoderated.
"""

import json
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import (
    Atom1Feed,
    Enclosure,
    Rss201rev2Feed,
    SyndicationFeed,
    rfc3339_date,
)

from masthead.publishing.models import Author, Blog, Institution, Post, Topic
from masthead.publishing.rendering import with_absolute_image_addresses

FEED_LENGTH = 20
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
               "gif": "image/gif", "webp": "image/webp", "svg": "image/svg+xml"}  # fmt: skip


def image_type(name: str) -> str:
    return IMAGE_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


class AbsoluteLinks:
    """Makes the items' image and author links absolute, against the feed's own address.

    ``Feed`` gives a generator only the post's link absolute; readers on other
    sites need the rest absolute too.
    """

    def add_item(self, *args, **kwargs):
        base = self.feed["link"]
        kwargs["enclosures"] = [
            Enclosure(urljoin(base, e.url), e.length, e.mime_type)
            for e in kwargs.get("enclosures") or []
        ]
        kwargs["byline"] = [(name, urljoin(base, url)) for name, url in kwargs["byline"]]
        super().add_item(*args, **kwargs)


class FullPostAtom(AbsoluteLinks, Atom1Feed):
    """Atom with the whole body as ``<content>`` and one ``<author>`` per byline author."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["byline"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class FullPostRss(AbsoluteLinks, Rss201rev2Feed):
    """RSS 2.0 with the whole body in ``content:encoded`` and each author as ``dc:creator``.

    RSS's own ``<author>`` must be an e-mail address, which bylines do not publish.
    """

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["byline"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("content:encoded", item["content_html"])


class JsonFeed(AbsoluteLinks, SyndicationFeed):
    """JSON Feed 1.1 (jsonfeed.org), fed by the same ``Feed`` classes as Atom and RSS."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.document(), ensure_ascii=False).encode(encoding))

    def document(self) -> dict:
        feed = self.feed
        document = {
            "version": JSON_FEED_VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"] or "",
            "language": feed["language"] or "en",
            "items": [self.item_document(item) for item in self.items],
        }
        if feed.get("author_name"):
            document["authors"] = [{"name": feed["author_name"], "url": feed["link"]}]
        return document

    def item_document(self, item) -> dict:
        document = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["content_html"],
            "date_published": rfc3339_date(item["pubdate"]),
            "authors": [{"name": name, "url": url} for name, url in item["byline"]],
            "tags": list(item["categories"]),
        }
        if item["summary"]:
            document["summary"] = item["summary"]
        if item["updateddate"]:
            document["date_modified"] = rfc3339_date(item["updateddate"])
        if item["enclosures"]:
            document["image"] = item["enclosures"][0].url
            document["attachments"] = [
                {"url": e.url, "mime_type": e.mime_type, "size_in_bytes": int(e.length)}
                for e in item["enclosures"]
            ]
        return document


def body_for_feed(post: Post) -> str:
    """The body with its in-page links (footnotes) and its pictures' addresses made
    absolute: a feed reader shows the entry away from the page, where "#fn-1" or
    "/media/..." would point nowhere."""
    site = settings.MASTHEAD_SITE_URL.rstrip("/")
    page = site + post.get_absolute_url()

    return with_absolute_image_addresses(post.body_html.replace('href="#', f'href="{page}#'), site)


class SiteFeed(Feed):
    """Every blog's latest public posts; the scopes below narrow ``posts``."""

    feed_type = FullPostAtom

    def title(self):
        return Institution.current().name

    def subtitle(self):
        return Institution.current().tagline or "Latest commentary from all our blogs"

    # RSS and JSON Feed call it the description; Atom the subtitle.
    def description(self, obj=None):
        return self._get_dynamic_attr("subtitle", obj)

    def link(self):
        return "/"

    def author_name(self):
        return Institution.current().name

    def posts(self, obj):
        return Post.objects.public()

    def items(self, obj=None):
        # The latest are chosen by id and date (an index) and only they are read whole;
        # choosing among whole rows read every body of a busy author's or topic's posts.
        latest = self.posts(obj).values("pk")[:FEED_LENGTH]
        return Post.objects.filter(pk__in=latest).with_byline().prefetch_related("topics")

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body_html

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at or item.publish_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]

    def item_enclosures(self, item):
        if not item.featured_image:
            return []
        try:
            size = item.featured_image.size
        except OSError:  # the file went missing: the post is still worth announcing
            return []
        return [Enclosure(item.featured_image.url, str(size), image_type(item.featured_image.name))]

    def item_extra_kwargs(self, item):
        return {
            "content_html": body_for_feed(item),
            "summary": item.summary,
            "byline": [(author.display_name, author.get_absolute_url()) for author in item.byline],
        }


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


class TopicFeed(SiteFeed):
    def get_object(self, request, topic_slug):
        return get_object_or_404(Topic, slug=topic_slug)

    def title(self, obj):
        return f"{obj.name} · {Institution.current().name}"

    def subtitle(self, obj):
        return obj.description or f"Posts on {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def posts(self, obj):
        return Post.objects.public().filter(topics=obj)


def in_every_format(feed_class):
    """The feed's Atom, RSS 2.0 and JSON Feed views, in that order."""
    return (
        feed_class(),
        type(f"{feed_class.__name__}Rss", (feed_class,), {"feed_type": FullPostRss})(),
        type(f"{feed_class.__name__}Json", (feed_class,), {"feed_type": JsonFeed})(),
    )
