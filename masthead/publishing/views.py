import calendar
import datetime
import math

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from masthead import caching
from masthead.publishing import media, sitemaps
from masthead.publishing.fragment_version import fragment_version
from masthead.publishing.models import Author, Blog, Post, PreviewLink, Topic
from masthead.publishing.related import related_posts
from masthead.publishing.summaries import summary

HUB_POSTS_PER_BLOG = 3


def paginate(request, posts, listing: str, per_page=None):
    """One page of the posts ``posts`` lists; a page number that is not a page answers 404.

    The page is found among the posts' ids alone (a "deferred join"): counting
    and skipping thousands of earlier posts then reads only an index, and whole
    rows are read for the few posts shown. Sorting whole rows, bodies included,
    to skip most of them made a blog's last page or a busy topic 4× slower on a
    10,000-post archive than on a small site.
    """
    ids = posts.values_list("pk", flat=True)
    paginator = Paginator(ids, per_page or settings.MASTHEAD_POSTS_PER_PAGE)
    # How many posts ``listing`` (e.g. "topic:4") has is the same for every reader and
    # page until the content changes: counted once, not on every page view.
    paginator.count = summary(f"count:{listing}", ids.count, request)
    raw = request.GET.get("page", "1")
    try:
        page = paginator.page(raw)
    except (PageNotAnInteger, EmptyPage):
        raise Http404(f"There is no page “{raw[:20]}” here.") from None
    # Page.object_list is still a query: it becomes the subquery naming the rows to read.
    # Left unevaluated: a page whose cached list is still current never reads them.
    page.object_list = posts.model.objects.filter(pk__in=page.object_list).with_byline()
    return page


def listing_lifetime(begun: datetime.datetime) -> int:
    """How long a cached list of posts begun at ``begun`` may be kept (0: not at all).

    A list is cached under the content version, which every save moves on; but a
    scheduled post joins the lists by the clock alone, so no list is kept past
    the next scheduled publication after the moment it began to be made.
    """
    longest = settings.MASTHEAD_FRAGMENT_CACHE_SECONDS
    upcoming = Post.objects.next_going_public(begun)
    if upcoming is None:
        return longest
    # Rounded down: a list may go a moment early, never be shown past the publication.
    return max(0, min(longest, math.floor((upcoming - timezone.now()).total_seconds())))


class ScheduledLifetime:
    """How long fragments begun now may be kept: ``listing_lifetime``, asked of the
    database once, and only when some fragment is built (a cache miss)."""

    def __init__(self):
        self.begun = timezone.now()
        self.seconds: int | None = None

    def __call__(self) -> int:
        if self.seconds is None:
            self.seconds = listing_lifetime(self.begun)
        return self.seconds


def kept(key: str, build, seconds):
    """``build()``, kept in the cache under ``key`` for ``seconds`` (a number, or a callable
    asked only when something is built; 0: not kept)."""
    value = caching.get(key)
    if value is None:
        value = build()
        lifetime = seconds() if callable(seconds) else seconds
        if lifetime:
            caching.set(key, value, lifetime)
    return value


class Listing:
    """A page listing posts (the hub; a blog's, an author's, a topic's), whose list is cached.

    The version is read first, before anything the page shows, so nothing is
    ever stored under a version newer than the rows it was built from. What is
    kept: the blog, author or topic itself (until the version moves on); how many
    posts it lists (``paginate``) and the rendered list (until then, or until the
    next scheduled post goes public, whichever comes first).
    """

    def __init__(self, request, kind: str):
        self.kind = kind
        self.version = fragment_version(request)
        self.lifetime = ScheduledLifetime()

    def subject(self, model, slug: str):
        """The blog, author or topic at ``slug``; 404 when there is none (never kept)."""

        def find():
            return get_object_or_404(model, slug=slug)

        if len(slug) > model._meta.get_field("slug").max_length:
            return find()  # no such row; not a key for the cache either
        key = f"publishing:{self.kind}:{self.version}:{slug}"
        return kept(key, find, settings.MASTHEAD_FRAGMENT_CACHE_SECONDS)

    def page(self, request, posts, listed):
        """One page of ``posts``, the posts of ``listed`` (what the page lists: its key)."""
        return paginate(request, posts, f"{self.kind}:{listed}")

    def context(self, *parts) -> dict:
        """The key of the cached list (the version and what else it depends on), and its
        lifetime, for ``{% cached_fragment %}``."""
        return {
            "fragment_key": ":".join(str(part) for part in (self.version, *parts)),
            "fragment_seconds": self.lifetime,
        }


