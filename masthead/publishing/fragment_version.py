"""The fragment version: read once per request, changed after every edit a reader could see.

Fragments of public pages (the navigation, a post's article and references)
are cached under this version, a row in the database. ``masthead.changes``
tells it of every committed change to public content. A reader that read the
old version and the old content before the change committed can only store a
fragment under a key nobody asks for once the version has moved on.

The anonymous page cache keeps the *page version* (``masthead.pagecache.version``)
for whole pages: it is read in the event loop before Django is involved, where a
database query would cost a thread, so it lives in a file or in Redis instead.
Both move on together, after each commit that changed public content.
"""

import functools
import secrets

from django.db import connections, router

from masthead.publishing.models import ContentVersion

_REQUEST_ATTRIBUTE = "_masthead_fragment_version"


def fragment_version(request=None) -> int:
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


def new_fragment_version(**kwargs) -> None:
    """A new token, so that no fragment cached before this change is read again."""
    token = secrets.randbits(62) + 1
    if not ContentVersion.objects.filter(pk=ContentVersion.ROW).update(token=token):
        ContentVersion.objects.update_or_create(pk=ContentVersion.ROW, defaults={"token": token})


def changes_committed(changes) -> None:
    """The consumer ``masthead.changes`` calls: any public change makes a new version."""
    new_fragment_version()
