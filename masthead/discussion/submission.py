"""A reader's comment from form data to a pending row: one call, ``submit_comment``.

Everything a submission needs to know about the past (is the post public and
open, was this very form already received, has the sender written before, how
many comments did they send lately) is answered by one query. Rate limits are
counted from the comments table itself, so a refused submission stores nothing
and no cache eviction can reset a sender's count. The outcome says what
happened; turning it into a page is the view's business.
"""

import datetime
import enum
import functools
import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from masthead.client_limits import hash_ip
from masthead.discussion import abuse, aftermath
from masthead.discussion.models import Comment
from masthead.discussion.policy import comments_are_open
from masthead.publishing.models import Post

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    # This very form (same sender, text and form) was received before: nothing new is
    # stored, and the earlier comment's private link is not given out again.
    ALREADY_RECEIVED = "already received"
    NO_SUCH_POST = "no such post"
    CLOSED = "closed"
    REPLY_TARGET_GONE = "reply target gone"
    RATE_LIMITED = "rate limited"
    FORM_EXPIRED = "form expired"


@dataclass(frozen=True)
class Submission:
    """What the comment form carried, already validated and cleaned by ``CommentForm``."""

    post_id: int
    author_name: str
    email: str
    body: str
    notify_on_publish: bool
    started: str
    honeypot: str
    client_ip: str
    # The comment this one answers (any shown comment of the post; see ``Comment.answerable``).
    in_reply_to_id: int | None = None


@dataclass
class SubmissionResult:
    outcome: Outcome
    post: Post | None = None
    comment: Comment | None = None
    parent: Comment | None = None


def submission_key(submission: Submission, body: str, ip_hash: str) -> str:
    """The same form sent twice (double click, resend) gives the same key: one comment."""
    parts = [
        str(submission.post_id), str(submission.in_reply_to_id or ""), submission.email.lower(),
        body, ip_hash, submission.started,
    ]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@functools.cache
def _post_and_history_sql() -> str:
    """One statement for every question a submission asks: the post, and the sender's past.

    Written as SQL rather than built by the ORM on every request: composing and
    compiling the same annotated query (five subqueries) cost more than half of a
    whole submission's time, far more than running it (see the profile printed by
    ``bench/comment_intake.py --profile``). Table and column names come from the
    models, every value is a parameter, and each subquery is served by an index
    (submission_key, email, body_fingerprint, (ip_hash, created_at)).
    """
    comments = connection.ops.quote_name(Comment._meta.db_table)
    posts = connection.ops.quote_name(Post._meta.db_table)

    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    c = functools.partial(column, Comment)
    p = functools.partial(column, Post)
    # Names come from the models, every value is bound: nothing a reader sends is in here.
    return (
        f"SELECT {p('id')}, {p('blog')}, {p('comments_open')}, {p('publish_at')}, "  # noqa: S608
        f"EXISTS(SELECT 1 FROM {comments} WHERE {c('submission_key')} = %s"
        f" AND {c('post')} = %s) AS received_before, "
        f"EXISTS(SELECT 1 FROM {comments} WHERE {c('email')} = %s AND {c('email')} <> ''"
        f" AND {c('status')} = %s) AS known_commenter, "
        f"EXISTS(SELECT 1 FROM {comments} WHERE {c('body_fingerprint')} = %s) AS duplicate, "
        f"(SELECT COUNT(*) FROM {comments} WHERE {c('ip_hash')} = %s"
        f" AND {c('created_at')} >= %s) AS recent_from_ip, "
        f"(SELECT COUNT(*) FROM {comments} WHERE {c('email')} = %s"
        f" AND {c('created_at')} >= %s) AS recent_from_email "
        f"FROM {posts} WHERE {p('id')} = %s AND {p('status')} IN (%s, %s)"
        f" AND {p('publish_at')} <= %s"
    )


@dataclass(frozen=True)
class SenderHistory:
    """What the store knows of this sender and this very form (see ``post_with_sender_history``)."""

    received_before: bool
    known_commenter: bool
    duplicate: bool
    recent_from_ip: int
    recent_from_email: int


@functools.cache
def _publish_at_converters() -> list:
    """The backend's own converters for the post's ``publish_at`` as read by a cursor
    (SQLite hands back text; every backend applies the time zone setting)."""
    field = Post._meta.get_field("publish_at")
    column = field.get_col(Post._meta.db_table)
    return connection.ops.get_db_converters(column) + field.get_db_converters(connection)