def hub_sections():
    # Each blog's n-th latest public post is one step back along the (blog, publish
    # time) index from now, so the three latest of every blog are named by one query
    # of a few index steps per blog, however large the archive (ranking every public
    # post with a window read all 10,000 of them); only those rows are read whole.
    newest = Post.objects.public().filter(blog=OuterRef("pk")).order_by("-publish_at", "-pk")
    blogs = list(
        Blog.objects.annotate(
            **{
                f"latest_{n}": Subquery(newest.values("pk")[n : n + 1])
                for n in range(HUB_POSTS_PER_BLOG)
            }  # fmt: skip
        )
    )
    chosen = [getattr(blog, f"latest_{n}") for blog in blogs for n in range(HUB_POSTS_PER_BLOG)]
    posts = {post.pk: post for post in Post.objects.filter(pk__in=chosen).with_byline()}
    for blog in blogs:
        blog.latest_posts = [posts[pk] for n in range(HUB_POSTS_PER_BLOG)
                             if (pk := getattr(blog, f"latest_{n}")) in posts]  # fmt: skip
    return [(blog, blog.latest_posts) for blog in blogs]


@require_safe
def hub(request):
    # Read by the template only when the cached blogs and their posts are not there.
    context = {"sections": hub_sections, **Listing(request, "hub").context()}
    return render(request, "publishing/hub.html", context)


@require_safe
def blog_index(request, blog_slug):
    listing = Listing(request, "blog")
    blog = listing.subject(Blog, blog_slug)
    page = listing.page(request, Post.objects.public().filter(blog=blog), blog.pk)
    context = {"blog": blog, "page": page, **listing.context(blog.pk, page.number)}
    return render(request, "publishing/blog.html", context)


def find_post(request, blog_slug, post_slug) -> Post:
    """The public post at this address, the same for every visitor.

    Unpublished posts are read at their own preview addresses, so a public
    address never depends on who asks (and its response needs no ``Vary: Cookie``).
    """
    posts = Post.objects.public().with_byline().prefetch_related("topics")
    return get_object_or_404(posts, blog__slug=blog_slug, slug=post_slug)


# Longer slugs than the fields hold name no post; they are not used in cache keys.
LONGEST_SLUGS = Blog._meta.get_field("slug").max_length + Post._meta.get_field("slug").max_length


def public_post(version: int, blog_slug: str, post_slug: str) -> Post:
    """The public post at this address, with its blog, kept in the cache under ``version``.

    A post that is public stays public until it is saved (which moves the version
    on), so a copy found under the current version is the post as the database has
    it. Only found posts are kept: one still scheduled goes public by the clock
    alone, so "not found" is asked of the database every time.
    """
    key = None
    if len(blog_slug) + len(post_slug) <= LONGEST_SLUGS:
        key = f"publishing:post:{version}:{blog_slug}:{post_slug}"
        post = caching.get(key)
        if post is not None:
            return post
    post = get_object_or_404(
        Post.objects.public().select_related("blog"), blog__slug=blog_slug, slug=post_slug
    )
    if key is not None:
        caching.set(key, post, settings.MASTHEAD_FRAGMENT_CACHE_SECONDS)
    return post


def addressed_to_site(request) -> bool:
    """Is the request addressed to the configured site (``MASTHEAD_SITE_URL``)?

    Only then is what it renders shared through the cache. Keyed on the address a
    request names, any ``Host: site:20001`` ... ``:20100`` reaching a server directly
    (not through nginx, which names the site itself) made a new set of keys.
    """
    return request.build_absolute_uri("/").rstrip("/") == settings.MASTHEAD_SITE_URL


@require_safe
def post_detail(request, blog_slug, post_slug):
    # The version is read before the post, so a fragment is never stored under a
    # version newer than the content it was built from.
    version = fragment_version(request)
    lifetime = ScheduledLifetime()
    post = public_post(version, blog_slug, post_slug)
    return render(
        request,
        "publishing/post.html",
        {
            "post": post,
            "blog": post.blog,
            "is_preview": False,
            # Both read only if the part that lists them is not cached.
            "related_posts": SimpleLazyObject(lambda: related_posts(post, request, lifetime)),
            "corrections": SimpleLazyObject(post.corrections),
            # The article, the related posts, the metadata and the references are the
            # same for every reader of this post until the content changes, or a
            # scheduled post goes public (it may be a related post). They carry absolute
            # links, so they are kept only when asked for at the site's own address.
            "fragment_key": f"{version}:{post.pk}" if addressed_to_site(request) else None,
            "fragment_seconds": lifetime,
        },
    )


