"""Searching the public posts: ranked hits, marked snippets and filter counts.

The entry points: ``search(text, filters).page(number, per_page)`` for the search
page, ``suggestions(text)`` for the search boxes, and ``filter_posts(posts, text)``
for other apps (the Content API's ``q``).

A page of results is one SQL statement around one full-text match: the matching
public documents are gathered once (a materialised CTE) and counted per blog,
year, author and topic, counted in total, and ranked for the page, instead of
matching the words again for each of those.
"""

import math
from dataclasses import dataclass

from django.utils import timezone

from masthead.publishing.models import Author, Blog, Post, PostAuthor, Topic
from masthead.search.backends import engine
from masthead.search.highlight import has_marks, marked_byline, marked_html
from masthead.search.models import SearchDocument
from masthead.search.query import SearchQuery, parse
from masthead.search.vocabulary import widen_prefixes

FACET_SIZE = 12
SUGGESTIONS = 8
# No archive has this many pages of results; past it a page number is not a page.
MAX_PAGE = 100_000
POST_AUTHORS = PostAuthor._meta.db_table
POST_TOPICS = Post.topics.through._meta.db_table


class NoSuchPage(Exception):
    pass


@dataclass(frozen=True)
class Filters:
    blog: str = ""
    author: str = ""
    topic: str = ""
    year: int | None = None

    def without(self, name: str) -> "Filters":
        return Filters(**{**self.__dict__, name: None if name == "year" else ""})

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
    # The byline with the names the search matched marked; empty when it matched none.
    byline_html: str = ""


@dataclass
class Page:
    number: int
    per_page: int
    count: int
    hits: list
    facets: dict

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.num_pages > 1


def public_documents():
    """Documents of posts a reader may see now (a scheduled post only once its time has come)."""
    return SearchDocument.objects.filter(publish_at__lte=timezone.now())


