"""The read-only Content API: blogs, posts, authors and topics as JSON, for partners to reuse.

Only what a reader may see: public posts (no drafts, nothing scheduled before
its time) and no comments at all. Every answer carries an ``ETag`` (and the
post answers a ``Last-Modified``), so a client that asks again with them gets
a bodiless 304 when nothing changed.
"""

import datetime
import re
from typing import Annotated

from django.db.models import Max
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query
from pydantic import BeforeValidator

from masthead.api import schemas
from masthead.api.pagination import page_by_date, page_by_key
from masthead.api.search import search_posts
from masthead.citations.csl import post_as_csl
from masthead.pages.models import Page
from masthead.publishing.models import Author, Blog, Institution, Post, Topic
from masthead.publishing.rendering import with_absolute_image_addresses

SLUG = r"^[-a-zA-Z0-9_]+$"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

api = NinjaAPI(
    title="Masthead Content API",
    version="1",
    description=(
        "Read-only access to the published posts of every blog, their authors and topics, "
        "and the institution's standing pages. "
        "Lists are paged by cursor: follow `next` until it is null."
    ),
    openapi_url="/schema",
    # The interactive docs page loads scripts from elsewhere, which the site's CSP forbids.
    docs_url=None,
    urls_namespace="api",
)
# ETag from the body, and 304 for If-None-Match / If-Modified-Since that still hold.
api.add_decorator(decorator_from_middleware(ConditionalGetMiddleware), mode="view")

