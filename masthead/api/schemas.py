"""What the Content API answers with: the shapes the OpenAPI schema describes."""

import datetime
from typing import Any

from ninja import Schema


class BlogRef(Schema):
    slug: str
    name: str


class Blog(BlogRef):
    tagline: str
    description: str
    url: str
    feeds: dict[str, str]


class AuthorRef(Schema):
    slug: str
    display_name: str
    url: str


class Author(AuthorRef):
    given_name: str
    family_name: str
    is_institutional: bool
    role: str
    bio: str
    photo: str | None


class TopicRef(Schema):
    slug: str
    name: str


class Topic(TopicRef):
    description: str
    url: str


class Image(Schema):
    url: str
    alt: str
    caption: str
    credit: str


class Post(Schema):
    id: str
    blog: BlogRef
    slug: str
    title: str
    summary: str
    authors: list[AuthorRef]
    topics: list[TopicRef]
    published_at: datetime.datetime
    updated_at: datetime.datetime | None
    correction_note: str
    body_html: str
    featured_image: Image | None
    canonical_url: str
    csl: dict[str, Any]


class PostPage(Schema):
    items: list[Post]
    next: str | None


class BlogPage(Schema):
    items: list[Blog]
    next: str | None


class AuthorPage(Schema):
    items: list[Author]
    next: str | None


class TopicPage(Schema):
    items: list[Topic]
    next: str | None


class Page(Schema):
    path: str
    title: str
    parent: str | None
    body_html: str
    role: str
    menus: list[str]
    published_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    correction_note: str
    url: str


class PagePage(Schema):
    items: list[Page]
    next: str | None


class Problem(Schema):
    detail: Any