def post_with_sender_history(comment: Comment, post_id: int) -> tuple[Post, SenderHistory] | None:
    """The public post ``post_id`` (only what deciding needs) and the sender's past.

    None when no such post is public. The history: ``received_before`` (this
    very form), ``known_commenter`` (an approved comment from this address),
    ``duplicate`` (the same text anywhere), ``recent_from_ip`` and
    ``recent_from_email`` (comments within the rate window).

    Read with a plain cursor: a raw queryset would cost twice the query itself in
    column mapping and model building, for four fields and five numbers.
    """
    if not 0 < post_id < 2**63:
        # No id column holds it (the ORM would have said "no match"; SQL drivers raise).
        return None
    now = timezone.now()
    since = now - datetime.timedelta(seconds=settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS)
    as_stored = connection.ops.adapt_datetimefield_value
    params = [
        comment.submission_key, post_id,
        comment.email, Comment.Status.APPROVED,
        comment.body_fingerprint,
        comment.ip_hash, as_stored(since),
        comment.email, as_stored(since),
        post_id, *Post.GOING_PUBLIC, as_stored(now),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_post_and_history_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    (pk, blog_id, comments_open, publish_at, received_before, known_commenter, duplicate,
     recent_from_ip, recent_from_email) = row  # fmt: skip
    for convert in _publish_at_converters():
        publish_at = convert(publish_at, None, connection)
    # As the ORM loads a row: the other fields are deferred and load when first read.
    loaded = {"id": pk, "blog_id": blog_id, "comments_open": bool(comments_open),
              "publish_at": publish_at}  # fmt: skip
    # from_db takes the values in the model's field order, whatever order the names say.
    names = [f.attname for f in Post._meta.concrete_fields if f.attname in loaded]
    post = Post.from_db(connection.alias, names, [loaded[name] for name in names])
    history = SenderHistory(
        received_before=bool(received_before),
        known_commenter=bool(known_commenter),
        duplicate=bool(duplicate),
        recent_from_ip=int(recent_from_ip),
        recent_from_email=int(recent_from_email),
    )
    return post, history


def _whole(post: Post) -> Post:
    """The post with every field and its blog, for the pages that explain a refusal."""
    return Post.objects.select_related("blog").get(pk=post.pk)


def submit_comment(submission: Submission) -> SubmissionResult:
    token = abuse.read_form_token(submission.started)
    ip_hash = hash_ip(submission.client_ip)
    comment = Comment(
        post_id=submission.post_id,
        author_name=submission.author_name,
        email=submission.email,
        notify_on_publish=submission.notify_on_publish,
        ip_hash=ip_hash,
    )
    comment.set_text(submission.body)
    comment.email = comment.email.strip().lower()
    comment.submission_key = submission_key(submission, comment.body, ip_hash)

    looked_up = post_with_sender_history(comment, submission.post_id)
    if looked_up is None:
        return SubmissionResult(Outcome.NO_SUCH_POST)
    found, history = looked_up
    if not comments_are_open(found):
        return SubmissionResult(Outcome.CLOSED, _whole(found))
    if token.expired:
        return SubmissionResult(Outcome.FORM_EXPIRED, _whole(found))

    # The rate limit comes before anything that tells the sender about stored comments.
    this_one = 0 if history.received_before else 1
    rate = abuse.RateCount(
        per_ip=history.recent_from_ip + this_one, per_email=history.recent_from_email + this_one
    )
    if rate.exceeded:
        return SubmissionResult(Outcome.RATE_LIMITED, _whole(found))
    if history.received_before:
        return SubmissionResult(Outcome.ALREADY_RECEIVED, _whole(found))

    if submission.in_reply_to_id:
        # A reply to a reply joins the thread of the comment it answers (one level deep)
        # and remembers which one it answered. Only checked when a reply is sent: a plain
        # comment, the common case, costs no query more.
        answered = Comment.objects.answerable(found, submission.in_reply_to_id)
        if answered is None:
            return SubmissionResult(Outcome.REPLY_TARGET_GONE, _whole(found))
        comment.in_reply_to = answered
        comment.parent = answered.parent or answered

    comment.post = found
    comment.flags = abuse.flags_for(
        body=comment.body,
        html=comment.body_html,
        known_commenter=history.known_commenter,
        duplicate=history.duplicate,
        rate=rate,
        seconds_to_submit=token.seconds_ago,
        honeypot=submission.honeypot,
    )
    # One INSERT in autocommit, not a transaction of its own: the comment is a single row,
    # and SQLite then holds its write lock only while the statement runs. In a transaction
    # (ours begin IMMEDIATE) the lock was held through the ORM's Python work too, while
    # the other writers slept in SQLite's busy handler: intake ran 20-25 % slower side by
    # side (bench/comment_intake.py). Called inside someone's transaction, a savepoint
    # keeps a twin's IntegrityError from spoiling it.
    written_alone = transaction.atomic() if connection.in_atomic_block else nullcontext()
    saved_announced = True
    try:
        with written_alone:
            comment.save()
    except IntegrityError:
        # A twin of this submission (a double click) committed first.
        return SubmissionResult(Outcome.ALREADY_RECEIVED, _whole(found))
    except Exception:
        # The answer depends only on whether the row is stored: in autocommit the INSERT
        # has committed before the model's own receivers run, and one of them failed.
        if not aftermath.is_stored(comment):
            raise
        logger.exception("Comment %s is stored, but a receiver of its save failed", comment.pk)
        saved_announced = False
    # Everything that follows the stored row waits for the commit and cannot change the
    # answer: failures are logged and tried again by the worker (see ``aftermath``).
    transaction.on_commit(
        lambda: aftermath.announce_submitted(comment, saved_too=not saved_announced), robust=True
    )
    # The post as loaded for deciding: its other fields load when first read.
    return SubmissionResult(Outcome.ACCEPTED, found, comment, comment.parent)