class Results:
    def __init__(self, query: SearchQuery, filters: Filters):
        self.query = query
        self.filters = filters
        self.engine = engine()

    def page(self, number: int, per_page: int) -> Page:
        if not 1 <= number <= MAX_PAGE:
            raise NoSuchPage(number)
        if not self.query:
            if number > 1:
                raise NoSuchPage(number)
            return Page(number, per_page, 0, [], {})
        rows = self._run(offset=(number - 1) * per_page, limit=per_page)
        count = next((int(value) for kind, _, value in rows if kind == "total"), 0)
        page = Page(number, per_page, count, [], {})
        if number > page.num_pages:
            raise NoSuchPage(number)
        ranked = sorted((value, item) for kind, item, value in rows if kind == "page")
        page.hits = self._hits([item for _, item in ranked])
        page.facets = self._facets(rows)
        return page

    def _conditions(self) -> dict[str, tuple[str, list]]:
        """Each chosen filter as SQL on the gathered hits ``h``; an unknown name matches nothing."""
        chosen = {}
        if self.filters.blog:
            blog_id = Blog.objects.filter(slug=self.filters.blog).values_list("pk", flat=True)
            chosen["blog"] = ("h.blog_id = %s", [next(iter(blog_id), -1)])
        if self.filters.year:
            chosen["year"] = ("h.year = %s", [self.filters.year])
        if self.filters.author:
            author_id = Author.objects.filter(slug=self.filters.author).values_list("pk", flat=True)
            chosen["author"] = (
                f"h.post_id IN (SELECT post_id FROM {POST_AUTHORS} WHERE author_id = %s)",
                [next(iter(author_id), -1)],
            )
        if self.filters.topic:
            topic_id = Topic.objects.filter(slug=self.filters.topic).values_list("pk", flat=True)
            chosen["topic"] = (
                f"h.post_id IN (SELECT post_id FROM {POST_TOPICS} WHERE topic_id = %s)",
                [next(iter(topic_id), -1)],
            )
        return chosen

    def _run(self, offset: int, limit: int) -> list[tuple]:
        hits_sql, params = self.engine.hits_sql(self.query, timezone.now())
        chosen = self._conditions()

        def where(leaving_out=None) -> str:
            parts = [sql for name, (sql, _) in chosen.items() if name != leaving_out]
            params.extend(
                value for name, (_, values) in chosen.items() if name != leaving_out
                for value in values
            )  # fmt: skip
            return (" WHERE " + " AND ".join(parts)) if parts else ""

        number = "CAST({} AS DOUBLE PRECISION)"
        sql = f"WITH hits AS MATERIALIZED ({hits_sql})"
        sql += (
            f" SELECT 'total', CAST(NULL AS BIGINT), {number.format('COUNT(*)')} FROM hits h"
            + where()
        )
        # "+ 0": grouping by an expression no index serves makes the planner walk the hits
        # and look each post's authors up, rather than walk every byline in the archive.
        for name, column, join in [
            ("blog", "h.blog_id", ""),
            ("year", "h.year", ""),
            ("author", "f.author_id + 0", f" JOIN {POST_AUTHORS} f ON f.post_id = h.post_id"),
            ("topic", "f.topic_id + 0", f" JOIN {POST_TOPICS} f ON f.post_id = h.post_id"),
        ]:
            sql += (
                f" UNION ALL SELECT '{name}', CAST({column} AS BIGINT), "
                f"{number.format('COUNT(*)')} FROM hits h{join}{where(name)} GROUP BY {column}"
            )
        # The page: the best matches in order (a bounded sort), numbered for reading back.
        order = "score DESC, publish_at DESC, post_id DESC"
        position = number.format(f"ROW_NUMBER() OVER (ORDER BY {order})")
        sql += (
            f" UNION ALL SELECT 'page', post_id, {position}"
            f" FROM (SELECT h.post_id, h.score, h.publish_at FROM hits h{where()}"
            f" ORDER BY {order} LIMIT %s OFFSET %s) best"
        )
        params.extend([limit, offset])
        with self.engine.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _hits(self, post_ids: list[int]) -> list[Hit]:
        posts = Post.objects.public().with_byline().in_bulk(post_ids)
        marks = self.engine.marked_texts(post_ids, self.query)
        hits = []
        for post_id in post_ids:
            post = posts.get(post_id)
            if post is None:  # unpublished between the two queries
                continue
            title, summary, body, authors = marks.get(post_id, (post.title, post.summary, "", ""))
            snippet = body if has_marks(body) or not has_marks(summary) else summary
            hits.append(
                Hit(
                    post,
                    marked_html(title),
                    marked_html(snippet or post.summary),
                    marked_byline(authors) if has_marks(authors) else "",
                )
            )
        return hits

    def _facets(self, rows) -> dict[str, list[FacetValue]]:
        counted = {name: [] for name in ("blog", "author", "topic", "year")}
        for kind, item, value in rows:
            if kind in counted:
                counted[kind].append((int(item), int(value)))
        for name in counted:
            if name == "year":
                counted[name].sort(reverse=True)
            else:
                counted[name].sort(key=lambda pair: -pair[1])
            counted[name] = counted[name][:FACET_SIZE]
        blogs = Blog.objects.only("name", "slug").in_bulk([pk for pk, _ in counted["blog"]])
        authors = Author.objects.only("display_name", "slug").in_bulk(
            [pk for pk, _ in counted["author"]]
        )
        topics = Topic.objects.only("name", "slug").in_bulk([pk for pk, _ in counted["topic"]])
        chosen = self.filters
        return {
            "blog": [
                FacetValue(blogs[pk].slug, blogs[pk].name, n, blogs[pk].slug == chosen.blog)
                for pk, n in counted["blog"] if pk in blogs
            ],
            "author": [
                FacetValue(authors[pk].slug, authors[pk].display_name, n,
                           authors[pk].slug == chosen.author)
                for pk, n in counted["author"] if pk in authors
            ],
            "topic": [
                FacetValue(topics[pk].slug, topics[pk].name, n, topics[pk].slug == chosen.topic)
                for pk, n in counted["topic"] if pk in topics
            ],
            "year": [
                FacetValue(str(year), str(year), n, year == chosen.year)
                for year, n in counted["year"]
            ],
        }  # fmt: skip


def search(text: str, filters: Filters | None = None) -> Results:
    return Results(widen_prefixes(parse(text)), filters or Filters())


def suggestions(text: str) -> list[Post]:
    """Titles of public posts that match what has been typed so far, the last word unfinished."""
    query = widen_prefixes(parse(text, all_prefixes=True))
    if not query:
        return []
    documents = engine().filter_matching(public_documents(), query, titles_only=True)
    post_ids = list(
        documents.order_by("-publish_at").values_list("post_id", flat=True)[:SUGGESTIONS]
    )
    posts = Post.objects.public().select_related("blog").in_bulk(post_ids)
    return [posts[pk] for pk in post_ids if pk in posts]


def filter_posts(posts, text: str):
    """``posts`` narrowed to public ones matching ``text`` (for other apps, e.g. an API's ``q``).

    Text with no searchable word matches nothing.
    """
    query = widen_prefixes(parse(text))
    if not query:
        return posts.none()
    matching = engine().filter_matching(public_documents(), query).values("post_id")
    return posts.filter(pk__in=matching)
