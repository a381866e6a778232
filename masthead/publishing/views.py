import calendar
import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from masthead.publishing import sitemaps
from masthead.publishing.content_version import content_version
from masthead.publishing.models import Author, Blog, Post, PreviewLink, Topic, byline_prefetch
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
    shown = posts.model.objects.filter(pk__in=page.object_list)
    page.object_list = list(shown.select_related("blog").prefetch_related(byline_prefetch()))
    return page


@require_safe
def hub(request):
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
    sections = [(blog, blog.latest_posts) for blog in blogs]
    return render(request, "publishing/hub.html", {"sections": sections})


@require_safe
def blog_index(request, blog_slug):
    blog = get_object_or_404(Blog, slug=blog_slug)
    page = paginate(request, Post.objects.public().filter(blog=blog), f"blog:{blog.pk}")
    return render(request, "publishing/blog.html", {"blog": blog, "page": page})


def find_post(request, blog_slug, post_slug) -> Post:
    """The public post at this address, the same for every visitor.

    Unpublished posts are read at their own preview addresses, so a public
    address never depends on who asks (and its response needs no ``Vary: Cookie``).
    """
    posts = Post.objects.public().with_byline().prefetch_related("topics")
    return get_object_or_404(posts, blog__slug=blog_slug, slug=post_slug)


@require_safe
def post_detail(request, blog_slug, post_slug):
    # The version is read before the post, so a fragment is never stored under a
    # version newer than the content it was built from.
    version = content_version(request)
    post = get_object_or_404(
        Post.objects.public().select_related("blog"), blog__slug=blog_slug, slug=post_slug
    )
    return render(
        request,
        "publishing/post.html",
        {
            "post": post,
            "blog": post.blog,
            "is_preview": False,
            "related_posts": related_posts(post, request),
            # Read only if the part that lists them is not cached.
            "corrections": SimpleLazyObject(post.corrections),
            # The article, its metadata and its references are the same for every
            # reader of this post at this address until the content changes.
            "fragment_key": f"{version}:{post.pk}:{request.scheme}:{request.get_host()}",
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
    author = get_object_or_404(Author, slug=author_slug)
    page = paginate(request, Post.objects.public().filter(authors=author), f"author:{author.pk}")
    return render(request, "publishing/author.html", {"author": author, "page": page})


@require_safe
def topic_detail(request, topic_slug):
    topic = get_object_or_404(Topic, slug=topic_slug)
    page = paginate(request, Post.objects.public().filter(topics=topic), f"topic:{topic.pk}")
    return render(request, "publishing/topic.html", {"topic": topic, "page": page})


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


@require_safe
def archive_month(request, year, month):
    if not (1 <= month <= 12) or not (1900 <= year <= 9999):
        raise Http404("There is no such month.")
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = start + datetime.timedelta(days=calendar.monthrange(year, month)[1])
    posts = Post.objects.public().filter(publish_at__gte=start, publish_at__lt=end)
    page = paginate(request, posts, f"month:{year}-{month}")
    return render(
        request, "publishing/archive_month.html", {"page": page, "month_start": start.date()}
    )


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
