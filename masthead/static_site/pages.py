"""Which addresses make up the public site, and which of them a change touches.

The site is split into *owners*: "site" (hub, site feeds, archive index,
the sitemap or its index, robots.txt ...), "blog:ID", "author:ID", "topic:ID",
"month:YYYY-MM", "sitemap:N" (the sitemap section of the N-th block of post ids),
"post:ID" (the page and its comment pages), "extras:ID" (the post's cite page,
exports, PDF and earlier versions) and "page:ID" (a standing page). Each owner has a
list of addresses computed from the database as it is now; a change record
(``StaticChange.subject``) names the owners it touches. The writer keeps, per
owner, the addresses it wrote last time, so an address an owner no longer has
(an unpublished post, a page 7 that is now gone) is deleted.
"""

import calendar
import datetime
import math

from django.conf import settings
from django.db.models import Q
from django.urls import resolve, reverse
from django.utils import timezone

from masthead.discussion.models import Thread
from masthead.pages.models import Page
from masthead.publishing import sitemaps
from masthead.publishing.models import Author, Blog, Post, PostAuthor, Topic
from masthead.publishing.related import score_related

FEED_NAMES = ("feed", "feed_rss", "feed_json")
# How many of the posts sharing an author or topic with a changed post are checked
# for listing it among their related posts (the periodic full pass catches the rest).
RELATED_CANDIDATES = 100


def paged(url: str, count: int, per_page: int, parameter: str = "page") -> list[str]:
    pages = max(1, math.ceil(count / per_page))
    return [url] + [f"{url}?{parameter}={n}" for n in range(2, pages + 1)]


def feeds(prefix: str, *args) -> list[str]:
    return [reverse(f"publishing:{prefix}{name}", args=args) for name in FEED_NAMES]


def listing(url: str, posts) -> list[str]:
    return paged(url, posts.count(), settings.MASTHEAD_POSTS_PER_PAGE)


def sitemap_urls() -> list[str]:
    # The post sections are owners of their own: a post change rewrites its section
    # and the index, not every section (seconds on a 10,000-post archive).
    return [
        reverse("sitemap"),
        reverse("sitemap_section", args=["blogs"]),
        *(reverse("sitemap_section", args=[name]) for name in sitemaps.extra_sections()),
    ]


def sitemap_block_urls(key: str) -> list[str]:
    """A block's section file, written whether or not the sitemap is an index yet
    (unreferenced on a small site, but ready the moment it grows past the limit)."""
    name = f"posts-{int(key)}"
    if not sitemaps.section(name)[name].items().exists():
        return []
    return [reverse("sitemap_section", args=[name])]


def site_urls() -> list[str]:
    return [
        reverse("publishing:hub"),
        reverse("publishing:archive"),
        *feeds(""),
        *sitemap_urls(),
        reverse("robots_txt"),
        reverse("search:opensearch"),
        reverse("citations:style_list"),
    ]


def blog_urls(blog: Blog) -> list[str]:
    return [
        *listing(blog.get_absolute_url(), Post.objects.public().filter(blog=blog)),
        *feeds("blog_", blog.slug),
    ]


def author_urls(author: Author) -> list[str]:
    return [
        *listing(author.get_absolute_url(), Post.objects.public().filter(authors=author)),
        *feeds("author_", author.slug),
    ]


def topic_urls(topic: Topic) -> list[str]:
    return [
        *listing(topic.get_absolute_url(), Post.objects.public().filter(topics=topic)),
        *feeds("topic_", topic.slug),
    ]


def month_key(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m}"


def month_urls(key: str) -> list[str]:
    year, month = (int(part) for part in key.split("-"))
    # The month as the archive page counts it: in the site's time zone.
    start = datetime.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    end = start + datetime.timedelta(days=calendar.monthrange(year, month)[1])
    count = Post.objects.public().filter(publish_at__gte=start, publish_at__lt=end).count()
    if not count:
        return []
    url = reverse("publishing:archive_month", args=[year, month])
    return paged(url, count, settings.MASTHEAD_POSTS_PER_PAGE)


def post_urls(post: Post) -> list[str]:
    """A public post's page and its further comment pages: what a comment changes."""
    thread = Thread.objects.filter(post_id=post.pk).first() or Thread(post_id=post.pk)
    return paged(post.get_absolute_url(), thread.approved_root_count,
                 settings.MASTHEAD_COMMENTS_PER_PAGE, parameter="comments")  # fmt: skip


def extras_urls(post: Post) -> list[str]:
    """A public post's other files: earlier versions, the cite page and exports, the PDF."""
    args = [post.blog.slug, post.slug]
    urls = [reverse("publishing:post_version", args=[*args, number])
             for number in post.versions.values_list("number", flat=True)]  # fmt: skip
    urls += [reverse(f"citations:{name}", args=args)
             for name in ("cite", "cite_bib", "cite_ris", "cite_json", "pdf")]  # fmt: skip
    return urls


