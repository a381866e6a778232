"""Re-format a post's references whenever what they are made from changes.

The work runs once the editor's transaction has committed, so the byline and
the sentence-case title saved by the admin's inlines are already in place.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from masthead.citations.models import SentenceCaseTitle
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor


class _Batch:
    """Posts to re-format when the current transaction commits: one engine run per save.

    An admin save touches the post, its byline rows and the sentence-case
    title; each fires a signal, and all of them join one batch.
    """

    def __init__(self):
        self.post_ids: set[int] = set()
        self.__qualname__ = "citation re-formatting"  # named in Django's error log

    def __call__(self):
        from masthead.citations.formatting import core_styles, format_posts

        posts = list(Post.objects.with_byline().filter(pk__in=self.post_ids))
        format_posts(posts, core_styles())


def reformat_later(post_ids) -> None:
    ids = set(post_ids)
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # A batch already waiting on this transaction (not one left by a rollback).
        waiting = [f for _, f, *_ in connection.run_on_commit if isinstance(f, _Batch)]
        if waiting:
            waiting[0].post_ids.update(ids)
            return
    batch = _Batch()
    batch.post_ids.update(ids)
    # robust: an engine failure is logged; it must not turn the editor's save into an error.
    transaction.on_commit(batch, robust=True)


@receiver(post_save, sender=Post)
def post_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_later([instance.pk])


@receiver([post_save, post_delete], sender=PostAuthor)
def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_later([instance.post_id])


@receiver([post_save, post_delete], sender=SentenceCaseTitle)
def sentence_case_title_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_later([instance.post_id])


@receiver(post_save, sender=Author)
def author_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_later(PostAuthor.objects.filter(author=instance).values_list("post_id", flat=True))


@receiver(post_save, sender=Blog)
def blog_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_later(Post.objects.filter(blog=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Institution)
def institution_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reformat_later(Post.objects.values_list("pk", flat=True))