# Optional query parameters are typed without ``| None``: a query string has no null,
# and the schema should not promise one (the default, None, is not validated).
SlugFilter = Annotated[str, Query(pattern=SLUG, max_length=120)]
SlugPath = Annotated[str, Path(pattern=SLUG, max_length=120)]
Cursor = Annotated[str, Query(max_length=200, description="The previous page's `next`.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]


def iso_day_only(value):
    """Pydantic would also read ``0`` as a day (of 1970); a day filter takes YYYY-MM-DD alone."""
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError("Give the day as YYYY-MM-DD.")
    return value


Day = Annotated[
    datetime.date,
    Query(description="A day, inclusive: YYYY-MM-DD."),
    BeforeValidator(iso_day_only),
]
Words = Annotated[str, Query(max_length=200, description="Words in title or summary.")]
# A cursor we did not give out (400); a parameter of the wrong shape (422, django-ninja's own).
LISTED = {400: schemas.Problem, 422: schemas.Problem}
FOUND = {404: schemas.Problem, 422: schemas.Problem}


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def blog_ref(blog):
    return {"slug": blog.slug, "name": blog.name}


def blog_data(request, blog):
    feed = reverse("publishing:blog_feed", args=[blog.slug])
    return {
        **blog_ref(blog),
        "tagline": blog.tagline,
        "description": blog.description,
        "url": absolute(request, blog.get_absolute_url()),
        "feeds": {
            "atom": absolute(request, feed),
            "rss": absolute(request, feed + "rss/"),
            "json": absolute(request, feed + "json/"),
        },
    }


def author_ref(request, author):
    return {
        "slug": author.slug,
        "display_name": author.display_name,
        "url": absolute(request, author.get_absolute_url()),
    }


def author_data(request, author):
    return {
        **author_ref(request, author),
        "given_name": author.given_name,
        "family_name": author.family_name,
        "is_institutional": author.is_institutional,
        "role": author.role,
        "bio": author.bio,
        "photo": absolute(request, author.photo.url) if author.photo else None,
    }


def topic_data(request, topic):
    return {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "url": absolute(request, topic.get_absolute_url()),
    }


def post_data(request, post, institution):
    image = None
    if post.featured_image:
        image = {
            "url": absolute(request, post.featured_image.url),
            "alt": post.image_alt,
            "caption": post.image_caption,
            "credit": post.image_credit,
        }
    return {
        "id": f"{post.blog.slug}/{post.slug}",
        "blog": blog_ref(post.blog),
        "slug": post.slug,
        "title": post.title,
        "summary": post.summary,
        "authors": [author_ref(request, author) for author in post.byline],
        "topics": [{"slug": t.slug, "name": t.name} for t in post.topics.all()],
        "published_at": post.publish_at,
        "updated_at": post.updated_at,
        "correction_note": post.correction_note,
        "body_html": with_absolute_image_addresses(
            post.body_html, request.build_absolute_uri("/").rstrip("/")
        ),
        "featured_image": image,
        "canonical_url": absolute(request, post.get_absolute_url()),
        "csl": post_as_csl(post, institution=institution),
    }


def public_posts():
    return (
        Post.objects.public()
        .with_byline()
        .prefetch_related("topics")
        .select_related("sentence_case_title", "doi_record")
    )


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def latest_change_to(posts):
    """When the list of ``posts`` last changed, from what it shows: the latest save or
    publication among them, or the latest save of a post that was public and is no longer
    (withdrawn: its publish time has passed but it is not public), whichever is later.
    A draft's save moves nothing here. A deleted post goes unseen; the ETag sees it."""
    shown = posts.order_by().aggregate(saved=Max("modified_at"), went_public=Max("publish_at"))
    left = (
        Post.objects.filter(publish_at__lte=timezone.now())
        .exclude(pk__in=Post.objects.public().values("pk"))
        .aggregate(saved=Max("modified_at"))
    )
    moments = [*shown.values(), left["saved"]]
    return max((m for m in moments if m is not None), default=None)


def stamp_last_modified(response: HttpResponse, moment) -> None:
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


@api.get("/blogs", response={200: schemas.BlogPage, **LISTED}, tags=["blogs"], summary="Every blog")
def list_blogs(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    blogs, next_page = page_by_key(request, Blog.objects.all(), cursor, limit)
    return {"items": [blog_data(request, blog) for blog in blogs], "next": next_page}


@api.get(
    "/blogs/{blog_slug}",
    response={200: schemas.Blog, **FOUND},
    tags=["blogs"],
    summary="One blog",
)
def get_blog(request, blog_slug: SlugPath):
    return blog_data(request, get_object_or_404(Blog, slug=blog_slug))


@api.get(
    "/posts",
    response={200: schemas.PostPage, **LISTED},
    tags=["posts"],
    summary="Published posts, newest first",
)
def list_posts(
    request,
    response: HttpResponse,
    blog: SlugFilter = None,
    author: SlugFilter = None,
    topic: SlugFilter = None,
    published_from: Day = None,
    published_to: Day = None,
    q: Words = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    posts = public_posts()
    if blog:
        posts = posts.filter(blog__slug=blog)
    if author:
        posts = posts.filter(authors__slug=author)
    if topic:
        posts = posts.filter(topics__slug=topic)
    if published_from:
        posts = posts.filter(publish_at__gte=start_of_day(published_from))
    if published_to and published_to < datetime.date.max:
        posts = posts.filter(publish_at__lt=start_of_day(published_to + datetime.timedelta(1)))
    if q:
        posts = search_posts(posts, q)
    stamp_last_modified(response, latest_change_to(posts))
    items, next_page = page_by_date(request, posts, cursor, limit)
    institution = Institution.current()
    return {"items": [post_data(request, p, institution) for p in items], "next": next_page}


@api.get(
    "/posts/{blog_slug}/{post_slug}",
    response={200: schemas.Post, **FOUND},
    tags=["posts"],
    summary="One published post",
)
def get_post(
    request,
    response: HttpResponse,
    blog_slug: SlugPath,
    post_slug: SlugPath,
):
    post = get_object_or_404(public_posts(), blog__slug=blog_slug, slug=post_slug)
    stamp_last_modified(response, max(post.modified_at, post.publish_at))
    return post_data(request, post, Institution.current())


@api.get(
    "/authors",
    response={200: schemas.AuthorPage, **LISTED},
    tags=["authors"],
    summary="Every author",
)
def list_authors(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    authors, next_page = page_by_key(request, Author.objects.all(), cursor, limit)
    return {"items": [author_data(request, a) for a in authors], "next": next_page}


@api.get(
    "/authors/{author_slug}",
    response={200: schemas.Author, **FOUND},
    tags=["authors"],
    summary="One author",
)
def get_author(request, author_slug: SlugPath):
    return author_data(request, get_object_or_404(Author, slug=author_slug))


@api.get(
    "/topics", response={200: schemas.TopicPage, **LISTED}, tags=["topics"], summary="Every topic"
)
def list_topics(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    topics, next_page = page_by_key(request, Topic.objects.all(), cursor, limit)
    return {"items": [topic_data(request, t) for t in topics], "next": next_page}


@api.get(
    "/topics/{topic_slug}",
    response={200: schemas.Topic, **FOUND},
    tags=["topics"],
    summary="One topic",
)
def get_topic(request, topic_slug: SlugPath):
    return topic_data(request, get_object_or_404(Topic, slug=topic_slug))


def page_data(request, page):
    return {
        "path": page.path,
        "title": page.title,
        "parent": page.parent.path if page.parent_id else None,
        "body_html": with_absolute_image_addresses(
            page.body_html, request.build_absolute_uri("/").rstrip("/")
        ),
        "role": page.role,
        "menus": [name for name in ("header", "footer") if getattr(page, f"in_{name}_menu")],
        "published_at": page.published_at,
        "updated_at": page.updated_at,
        "correction_note": page.correction_note,
        "url": absolute(request, page.get_absolute_url()),
    }


PagePath = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+(/[-a-zA-Z0-9_]+)*$", max_length=400)]


@api.get(
    "/pages",
    response={200: schemas.PagePage, **LISTED},
    tags=["pages"],
    summary="The institution's public standing pages (About, Contact ...)",
)
def list_pages(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    pages = Page.objects.public().select_related("parent")
    items, next_page = page_by_key(request, pages, cursor, limit)
    return {"items": [page_data(request, page) for page in items], "next": next_page}


@api.get(
    "/pages/{path:page_path}",
    response={200: schemas.Page, **FOUND},
    tags=["pages"],
    summary="One standing page, by its address without slashes at the ends (about/staff)",
)
def get_page(request, page_path: PagePath):
    page = get_object_or_404(Page.objects.public().select_related("parent"), path=page_path)
    return page_data(request, page)
