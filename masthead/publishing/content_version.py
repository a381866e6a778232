"""The site's content version: read once per request, changed by every edit a reader could see.

Fragments of public pages (the navigation, a post's article and references)
are cached under this version. It changes inside the same transaction as the
edit, so a reader who sees the new content also sees the new version; a
reader that read the old version first can only store a fragment under a key
nobody will ask for again. Models of higher apps (citations) are connected by
those apps; bulk writes, which send no model signals, announce themselves with
``masthead.changes.content_changed()``, which moves this version on too.

The anonymous page cache (``masthead.pagecache``) keeps a version of its own,
for whole pages: it is read in the event loop before Django is involved, where a
database query would cost a thread, so it lives in a file or in Redis instead.
"""

import functools
import secrets

from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save

from masthead.changes import public_content_changed
from masthead.publishing import batches
from masthead.publishing.models import (
    Author,
    Blog,
    ContentVersion,
    Institution,
    Post,
    PostAuthor,
    PostVersion,
    Topic,
)

_REQUEST_ATTRIBUTE = "_masthead_content_version"


def content_version(request=None) -> int:
    """The current token; with a request, read once and kept for the rest of it."""
    if request is not None and hasattr(request, _REQUEST_ATTRIBUTE):
        return getattr(request, _REQUEST_ATTRIBUTE)
    connection = connections[router.db_for_read(ContentVersion)]
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), [ContentVersion.ROW])
        row = cursor.fetchone()
    token = (row[0] if row else None) or 0
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, token)
    return token


@functools.cache
def _token_sql(vendor: str) -> str:
    """The one statement every public page runs first, written once rather than composed
    by the ORM on each request (composing it cost ten times running it). Names come
    from the model; the row's id is a parameter."""
    connection = connections[router.db_for_read(ContentVersion)]
    quote = connection.ops.quote_name
    table = quote(ContentVersion._meta.db_table)
    token = quote(ContentVersion._meta.get_field("token").column)
    key = quote(ContentVersion._meta.pk.column)
    return f"SELECT {token} FROM {table} WHERE {key} = %s"  # noqa: S608


def new_content_version(**kwargs) -> None:
    """A new token, so that no fragment cached before this change is read again."""
    token = secrets.randbits(62) + 1
    if not ContentVersion.objects.filter(pk=ContentVersion.ROW).update(token=token):
        ContentVersion.objects.update_or_create(pk=ContentVersion.ROW, defaults={"token": token})


# What a public page shows from publishing: any save or delete of these changes it.
SHOWN_MODELS = (Institution, Blog, Author, Topic, Post, PostAuthor, PostVersion)


def connect_signals(models=SHOWN_MODELS, uid="publishing") -> None:
    for model in models:
        name = f"{uid}-{model.__name__}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"content-version-save-{name}")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"content-version-delete-{name}")
    if uid == "publishing":
        m2m_changed.connect(
            _topics_changed, sender=Post.topics.through, dispatch_uid="content-version-topics"
        )
        batches.posts_saved_in_batch.connect(_saved, dispatch_uid="content-version-batch")
        public_content_changed.connect(
            new_content_version, dispatch_uid="content-version-announced"
        )


def _saved(sender, instance=None, **kwargs):
    if _deferred(instance):
        return
    new_content_version()


def _topics_changed(sender, action, instance=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not _deferred(instance):
        new_content_version()


def _deferred(instance) -> bool:
    """Inside an import's batch, a post's change moves the version on once, at the flush."""
    post_id = instance.pk if isinstance(instance, Post) else getattr(instance, "post_id", None)
    return post_id is not None and batches.defer([post_id])
