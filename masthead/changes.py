"""The one account of what a change to public content sets off.

Which models are public content is written here once (``PUBLIC``, and every
other model in ``PRIVATE``), and so is who follows their changes: the apps
that keep something derived from them register a consumer in their
``AppConfig.ready`` (``register``). The connection runs one way: this module
listens to the models' signals (by label, importing no app), and the apps
register with it; no app connects to another app's model signals for this.

The consumers today, in the order they run (that of ``INSTALLED_APPS``):

- ``fragment version`` (``publishing.fragment_version``): the database row that
  cached fragments of public pages are keyed on;
- ``public pictures`` (``publishing.media``): a post that is public now gets its
  pictures moved from the private root to the public one;
- ``references`` (``citations.consumer``): formatted references and DOIs;
- ``search`` (``search.consumer``): the posts' search documents;
- ``static output`` (``static_site.consumer``): the files ``publish_static`` keeps;
- ``mail`` (``newsletter.sending``): a post going public (now or scheduled) gets its
  mailing, queued for its publish time;
- ``page version`` (``pagecache.consumer``): the file or Redis key that whole
  stored pages for anonymous readers are keyed on.

A change is delivered after the transaction that made it commits
(``transaction.on_commit``), all of one transaction's changes at once, so an
import of thousands of rows moves each version once and indexes its posts in
one go. A consumer that fails is logged and the others still run: the save
that made the change has committed and is never turned into an error by it.
What a change touches that can only be known before it happens (the posts of
a topic about to be deleted) is worked out when the signal is sent.

Writes that bypass the model signals (``bulk_create``, ``QuerySet.update``,
raw SQL) announce themselves with ``content_changed()``.
"""

import contextlib
import dataclasses
import functools
import logging
import threading
import weakref
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Change:
    """One change of public content, as its consumers are told of it.

    ``post_ids``: the posts whose pages, documents or references it touches;
    ``None`` when it touches every post (the institution). ``bulk``: the posts
    of an import's batch, announced together (``posts_in_batches``).
    """

    label: str | None  # "publishing.Post"; None for a write announced by content_changed()
    pk: object = None
    instance: object = None
    deleted: bool = False
    created: bool = False
    raw: bool = False
    post_ids: frozenset | None = frozenset()
    bulk: bool = False

    def of(self, *labels: str) -> bool:
        return self.label in labels


def _own(instance) -> frozenset:
    return frozenset([instance.pk])


def _parent(instance) -> frozenset:
    return frozenset([instance.post_id])


def _related(attribute: str) -> Callable:
    def post_ids(instance) -> frozenset:
        if instance.pk is None:
            return frozenset()
        return frozenset(getattr(instance, attribute).values_list("post_id", flat=True))

    return post_ids


def _topic_posts(topic) -> frozenset:
    if topic.pk is None:
        return frozenset()
    return frozenset(topic.posts.values_list("pk", flat=True))


def _blog_posts(blog) -> frozenset:
    return frozenset(blog.posts.values_list("pk", flat=True)) if blog.pk else frozenset()


def _comment_is_shown(comment) -> bool:
    # Only a comment readers see changes a page. A new comment awaits moderation and
    # changes nothing; a decision that shows or hides one recounts its thread, saved too.
    return comment.status == "approved"


@dataclasses.dataclass(frozen=True)
class Public:
    """How a public model's change is described: which posts it touches, and when it counts."""

    post_ids: Callable
    counts: Callable = lambda instance: True  # noqa: E731
    # Part of one post, deferred inside an import's batch and announced with it.
    part_of_post: bool = False


# Every model whose save or delete can change a public page, feed, export, API answer,
# search result or reference. The topics of a post (its many-to-many table) are
# followed through ``m2m_changed``.
PUBLIC: dict[str, Public] = {
    "publishing.Institution": Public(lambda _institution: None),
    "publishing.Blog": Public(_blog_posts),
    "publishing.Author": Public(_related("bylines")),
    "publishing.Topic": Public(_topic_posts),
    "publishing.Post": Public(_own, part_of_post=True),
    "publishing.Post_topics": Public(_parent, part_of_post=True),
    "publishing.PostAuthor": Public(_parent, part_of_post=True),
    "publishing.PostVersion": Public(_parent),
    "citations.SentenceCaseTitle": Public(_parent, part_of_post=True),
    "citations.FormattedCitation": Public(_parent),
    "citations.PrintedPost": Public(_parent),
    "citations.PostDoi": Public(_parent),
    "citations.VersionCitation": Public(lambda row: frozenset([row.version.post_id])),
    "discussion.Thread": Public(_parent),
    "discussion.Comment": Public(_parent, counts=_comment_is_shown),
    # A standing page is in every page's menus and in the comment form's guidelines link:
    # its change touches every post's page. Its old addresses answer redirects.
    "pages.Page": Public(lambda _page: None),
    "pages.OldAddress": Public(lambda _address: frozenset()),
    # An earlier version is saved with its page's substantive update (which touches all).
    "pages.PageVersion": Public(lambda _version: None),
}

