"""Re-format a post's references whenever what they are made from changes.

The work runs once the editor's transaction has committed, so the byline and
the sentence-case title saved by the admin's inlines are already in place. A
post's own save formats its references at once (the editor sees them on the
next page); a save that can touch many posts (the institution, a blog, an
author) queues the work for the background worker instead.
"""

import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from masthead.citations import dois
from masthead.citations.formatting import core_styles, format_posts
from masthead.citations.models import SentenceCaseTitle
from masthead.citations.tasks import (
    deposit_changed_dois,
    deposit_post_doi,
    format_version_citations,
    reformat_posts,
)
from masthead.publishing import batches
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, PostVersion

_waiting = threading.local()


def _flush() -> None:
    """Format every post waiting in this thread; later flushes in the same commit find none."""
    ids = getattr(_waiting, "post_ids", set())
    _waiting.post_ids = set()
    if ids:
        format_posts(list(Post.objects.with_byline().filter(pk__in=ids)), core_styles())


def reformat_later(post_ids) -> None:
    """Re-format these posts once the current transaction commits.

    An admin save touches the post, its byline rows and the sentence-case
    title; each fires a signal, and the first flush formats them all at once.
    """
    ids = set(post_ids)
    if not ids:
        return
    _waiting.post_ids = getattr(_waiting, "post_ids", set()) | ids
    # robust: an engine failure is logged; it must not turn the editor's save into an error.
    transaction.on_commit(_flush, robust=True)


@receiver(post_save, sender=Post)
def post_saved(sender, instance, raw=False, **kwargs):
    if not raw and not batches.defer([instance.pk]):
        register_doi_if_due(instance)
        reformat_later([instance.pk])


@receiver(batches.posts_saved_in_batch)
def posts_saved_in_batch(sender, post_ids, **kwargs):
    """A bulk save (an import): DOIs as for single saves, the formatting for the worker.

    The task is stored in the same transaction as the posts, so it exists exactly
    when they do; formatting thousands of posts is no work for the import to wait on.
    """
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


@receiver([post_save, post_delete], sender=PostAuthor)
def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw and not batches.defer([instance.post_id]):
        reformat_later([instance.post_id])


@receiver([post_save, post_delete], sender=SentenceCaseTitle)
def sentence_case_title_changed(sender, instance, raw=False, **kwargs):
    if not raw and not batches.defer([instance.post_id]):
        reformat_later([instance.post_id])


def reformat_in_background(post_ids: list[int] | None) -> None:
    """Queue re-formatting once the save commits (``None``: every post).

    What changed (a name, an ORCID iD, a ROR id) may also be in deposited DOI
    metadata, so the same posts are checked for a new deposit.
    """
    if post_ids is not None and not post_ids:
        return
    transaction.on_commit(lambda: reformat_posts.enqueue(post_ids), robust=True)
    if dois.deposits_enabled():
        transaction.on_commit(lambda: deposit_changed_dois.enqueue(post_ids), robust=True)


@receiver(post_save, sender=Author)
def author_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ids = PostAuthor.objects.filter(author=instance).values_list("post_id", flat=True)
        reformat_in_background(sorted(set(ids)))


@receiver(post_save, sender=Blog)
def blog_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_in_background(
            list(Post.objects.filter(blog=instance).values_list("pk", flat=True))
        )


@receiver(post_save, sender=Institution)
def institution_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_in_background(None)


@receiver(post_save, sender=PostVersion)
def version_kept(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        transaction.on_commit(lambda: format_version_citations.enqueue(instance.pk), robust=True)
