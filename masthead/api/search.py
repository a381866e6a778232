"""The API's ``q`` filter: the site's own full-text search, so the API finds what /search/ finds."""

from django.db.models import QuerySet

from masthead.search.service import filter_posts


def search_posts(posts: QuerySet, q: str) -> QuerySet:
    """The posts among ``posts`` that the site's search finds for ``q``.

    Words as people type them (phrases, prefixes, accents optional, English
    stemming); text with no searchable word matches nothing.
    """
    return filter_posts(posts, q)
