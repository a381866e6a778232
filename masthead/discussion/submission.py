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
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from masthead.client_limits import hash_ip
from masthead.discussion import abuse
from masthead.discussion.models import Comment
from masthead.discussion.policy import comments_are_open
from masthead.discussion.signals import comment_submitted
from masthead.publishing.models import Post


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
    parent_id: int | None = None


@dataclass
class SubmissionResult:
    outcome: Outcome
    post: Post | None = None
    comment: Comment | None = None
    parent: Comment | None = None


def submission_key(submission: Submission, body: str, ip_hash: str) -> str:
    """The same form sent twice (double click, resend) gives the same key: one comment."""
    parts = [
        str(submission.post_id), str(submission.parent_id or ""), submission.email.lower(),
        body, ip_hash, submission.started,
    ]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _recent_count(since, **sender) -> Coalesce:
    """How many comments this sender stored since ``since`` (0 when none)."""
    field = next(iter(sender))
    rows = (
        Comment.objects.filter(created_at__gte=since, **sender)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows), 0)


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

    since = timezone.now() - datetime.timedelta(
        seconds=settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS
    )
    post = (
        Post.objects.public()
        .select_related("blog")
        .annotate(
            received_before=Exists(
                Comment.objects.filter(submission_key=comment.submission_key, post=OuterRef("pk"))
            ),
            known_commenter=Exists(
                Comment.objects.approved().filter(email=comment.email).exclude(email="")
            ),
            duplicate=Exists(Comment.objects.filter(body_fingerprint=comment.body_fingerprint)),
            recent_from_ip=_recent_count(since, ip_hash=ip_hash),
            recent_from_email=_recent_count(since, email=comment.email),
        )
        .filter(pk=submission.post_id)
        .first()
    )
    if post is None:
        return SubmissionResult(Outcome.NO_SUCH_POST)
    if not comments_are_open(post):
        return SubmissionResult(Outcome.CLOSED, post)
    if token.expired:
        return SubmissionResult(Outcome.FORM_EXPIRED, post)

    # The rate limit comes before anything that tells the sender about stored comments.
    this_one = 0 if post.received_before else 1
    rate = abuse.RateCount(
        per_ip=post.recent_from_ip + this_one, per_email=post.recent_from_email + this_one
    )
    if rate.exceeded:
        return SubmissionResult(Outcome.RATE_LIMITED, post)
    if post.received_before:
        return SubmissionResult(Outcome.ALREADY_RECEIVED, post)

    if submission.parent_id:
        comment.parent = Comment.objects.reply_target(post, submission.parent_id)
        if comment.parent is None:
            return SubmissionResult(Outcome.REPLY_TARGET_GONE, post)

    comment.post = post
    comment.flags = abuse.flags_for(
        body=comment.body,
        known_commenter=post.known_commenter,
        duplicate=post.duplicate,
        rate=rate,
        seconds_to_submit=token.seconds_ago,
        honeypot=submission.honeypot,
    )
    try:
        with transaction.atomic():
            comment.save()
            comment_submitted.send(sender=Comment, comment=comment)
    except IntegrityError:
        # A twin of this submission (a double click) committed first.
        return SubmissionResult(Outcome.ALREADY_RECEIVED, post)
    return SubmissionResult(Outcome.ACCEPTED, post, comment, comment.parent)