# Every other model, and why its changes show nowhere public.
PRIVATE: dict[str, str] = {
    "admin.LogEntry": "the admin's own history",
    "auth.Permission": "accounts",
    "auth.Group": "accounts",
    "auth.Group_permissions": "accounts",
    "auth.User": "accounts (a byline names an Author, not a user)",
    "auth.User_groups": "accounts",
    "auth.User_user_permissions": "accounts",
    "contenttypes.ContentType": "Django's bookkeeping",
    "sessions.Session": "sign-ins",
    "axes.AccessAttempt": "sign-in lockout",
    "axes.AccessAttemptExpiration": "sign-in lockout",
    "axes.AccessFailureLog": "sign-in lockout",
    "axes.AccessLog": "sign-in lockout",
    "django_tasks_database.DBTaskResult": "the background work queue",
    "publishing.HistoricalPost": "saved versions, read in the admin and the desk only",
    "pages.HistoricalPage": "saved versions of standing pages, read in the admin only",
    "publishing.BodyImage": "rendered into the body when its post is saved: that save counts",
    "pages.PageImage": "rendered into the body when its page is saved: that save counts",
    "publishing.PostTransition": "the workflow's log, for editors",
    "publishing.PreviewLink": "links for unpublished drafts",
    "publishing.PostAutosave": "the desk's unsaved text",
    "desk.NewPostKey": "which desk page made which new draft (a doubled first save makes one)",
    "publishing.ContentVersion": "the fragment version itself (a consumer's own row)",
    "discussion.ModerationDecision": "the moderators' log",
    "discussion.ModerationRules": "moderation settings",
    "discussion.SentMail": "mail already sent",
    "importers.ImportedAuthor": "where an import came from",
    "importers.ImportedPost": "where an import came from",
    "importers.ImportedComment": "where an import came from",
    "importers.ImportedAttachment": "where an import came from",
    "importers.ImportedDocument": (
        "where an import came from: the copy of a linked document; the posts linking it "
        "are what changes"
    ),
    "importers.ImportedDisqusComment": "where an import came from",
    "importers.ImportedWordFile": "where an import came from (a second import is noticed)",
    "search.SearchDocument": "derived (the search consumer's own rows; it announces them)",
    "search.SearchWord": "derived (the search consumer's own rows)",
    "static_site.StaticChange": "derived (the static consumer's own rows)",
    "citations.StyleRequest": "a reader's count of style requests (a budget)",
    "newsletter.Subscriber": "a reader's subscription (private; the form is the same for all)",
    "newsletter.Subscriber_blogs": "what a subscriber follows",
    "newsletter.Subscriber_authors": "what a subscriber follows",
    "newsletter.Subscriber_topics": "what a subscriber follows",
    "newsletter.Suppression": "addresses mail must not reach",
    "newsletter.ConfirmationMail": "the log of confirmation mails (one a day per address)",
    "newsletter.ClientBudget": "a client's count of subscribe forms (a budget)",
    "newsletter.BlogMailSettings": "how a blog's mail is written (not shown on a page)",
    "newsletter.Mailing": "a post's mailing, for editors and the worker",
    "newsletter.Delivery": "one mail's record, for the worker",
}


# ---- Consumers ---------------------------------------------------------------------

_consumers: dict[str, Callable[[list[Change]], None]] = {}


def register(name: str, consumer: Callable[[list[Change]], None]) -> None:
    """Have ``consumer(changes)`` called once after each commit that changed public content."""
    _consumers[name] = consumer


def consumers() -> dict[str, Callable[[list[Change]], None]]:
    return dict(_consumers)


def deliver(changes: list[Change]) -> None:
    """Tell every consumer; one that fails is logged, and the next still runs."""
    for name, consumer in list(_consumers.items()):
        try:
            consumer(changes)
        except Exception:
            logger.exception("The %s consumer failed on %d change(s)", name, len(changes))


# ---- Collecting one transaction's changes ------------------------------------------


