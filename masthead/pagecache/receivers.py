"""What moves the content version on: every save or delete that can change a public answer.

The simplest rule that is correct: one version for the whole site, moved on by
any change to what readers see. The apps do not know about this cache; it
listens to their models' signals, and to ``masthead.changes.content_changed``
for writes that bypass them (bulk inserts of formatted references, the search
index). A new comment awaiting moderation changes nothing public and moves
nothing; its approval does (the thread's counts are saved with it).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from masthead.changes import public_content_changed
from masthead.citations.models import PostDoi, SentenceCaseTitle
from masthead.discussion.models import Comment, Thread
from masthead.pagecache.version import content_version
from masthead.publishing.models import (
    Author,
    Blog,
    Institution,
    Post,
    PostAuthor,
    PostVersion,
    Topic,
)

# Models whose every save and delete can change a public page, feed, export or API answer.
PUBLIC_MODELS = (Institution, Blog, Author, Topic, Post, PostAuthor, PostVersion,
                 SentenceCaseTitle, PostDoi, Thread)  # fmt: skip
UID = "masthead.pagecache"


def _publish_after_commit() -> None:
    connection = transaction.get_connection()
    if getattr(connection, "page_cache_change_pending", False):
        connection.page_cache_change_pending = False
        content_version.publish_change()


def content_changed(**kwargs) -> None:
    """Move this process's version on now, and the shared one once the change commits.

    Inside a transaction, other processes must not see the new version before the
    new data, or they would store pages made from the old data under it. One
    shared move per commit however many rows changed: an import saves thousands.
    """
    content_version.note_local_change()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        connection.page_cache_change_pending = True
        transaction.on_commit(_publish_after_commit, robust=True)
    else:
        content_version.publish_change()


def model_changed(sender, **kwargs) -> None:
    content_changed()


def comment_saved(sender, instance, **kwargs) -> None:
    # A decision recounts the thread (saved, so seen above); this catches any other
    # save of a comment readers see, such as a correction of its text.
    if instance.status == Comment.Status.APPROVED:
        content_changed()


def topics_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        content_changed()


def connect() -> None:
    for model in PUBLIC_MODELS:
        name = model._meta.label
        post_save.connect(model_changed, sender=model, dispatch_uid=f"{UID}.saved.{name}")
        post_delete.connect(model_changed, sender=model, dispatch_uid=f"{UID}.deleted.{name}")
    post_save.connect(comment_saved, sender=Comment, dispatch_uid=f"{UID}.comment_saved")
    post_delete.connect(model_changed, sender=Comment, dispatch_uid=f"{UID}.comment_deleted")
    m2m_changed.connect(topics_changed, sender=Post.topics.through, dispatch_uid=f"{UID}.topics")
    public_content_changed.connect(model_changed, dispatch_uid=f"{UID}.announced")
