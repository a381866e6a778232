"""Content changes, recorded for a running ``publish_static`` in the same transaction.

Each handler names the subject of the change only; which files that touches is
worked out by the watcher (``masthead.static_site.pages``) when it reads the
record, against the database as it is then. Changes made without signals
(``QuerySet.update()``, raw SQL) are not seen here: the watcher's periodic full
pass catches them.
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from masthead.citations.models import (
    FormattedCitation,
    PostDoi,
    PrintedPost,
    SentenceCaseTitle,
    VersionCitation,
)
from masthead.discussion.models import Comment, Thread
from masthead.publishing.models import (
    Author,
    Blog,
    Institution,
    Post,
    PostAuthor,
    PostVersion,
    Topic,
)


def record(subject: str | None) -> None:
    if subject is None or not settings.MASTHEAD_STATIC_PUBLISHING:
        return
    from masthead.static_site.models import StaticChange

    StaticChange.objects.create(subject=subject)


def comment_is_shown(comment) -> bool:
    return comment.status == Comment.Status.APPROVED


# (model, the subject its change records, None when nothing public changed). "post"
# re-renders the post and every listing it is on; "cite" and "comments" only the
# post's own pages.
SUBJECTS = (
    (Post, lambda post: f"post:{post.pk}"),
    (PostAuthor, lambda link: f"post:{link.post_id}"),
    (PostVersion, lambda version: f"cite:{version.post_id}"),
    (Blog, lambda blog: f"blog:{blog.pk}"),
    (Author, lambda author: f"author:{author.pk}"),
    (Topic, lambda topic: f"topic:{topic.pk}"),
    (Institution, lambda _institution: "site"),
    # Only a comment readers see changes a page. A new comment awaits moderation and
    # changes none; a decision that shows or hides one recounts its thread (below).
    (Comment, lambda c: f"comments:{c.post_id}" if comment_is_shown(c) else None),
    (Thread, lambda thread: f"comments:{thread.post_id}"),
    (FormattedCitation, lambda row: f"cite:{row.post_id}"),
    (PrintedPost, lambda row: f"cite:{row.post_id}"),
    (PostDoi, lambda row: f"cite:{row.post_id}"),
    (SentenceCaseTitle, lambda row: f"cite:{row.post_id}"),
    (VersionCitation, lambda row: f"cite:{row.version.post_id}"),
)


def connect() -> None:
    for model, subject_of in SUBJECTS:

        def on_change(sender, instance, subject_of=subject_of, **kwargs):
            record(subject_of(instance))

        uid = f"static_site:{model._meta.label}"
        post_save.connect(on_change, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(on_change, sender=model, weak=False, dispatch_uid=uid + ":delete")
    m2m_changed.connect(
        on_topics_changed, sender=Post.topics.through, dispatch_uid="static_site:topics"
    )


def on_topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        record(f"post:{instance.pk}")
    elif action == "post_clear":
        record(f"topic:{instance.pk}")
    else:
        for post_id in pk_set or ():
            record(f"post:{post_id}")