def urls_of(owner: str) -> list[str]:
    """The addresses ``owner`` has now; none when it is gone or not public."""
    kind, _, key = owner.partition(":")
    if kind == "site":
        return site_urls()
    if kind == "month":
        return month_urls(key)
    if kind == "sitemap":
        return sitemap_block_urls(key)
    if kind == "page":
        page = Page.objects.public().filter(pk=int(key)).first()
        if page is None:
            return []
        # The page and its earlier versions, as a post's versions are written with it.
        return [page.get_absolute_url(), *(v.get_absolute_url() for v in page.versions.all())]
    model = {"blog": Blog, "author": Author, "topic": Topic, "post": Post, "extras": Post}[kind]
    queryset = Post.objects.public().select_related("blog") if model is Post else model.objects
    instance = queryset.filter(pk=int(key)).first()
    if instance is None:
        return []
    by_kind = {"blog": blog_urls, "author": author_urls, "topic": topic_urls,
               "post": post_urls, "extras": extras_urls}  # fmt: skip
    return by_kind[kind](instance)


def every_owner() -> list[str]:
    owners = ["site"]
    owners += [f"blog:{pk}" for pk in Blog.objects.values_list("pk", flat=True)]
    owners += [f"author:{pk}" for pk in Author.objects.values_list("pk", flat=True)]
    owners += [f"topic:{pk}" for pk in Topic.objects.values_list("pk", flat=True)]
    moments = Post.objects.public().values_list("publish_at", flat=True)
    owners += sorted({f"month:{month_key(moment)}" for moment in moments})
    owners += [f"sitemap:{block['block']}" for block in sitemaps.post_blocks()]
    for pk in Post.objects.public().values_list("pk", flat=True):
        owners += [f"post:{pk}", f"extras:{pk}"]
    owners += [f"page:{pk}" for pk in Page.objects.public().values_list("pk", flat=True)]
    return owners


def listings_of(post: Post) -> set[str]:
    """The owners whose pages list ``post``: its blog, authors, topics and month."""
    owners = {f"blog:{post.blog_id}", f"month:{month_key(post.publish_at)}"}
    owners |= {f"author:{link.author_id}" for link in post.bylines.all()}
    owners |= {f"topic:{topic.pk}" for topic in post.topics.all()}
    return owners


def posts_listing(post: Post) -> set[str]:
    """Posts near ``post`` (sharing an author or topic) whose related posts name it."""
    author_ids = [link.author_id for link in post.bylines.all()]
    topic_ids = [topic.pk for topic in post.topics.all()]
    near = (
        Post.objects.public()
        .exclude(pk=post.pk)
        .filter(
            Q(pk__in=PostAuthor.objects.filter(author_id__in=author_ids).values("post_id"))
            | Q(pk__in=Post.topics.through.objects.filter(topic_id__in=topic_ids).values("post_id"))
        )
        .prefetch_related("bylines", "topics")[:RELATED_CANDIDATES]
    )
    url = post.get_absolute_url()
    return {
        f"post:{candidate.pk}"
        for candidate in near
        if any(item["url"] == url for item in score_related(candidate))
    }


def relations_of(post_id: int, *, thorough: bool = True) -> dict:
    """What a public post is part of: kept by the writer, so a post that moves blog,
    loses a topic or is unpublished is also taken off the pages it was on.

    ``thorough`` also looks for the nearby posts that list this one as related
    (a hundred score queries): done for a changed post, not on a full pass.
    """
    post = (
        Post.objects.public()
        .select_related("blog")
        .prefetch_related("bylines", "topics")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        return {"listings": [], "related": []}
    related = {f"post:{pk}" for pk in _related_ids(post)}
    if thorough:
        related |= posts_listing(post)
    return {"listings": sorted(listings_of(post)), "related": sorted(related)}


def _related_ids(post: Post) -> list[int]:
    ids = []
    for item in score_related(post):
        address = resolve(item["url"]).kwargs
        found = Post.objects.filter(blog__slug=address["blog_slug"], slug=address["post_slug"])
        ids += found.values_list("pk", flat=True)
    return ids


def owners_touched(subject: str, relations: dict[str, dict]) -> set[str]:
    """The owners a change to ``subject`` touches.

    ``relations`` holds, per post owner, what it was part of when last written
    (see ``relations_of``); the post's current relations are added by the caller.
    """
    kind, _, key = subject.partition(":")
    if kind == "comments":
        return {f"post:{key}"}
    if kind == "cite":
        return {f"post:{key}", f"extras:{key}"}
    if kind == "post":
        owner = f"post:{key}"
        before = relations.get(owner, {})
        now = relations_of(int(key))
        return {"site", owner, f"extras:{key}", f"sitemap:{sitemaps.block_of(int(key))}",
                *before.get("listings", []), *before.get("related", []),
                *now["listings"], *now["related"]}  # fmt: skip
    if kind in ("blog", "author", "topic"):
        # Their names show on their posts' pages and on every listing of those posts.
        posts = Post.objects.public().prefetch_related("bylines", "topics")
        field = {"blog": "blog_id", "author": "authors", "topic": "topics"}[kind]
        posts = posts.filter(**{field: int(key)})
        owners = {"site", subject}
        for post in posts.distinct():
            owners |= {f"post:{post.pk}", f"extras:{post.pk}", *listings_of(post)}
            if kind == "blog":  # the blog's address is part of its posts' addresses
                owners.add(f"sitemap:{sitemaps.block_of(post.pk)}")
        return owners
    if kind == "page":
        # In the menus of every page and the comment form's guidelines link: everything,
        # and the page itself even when it is no longer public (its file goes).
        return {subject, *every_owner()}
    return set(every_owner())
