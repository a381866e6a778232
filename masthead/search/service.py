"""Searching the public posts: ranked hits, marked snippets and filter counts.

The one entry point for pages (and the Content API's ``q``): ``search(query, filters)``.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from masthead.publishing.models import Blog, Post, PostAuthor
from masthead.search.backends import engine
from masthead.search.highlight import has_marks, marked_html
from masthead.search.models import SearchDocument
from masthead.search.query import SearchQuery, parse

FACET_SIZE = 12
SUGGESTIONS = 8


@dataclass(frozen=True)
class Filters:
    blog: str = ""
    author: str = ""
    topic: str = ""
    year: int | None = None

    def without(self, name: str) -> "Filters":
        values = {**self.__dict__, name: None if name == "year" else ""}
        return Filters(**values)

    def choosing(self, name: str, value: str) -> "Filters":
        return Filters(**{**self.__dict__, name: int(value) if name == "year" else value})

    def as_params(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.__dict__.items() if value}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    post: Post
    title_html: str
    snippet_html: str


def public_documents():
    """Documents of posts a reader may see now (a scheduled post only once its time has come)."""
    return SearchDocument.objects.filter(publish_at__lte=timezone.now())


def filtered(documents, filters: Filters):
    if filters.blog:
        documents = documents.filter(
            blog_id__in=Blog.objects.filter(slug=filters.blog).values("pk")
        )
    if filters.year:
        documents = documents.filter(year=filters.year)
    if filters.author:
        documents = documents.filter(
            post_id__in=PostAuthor.objects.filter(author__slug=filters.author).values("post_id")
        )
    if filters.topic:
        documents = documents.filter(
            post_id__in=Post.topics.through.objects.filter(topic__slug=filters.topic).values(
                "post_id"
            )
        )
    return documents


class Results:
    """A sequence of hits a Paginator can page through, counted and fetched lazily."""

    def __init__(self, query: SearchQuery, filters: Filters):
        self.query = query
        self.filters = filters
        self.engine = engine()
        self._count = None

    def matching(self, filters: Filters):
        return self.engine.filter_matching(filtered(public_documents(), filters), self.query)

    def count(self) -> int:
        if self._count is None:
            self._count = self.matching(self.filters).count() if self.query else 0
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Results are read a page at a time.")
        if not self.query:
            return []
        offset, limit = window.start or 0, (window.stop or 0) - (window.start or 0)
        documents = filtered(public_documents(), self.filters)
        post_ids = self.engine.ranked_ids(documents, self.query, offset, limit)
        posts = Post.objects.public().with_byline().in_bulk(post_ids)
        marks = self.engine.marked_texts(post_ids, self.query)
        hits = []
        for post_id in post_ids:
            post = posts.get(post_id)
            if post is None:  # unpublished between the two queries
                continue
            title, summary, body = marks.get(post_id, (post.title, post.summary, ""))
            snippet = body if has_marks(body) or not has_marks(summary) else summary
            hits.append(Hit(post, marked_html(title), marked_html(snippet or post.summary)))
        return hits

    def facets(self) -> dict[str, list[FacetValue]]:
        if not self.query:
            return {}
        selected = self.filters
        blogs = self._counted(self.matching(selected.without("blog")), "blog_id")
        blog_names = Blog.objects.in_bulk(list(blogs))
        years = self._counted(self.matching(selected.without("year")), "year")
        author_rows = (
            PostAuthor.objects.filter(
                post_id__in=self.matching(selected.without("author")).values("post_id")
            )
            .values("author__slug", "author__display_name")
            .annotate(hits=Count("post_id"))
            .order_by("-hits", "author__display_name")[:FACET_SIZE]
        )
        topic_rows = (
            Post.topics.through.objects.filter(
                post_id__in=self.matching(selected.without("topic")).values("post_id")
            )
            .values("topic__slug", "topic__name")
            .annotate(hits=Count("post_id"))
            .order_by("-hits", "topic__name")[:FACET_SIZE]
        )
        return {
            "blog": [
                FacetValue(
                    blog_names[pk].slug,
                    blog_names[pk].name,
                    n,
                    blog_names[pk].slug == selected.blog,
                )
                for pk, n in sorted(blogs.items(), key=lambda item: -item[1])
                if pk in blog_names
            ][:FACET_SIZE],
            "author": [
                FacetValue(
                    row["author__slug"],
                    row["author__display_name"],
                    row["hits"],
                    row["author__slug"] == selected.author,
                )
                for row in author_rows
            ],  # fmt: skip
            "topic": [
                FacetValue(
                    row["topic__slug"],
                    row["topic__name"],
                    row["hits"],
                    row["topic__slug"] == selected.topic,
                )
                for row in topic_rows
            ],  # fmt: skip
            "year": [
                FacetValue(str(year), str(year), n, year == selected.year)
                for year, n in sorted(years.items(), reverse=True)
            ][:FACET_SIZE],
        }

    @staticmethod
    def _counted(documents, field) -> dict:
        rows = documents.order_by().values(field).annotate(hits=Count("post_id"))
        return {row[field]: row["hits"] for row in rows}


def search(text: str, filters: Filters | None = None) -> Results:
    return Results(parse(text), filters or Filters())


def suggestions(text: str) -> list[Post]:
    """Titles of public posts that match what has been typed so far, the last word unfinished."""
    query = parse(text, all_prefixes=True)
    if not query:
        return []
    search_engine = engine()
    documents = search_engine.filter_matching(public_documents(), query, titles_only=True)
    post_ids = list(
        documents.order_by("-publish_at").values_list("post_id", flat=True)[:SUGGESTIONS]
    )
    posts = Post.objects.public().select_related("blog").in_bulk(post_ids)
    return [posts[pk] for pk in post_ids if pk in posts]


def filter_posts(posts, text: str):
    """``posts`` narrowed to public ones matching ``text`` (for other apps, e.g. an API's ``q``).

    Text with no searchable word matches nothing.
    """
    query = parse(text)
    if not query:
        return posts.none()
    matching = engine().filter_matching(public_documents(), query).values("post_id")
    return posts.filter(pk__in=matching)