def render_preview(request, post: Post):
    """A post as it will appear, marked as a preview, for no cache and no search engine."""
    response = render(
        request, "publishing/post.html", {"post": post, "blog": post.blog, "is_preview": True}
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def post_preview(request, post_id):
    """The desk's preview: editors, and writers for their own posts; nobody else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    post = get_object_or_404(Post.objects.with_byline().prefetch_related("topics"), pk=post_id)
    if not post.can_preview(request.user):
        raise PermissionDenied("Only the post's writers and editors can preview it.")
    return render_preview(request, post)


@require_safe
def preview_link(request, token):
    """A reviewer's signed link: works until it expires or an editor revokes it."""
    link = PreviewLink.find_usable(token)
    if link is None:
        raise Http404("This preview link has expired, was revoked, or is not a preview link.")
    post = Post.objects.with_byline().prefetch_related("topics").get(pk=link.post_id)
    response = render_preview(request, post)
    response["Referrer-Policy"] = "no-referrer"
    # The preview's pictures are not public yet: this cookie (sent only to /media/) lets
    # the link's holder see them, for as long as the link itself works.
    media.remember_preview(request, response, token, link.expires_at)
    return response


@require_safe
def post_version(request, blog_slug, post_slug, number):
    """An earlier published version, kept so references made before a correction can be checked."""
    post = find_post(request, blog_slug, post_slug)
    version = get_object_or_404(post.versions, number=number)
    response = render(
        request,
        "publishing/post_version.html",
        {"post": post, "blog": post.blog, "version": version, "corrections": post.corrections()},
    )
    # Search engines should send readers to the current text, not to this one.
    response["X-Robots-Tag"] = "noindex"
    if not post.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def author_detail(request, author_slug):
    listing = Listing(request, "author")
    author = listing.subject(Author, author_slug)
    page = listing.page(request, Post.objects.public().filter(authors=author), author.pk)
    context = {"author": author, "page": page, **listing.context(author.pk, page.number)}
    return render(request, "publishing/author.html", context)


@require_safe
def topic_detail(request, topic_slug):
    listing = Listing(request, "topic")
    topic = listing.subject(Topic, topic_slug)
    page = listing.page(request, Post.objects.public().filter(topics=topic), topic.pk)
    context = {"topic": topic, "page": page, **listing.context(topic.pk, page.number)}
    return render(request, "publishing/topic.html", context)


def public_months_html() -> str:
    """Each month with public posts (in the site's time zone), newest first, with its count."""
    months = (
        Post.objects.public()
        .annotate(month=TruncMonth("publish_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    return render_to_string("publishing/_archive_months.html", {"months": months})


@require_safe
def archive_index(request):
    # Grouping every public post by month, and listing a decade of months, is the
    # costly part on a large archive: done once per change, not once per reader.
    # Stored as the template rendered it: a SafeString, which the cache keeps as such.
    months_html = summary("archive-months", public_months_html, request)
    return render(request, "publishing/archive_index.html", {"months_html": months_html})


def public_month_bounds():
    """The first and last month with a public post, as (year, month) pairs; None if none."""
    found = Post.objects.public().aggregate(first=Min("publish_at"), last=Max("publish_at"))
    if found["first"] is None:
        return None
    first, last = timezone.localtime(found["first"]), timezone.localtime(found["last"])
    return (first.year, first.month), (last.year, last.month)


@require_safe
def archive_month(request, year, month):
    if not (1 <= month <= 12) or not (1900 <= year <= 9999):
        raise Http404("There is no such month.")
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = start + datetime.timedelta(days=calendar.monthrange(year, month)[1])
    # A month outside the span of months with public posts has none: it is shown empty
    # and nothing of it is cached, so the cached month lists are bounded by the
    # archive's own months, not by what a client asks for.
    bounds = summary("archive-bounds", public_month_bounds, request)
    if bounds is None or not (tuple(bounds[0]) <= (year, month) <= tuple(bounds[1])):
        empty = Paginator(Post.objects.none(), 1).page(1)
        context = {"page": empty, "month_start": start.date()}
        return render(request, "publishing/archive_month.html", context)
    listing = Listing(request, "month")
    posts = Post.objects.public().filter(publish_at__gte=start, publish_at__lt=end)
    # The month as this site's time zone bounds it (summaries add the zone to their keys).
    month_key = f"{year}-{month}-{tz}"
    page = listing.page(request, posts, month_key)
    context = {"page": page, "month_start": start.date(), **listing.context(month_key, page.number)}
    return render(request, "publishing/archive_month.html", context)


@require_safe
def sitemap(request):
    """The sitemap; past ``MASTHEAD_SITEMAP_LIMIT`` addresses, the index of its sections."""
    if sitemaps.needs_index(request):
        sections = sitemaps.index_sections(request)
        return sitemap_views.index(request, sections, sitemap_url_name="sitemap_section")
    return sitemap_views.sitemap(request, sitemaps.whole_site(), template_name=sitemaps.TEMPLATE)


@require_safe
def sitemap_section(request, section):
    return sitemap_views.sitemap(
        request, sitemaps.section(section), section=section, template_name=sitemaps.TEMPLATE
    )


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /moderation/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's); send them ours."""
    return HttpResponsePermanentRedirect(static("masthead/favicon.svg"))
