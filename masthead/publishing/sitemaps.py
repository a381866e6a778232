"""The sitemap: one file on a small site, an index of bounded section files past that.

While the site has at most ``MASTHEAD_SITEMAP_LIMIT`` addresses, ``/sitemap.xml``
lists them all. Past that it is a sitemap index naming ``/sitemap-blogs.xml``
and one ``/sitemap-posts-N.xml`` per block of ``MASTHEAD_SITEMAP_LIMIT`` post
ids that holds a public post. A post stays in its block for good (its id never
changes), so a published, edited or withdrawn post changes its own section and
the index, never its neighbours'; and no file grows past the limit, so each
renders in about the same time however large the archive. The index reads its
sections' sizes and last changes from one summary (``summaries``), not one
query per section.
"""

import math
import re

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from masthead.publishing.models import Blog, Post
from masthead.publishing.summaries import summary

# Django's own sitemap template, without the per-address date filter (see lastmod).
TEMPLATE = "publishing/sitemap.xml"
POSTS_SECTION = re.compile(r"posts-([1-9][0-9]{0,8})")


def block_size() -> int:
    return settings.MASTHEAD_SITEMAP_LIMIT


def block_of(post_id: int) -> int:
    """The section (1, 2, ...) that lists the post with this id."""
    return (post_id - 1) // block_size() + 1


class PostSitemap(Sitemap):
    """Public posts; those of one id block when ``block`` is given.

    No ``changefreq``: search engines go by ``lastmod``, which is exact here.
    """

    def __init__(self, block: int | None = None, count: int | None = None, latest=None):
        self.block = block
        self.known_count = count
        self.known_latest = latest

    @property
    def limit(self):
        return block_size()

    def items(self):
        posts = Post.objects.public()
        if self.block is not None:
            size = block_size()
            posts = posts.filter(pk__gt=(self.block - 1) * size, pk__lte=self.block * size)
        # Only what an entry needs, as plain rows: the bodies stay in the database and
        # no model instance is built (their signals cost more than the entry itself).
        return posts.values("pk", "slug", "publish_at", "updated_at", "blog__slug").order_by("pk")

    def location(self, post):
        # A post's address is its slug under its blog's (the URL contract): the blog's
        # is reversed once per file, not once per post (a third of a file's time).
        if not hasattr(self, "blog_addresses"):
            self.blog_addresses = {}
        blog = post["blog__slug"]
        if blog not in self.blog_addresses:
            self.blog_addresses[blog] = reverse("publishing:blog", args=[blog])
        return f"{self.blog_addresses[blog]}{post['slug']}/"

    @property
    def paginator(self):
        if self.known_count is not None:  # the index: sizes from the summary, no query
            paginator = Paginator((), self.limit)
            paginator.count = self.known_count
            return paginator
        # A section never holds more than one file's worth; an empty one is no file at all.
        return Paginator(self._items(), self.limit, allow_empty_first_page=self.block is None)

    def lastmod(self, post):
        # The day in the site's time zone, as the file shows it. Read as a date here
        # (the zone looked up once per file), the template needs no date filter: that
        # filter's per-address locale and time zone look-ups were most of a large
        # section's render time.
        if not hasattr(self, "zone"):
            self.zone = timezone.get_current_timezone()
        return (post["updated_at"] or post["publish_at"]).astimezone(self.zone).date()

    def get_latest_lastmod(self):
        if self.known_latest is not None:
            return self.known_latest
        latest = self.items().aggregate(latest=Max(Coalesce("updated_at", "publish_at")))
        return latest["latest"]


class BlogSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    @property
    def limit(self):
        return block_size()

    def items(self):
        return Blog.objects.all()


# Sections higher apps add (standing pages): name -> Sitemap class, each small enough
# to be one file however large the archive.
EXTRA_SECTIONS: dict[str, type] = {}


def add_section(name: str, sitemap_class: type) -> None:
    """Have the sitemap list a section of another app's addresses (from its ready)."""
    EXTRA_SECTIONS[name] = sitemap_class


def extra_sections() -> dict:
    """The added sections that list something (an empty one is named nowhere)."""
    sections = {name: sitemap_class() for name, sitemap_class in EXTRA_SECTIONS.items()}
    return {name: sitemap for name, sitemap in sections.items() if sitemap.items().exists()}


def post_blocks() -> list[dict]:
    """Per id block holding a public post: its number, how many and the latest change."""
    return list(
        Post.objects.public()
        .annotate(block=(F("pk") - 1) / block_size() + 1)
        .values("block")
        .annotate(count=Count("pk"), latest=Max(Coalesce("updated_at", "publish_at")))
        .order_by("block")
    )


def blocks_summary(request=None) -> list[dict]:
    return summary(f"sitemap-blocks:{block_size()}", post_blocks, request)


def needs_index(request=None) -> bool:
    """More addresses than one sitemap file may hold."""
    posts = sum(block["count"] for block in blocks_summary(request))
    return posts + Blog.objects.count() > block_size()


def whole_site() -> dict:
    """The sections of a site small enough for one file."""
    return {"posts": PostSitemap(), "blogs": BlogSitemap(), **extra_sections()}


def index_sections(request=None) -> dict:
    """The sections a sitemap index names, in order."""
    sections = {
        f"posts-{block['block']}": PostSitemap(block["block"], block["count"], block["latest"])
        for block in blocks_summary(request)
    }
    sections["blogs"] = BlogSitemap()
    sections.update(extra_sections())
    return sections


def section(name: str) -> dict:
    """The one section called ``name`` (empty if there is none by that name)."""
    if name == "blogs":
        return {name: BlogSitemap()}
    if name in EXTRA_SECTIONS:
        return {key: value for key, value in extra_sections().items() if key == name}
    match = POSTS_SECTION.fullmatch(name)
    return {name: PostSitemap(int(match[1]))} if match else {}


def section_names(request=None) -> list[str]:
    return list(index_sections(request))


def pages_of(count: int) -> int:
    return max(1, math.ceil(count / block_size()))