class _Pending:
    """The changes noted in the transaction in progress, each with the hook it registered.

    Every change registers an ``on_commit`` hook of its own, so Django forgets the hook
    exactly when the change is undone (its savepoint rolled back). Only a weak
    reference to the hook is kept here: a forgotten hook is gone at once, and with it
    the change. The first hook to run after the commit delivers every change whose
    hook is still there, all at once; the other hooks find nothing left.
    """

    def __init__(self):
        self.entries: list[tuple[weakref.ref, Change]] = []

    def deliver(self) -> None:
        entries, self.entries = self.entries, []
        committed = [change for hook, change in entries if hook() is not None]
        if committed:
            deliver(committed)


def _in_transaction(connection) -> bool:
    return connection.in_atomic_block


def note(change: Change) -> None:
    """Deliver this change once the current transaction commits (at once outside one)."""
    connection = transaction.get_connection()
    if not _in_transaction(connection):
        deliver([change])
        return
    pending = getattr(connection, "masthead_pending_changes", None)
    if pending is None:
        pending = connection.masthead_pending_changes = _Pending()
    hook = functools.partial(_Pending.deliver, pending)
    pending.entries.append((weakref.ref(hook), change))
    transaction.on_commit(hook, robust=True)


def content_changed() -> None:
    """Say that some public page, feed or API answer may now read differently."""
    note(Change(label=None, post_ids=frozenset()))


# ---- Import batches ----------------------------------------------------------------

_batch = threading.local()


@contextlib.contextmanager
def posts_in_batches():
    """Changes to posts' own parts inside are announced once per batch (``flush``).

    An import of thousands of posts would otherwise describe each post several
    times (the post, its byline rows, its topics). On an error the noted posts
    are dropped with the transaction the caller rolls back.
    """
    if getattr(_batch, "post_ids", None) is not None:
        yield  # already batching: the outer block flushes
        return
    _batch.post_ids = set()
    try:
        yield
        flush()
    finally:
        _batch.post_ids = None


def flush() -> None:
    """Announce the posts noted since the last flush as one bulk change."""
    waiting = getattr(_batch, "post_ids", None)
    if not waiting:
        return
    post_ids = frozenset(waiting)
    waiting.clear()
    note(Change(label="publishing.Post", post_ids=post_ids, bulk=True))


def _batched(post_ids) -> bool:
    waiting = getattr(_batch, "post_ids", None)
    if waiting is None or not post_ids:
        return False
    waiting.update(post_ids)
    return True


# ---- Listening to the models -------------------------------------------------------

UID = "masthead.changes"


def _changed(sender, instance, *, deleted: bool, created=False, raw=False, **kwargs):
    label = sender._meta.label
    public = PUBLIC[label]
    if not public.counts(instance):
        return
    known = getattr(instance, "_masthead_posts_before_delete", None)
    post_ids = known if known is not None else public.post_ids(instance)
    if public.part_of_post and not raw and _batched(post_ids):
        return
    note(Change(label, instance.pk, instance, deleted, created, raw, post_ids))


def _saved(sender, instance, created=False, raw=False, **kwargs):
    _changed(sender, instance, deleted=False, created=created, raw=raw)


def _deleting(sender, instance, **kwargs):
    # Which posts a row touches may be known only before it goes (a topic's posts).
    instance._masthead_posts_before_delete = PUBLIC[sender._meta.label].post_ids(instance)


def _deleted(sender, instance, origin=None, **kwargs):
    _changed(sender, instance, deleted=True)


def _topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # topic.posts.clear(): which posts lose the topic is known only before.
        instance._masthead_posts_losing_topic = _topic_posts(instance)
        return
    if not action.startswith("post_"):
        return
    if not reverse:
        post_ids = frozenset([instance.pk])
    elif action == "post_clear":
        post_ids = getattr(instance, "_masthead_posts_losing_topic", frozenset())
    else:
        post_ids = frozenset(pk_set or ())
    if not reverse and _batched(post_ids):
        return
    note(Change(sender._meta.label, None, instance, post_ids=post_ids))


def connect() -> None:
    """Listen to every public model (called once, from publishing's ``ready``)."""
    for label in PUBLIC:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app left out of INSTALLED_APPS: nothing of it to follow
        if model._meta.auto_created:
            m2m_changed.connect(_topics_changed, sender=model, dispatch_uid=f"{UID}.{label}")
            continue
        post_save.connect(_saved, sender=model, dispatch_uid=f"{UID}.saved.{label}")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"{UID}.deleting.{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{UID}.deleted.{label}")


def posts_touched(changes: Iterable[Change]) -> set[int] | None:
    """Every post these changes touch; None when one of them touches every post."""
    touched: set[int] = set()
    for change in changes:
        if change.post_ids is None:
            return None
        touched |= change.post_ids
    return touched
