"""A public page costs the same number of database queries however large the site grows.

Each page is asked for on a small site, then again after the same site has
grown: more blogs, authors, topics and posts, longer bylines, more topics per
post, more comments and replies, more corrections. The count must not move
(an N+1 would show as growth) and must stay small. Counted twice: with every
cache empty (each fragment built) and again with the shared fragments cached,
as a live site without a page cache in front serves most requests.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

pytestmark = pytest.mark.django_db

# Generous ceilings: the point is that counts stay flat, but a page that needed
# more than this many queries would be doing something wrong even if flat.
MOST_QUERIES_COLD = 16
MOST_QUERIES_WARM = 10
# Answers to a reader's own query are never cached: the second request costs what the
# first did (on PostgreSQL a search is also wrapped in its own transaction).
NOT_CACHED = {"search"}


class Site:
    """A site that can grow: ``grow(n)`` adds n of everything around the same pages."""

    def __init__(self):
        self.round = 0
        self.now = timezone.now()
        Institution.objects.create(name="Query Count Institute", short_name="QCI")
        self.blog = Blog.objects.create(name="Main Desk", slug="main", tagline="Main")
        self.author = self.new_author()
        self.topic = Topic.objects.create(name="Main topic", slug="main-topic")
        self.post = self.new_post(self.blog, [self.author], [self.topic], "The post")
        self.quiet = self.new_post(self.blog, [self.author], [self.topic], "The quiet post")
        self.busy = self.new_post(self.blog, [self.author], [self.topic], "The busy post")

    def new_author(self) -> Author:
        n = Author.objects.count()
        return Author.objects.create(
            display_name=f"Writer {n}", given_name="Writer", family_name=f"No{n}",
            slug=f"writer-{n}", orcid="0000-0002-1825-0097" if n % 2 else "",
        )  # fmt: skip

    def new_post(self, blog, authors, topics, title, days_ago=1) -> Post:
        n = Post.objects.count()
        post = Post.objects.create(
            blog=blog, title=title, slug=f"post-{n}", status=Post.Status.PUBLISHED,
            publish_at=self.now - datetime.timedelta(days=days_ago, minutes=n),
            summary=f"Summary {n}.",
            body=f"Body of post {n} about grid storage.[^1]\n\n[^1]: A note.",
        )  # fmt: skip
        PostAuthor.objects.bulk_create(
            PostAuthor(post=post, author=author, position=i) for i, author in enumerate(authors)
        )
        post.topics.add(*topics)
        return post

    def comment(self, post, name, parent=None) -> Comment:
        comment = Comment(post=post, author_name=name, email=f"{name}@example.org", parent=parent)
        comment.set_text(f"A comment by {name} on grid storage.")
        comment.save()
        comment.approve()
        return comment

    def grow(self, n: int) -> None:
        self.round += 1
        authors = [self.new_author() for _ in range(n)]
        topics = [
            Topic.objects.create(name=f"Topic {self.round}.{i}", slug=f"topic-{self.round}-{i}")
            for i in range(n)
        ]
        blogs = [
            Blog.objects.create(name=f"Desk {self.round}.{i}", slug=f"desk-{self.round}-{i}")
            for i in range(n)
        ]
        for blog in [self.blog, *blogs]:
            for i in range(n):
                self.new_post(blog, authors, topics, f"Post {self.round}.{i} on grid storage")
        for post in (self.post, self.busy):
            start = post.bylines.count()
            PostAuthor.objects.bulk_create(
                PostAuthor(post=post, author=author, position=start + i)
                for i, author in enumerate(authors)
            )
            post.topics.add(*topics)
        for i in range(n):
            root = self.comment(self.post, f"reader-{self.round}-{i}")
            self.comment(self.post, f"replier-{self.round}-{i}", parent=root)
        for i in range(n * 4):  # several pages of comments on the busy post
            root = self.comment(self.busy, f"busy-{self.round}-{i}")
            if i % 3 == 0:
                self.comment(self.busy, f"busy-reply-{self.round}-{i}", parent=root)
        # A correction: the post keeps the text readers saw before it.
        self.post.refresh_from_db()
        self.post.updated_at = self.now - datetime.timedelta(hours=n, minutes=self.round)
        self.post.correction_note = f"Correction {self.round}."
        self.post.save()

    def pages(self) -> dict[str, str]:
        post, busy = self.post.get_absolute_url(), self.busy.get_absolute_url()
        month = timezone.localtime(self.post.publish_at)
        return {
            "hub": "/",
            "blog index": "/main/",
            "blog index, page 2": "/main/?page=2",
            "post without comments": self.quiet.get_absolute_url(),
            "post with comments": post,
            "post with many comments": busy,
            "post with many comments, second page": busy + "?comments=2",
            "earlier version of a post": post + "versions/1/",
            "author": "/authors/writer-0/",
            "topic": "/topics/main-topic/",
            "archive": "/archive/",
            "archive month": f"/archive/{month.year}/{month.month}/",
            "site feed (Atom)": "/feed/",
            "site feed (RSS)": "/feed/rss/",
            "site feed (JSON)": "/feed/json/",
            "blog feed": "/main/feed/",
            "author feed": "/authors/writer-0/feed/",
            "topic feed": "/topics/main-topic/feed/rss/",
            "sitemap": "/sitemap.xml",
            "cite page": post + "cite/",
            "BibTeX": post + "cite.bib",
            "RIS": post + "cite.ris",
            "CSL-JSON": post + "cite.json",
            "search": "/search/?q=grid",
            "API list of posts": "/api/v1/posts",
            "API post": f"/api/v1/posts/main/{self.post.slug}",
            "API blogs": "/api/v1/blogs",
            "API authors": "/api/v1/authors",
            "API topics": "/api/v1/topics",
        }


def queries_for(client, url: str) -> tuple[int, int]:
    """Queries for one request with every cache empty, then for the same request again."""
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    return len(cold), len(warm)


@pytest.fixture
def site(db):
    cache.clear()
    yield Site()
    cache.clear()


def page_names() -> list[str]:
    # The names only: the addresses need a database, made per test.
    return [
        "hub", "blog index", "blog index, page 2", "post without comments",
        "post with comments", "post with many comments", "post with many comments, second page",
        "earlier version of a post", "author", "topic", "archive", "archive month",
        "site feed (Atom)", "site feed (RSS)", "site feed (JSON)", "blog feed", "author feed",
        "topic feed", "sitemap", "cite page", "BibTeX", "RIS", "CSL-JSON", "search",
        "API list of posts", "API post", "API blogs", "API authors", "API topics",
    ]  # fmt: skip


@pytest.mark.parametrize("name", page_names())
def test_a_public_page_makes_as_many_queries_on_a_large_site_as_on_a_small_one(
    client, site, settings, name
):
    settings.MASTHEAD_POSTS_PER_PAGE = 3
    settings.MASTHEAD_COMMENTS_PER_PAGE = 2
    # Rendered every time: a stored whole page would answer the warm request with no query
    # and hide what the shared fragments cost.
    settings.MASTHEAD_PAGE_CACHE = False
    site.grow(1)
    small = queries_for(client, site.pages()[name])
    site.grow(4)
    large = queries_for(client, site.pages()[name])
    assert large == small, f"{name}: (cold, warm) queries {small} on the small site, {large} now"
    cold, warm = large
    most_warm = MOST_QUERIES_COLD if name in NOT_CACHED else MOST_QUERIES_WARM
    assert cold <= MOST_QUERIES_COLD and warm <= most_warm, (name, large)


def test_the_page_list_here_names_every_page_the_site_builds(site):
    assert sorted(site.pages()) == sorted(page_names())


def test_the_sitemap_index_and_a_section_make_as_many_queries_however_many_sections(
    client, site, settings
):
    settings.MASTHEAD_SITEMAP_LIMIT = 2  # every two post ids a section of their own
    site.grow(1)
    section = f"/sitemap-posts-{(site.post.pk - 1) // 2 + 1}.xml"
    small = [queries_for(client, "/sitemap.xml"), queries_for(client, section)]
    assert b"<sitemapindex" in client.get("/sitemap.xml").content
    site.grow(4)
    large = [queries_for(client, "/sitemap.xml"), queries_for(client, section)]
    assert large == small
    assert client.get("/sitemap.xml").content.count(b"<sitemap>") > 5
