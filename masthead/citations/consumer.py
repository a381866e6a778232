"""Re-format a post's references whenever what they are made from changes.

The consumer ``masthead.changes`` tells of committed changes, so the byline
and the sentence-case title saved by the admin's inlines are already in place.
A post's own save formats its references at once (the editor sees them on the
next page); a save that can touch many posts (the institution, a blog, an
author) or an import's batch queues the work for the background worker instead.
"""

import functools

from django.conf import settings
from django.db import transaction

from masthead import changes
from masthead.citations import dois
from masthead.citations.formatting import core_styles, format_posts
from masthead.citations.tasks import (
    deposit_changed_dois,
    deposit_post_doi,
    format_version_citations,
    reformat_posts,
)
from masthead.publishing.models import Post

# What a post's references are made from, besides the post: each changes one post.
_PARTS_OF_REFERENCES = ("publishing.PostAuthor", "citations.SentenceCaseTitle")
# Saves that can touch many posts' references: formatted by the worker.
_SHARED_BY_POSTS = ("publishing.Author", "publishing.Blog", "publishing.Institution")


def changes_committed(committed: list[changes.Change]) -> None:
    at_once: set[int] = set()
    in_background: set[int] = set()
    everything = False
    for change in committed:
        if change.raw:
            continue
        if change.bulk:
            posts_saved_in_batch(sorted(change.post_ids))
        elif change.of("publishing.Post") and not change.deleted:
            register_doi_if_due(change.instance)
            at_once.add(change.pk)
        elif change.of(*_PARTS_OF_REFERENCES):
            at_once |= change.post_ids
        elif change.of(*_SHARED_BY_POSTS) and not change.deleted:
            if change.post_ids is None:
                everything = True
            else:
                in_background |= change.post_ids
        elif change.of("publishing.PostVersion") and change.created:
            transaction.on_commit(
                functools.partial(format_version_citations.enqueue, change.pk), robust=True
            )
    if at_once:
        # After a commit this runs at once; delivered inside a transaction (a test's, or a
        # change made while another consumer wrote), it waits for that one to commit.
        transaction.on_commit(lambda: format_at_once(at_once), robust=True)
    if everything:
        reformat_in_background(None)
    elif in_background:
        reformat_in_background(sorted(in_background))


def format_at_once(post_ids) -> None:
    format_posts(list(Post.objects.with_byline().filter(pk__in=post_ids)), core_styles())


def posts_saved_in_batch(post_ids) -> None:
    """A bulk save (an import): DOIs as for single saves, the formatting for the worker."""
    if settings.MASTHEAD_DOI_PREFIX:
        for post in Post.objects.filter(pk__in=post_ids).select_related("blog"):
            register_doi_if_due(post)
    reformat_posts.enqueue(list(post_ids))


def register_doi_if_due(post: Post) -> None:
    """A public post gets its DOI (once), and its metadata is deposited after the commit.

    A post that only becomes public later by its schedule gets its DOI from
    `register_dois`, like posts published before the prefix was set.
    """
    if not (settings.MASTHEAD_DOI_PREFIX and post.is_public):
        return
    dois.assign(post)
    if dois.deposits_enabled():
        transaction.on_commit(lambda: deposit_post_doi.enqueue(post.pk), robust=True)


def reformat_in_background(post_ids: list[int] | None) -> None:
    """Queue re-formatting (``None``: every post).

    What changed (a name, an ORCID iD, a ROR id) may also be in deposited DOI
    metadata, so the same posts are checked for a new deposit.
    """
    if post_ids is not None and not post_ids:
        return
    transaction.on_commit(lambda: reformat_posts.enqueue(post_ids), robust=True)
    if dois.deposits_enabled():
        transaction.on_commit(lambda: deposit_changed_dois.enqueue(post_ids), robust=True)
