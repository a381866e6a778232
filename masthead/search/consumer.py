"""Keeping search in step: the consumer ``masthead.changes`` tells of committed changes.

Publishing knows nothing of search: search registers here (``SearchConfig.ready``).
"""

from masthead import changes
from masthead.search import indexing

# Changes that alter what a search finds: a post's text, status, byline or topics; an
# author's or a topic's name. A new author or topic is in no post yet.
_FOUND_IN_POSTS = ("publishing.Post", "publishing.PostAuthor", "publishing.Post_topics")
_NAMED_IN_POSTS = ("publishing.Author", "publishing.Topic")


def changes_committed(committed: list[changes.Change]) -> None:
    reindex: set[int] = set()
    for change in committed:
        if change.raw:
            continue
        if change.of(*_FOUND_IN_POSTS) or (change.of(*_NAMED_IN_POSTS) and not change.created):
            # A deleted post's id is among them: reindexing removes its document.
            reindex |= change.post_ids or set()
    indexing.reindex_posts(reindex)
