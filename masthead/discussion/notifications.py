"""Mail about comments, sent in the background through the tasks API (django-tasks).

Two kinds: a digest telling moderators that comments await them, and a note
telling a commenter who asked that their comment is published. Only approved
text ever leaves the site: the digest carries counts and links, never the
pending comments' words or names. Every address gets at most
``MASTHEAD_MAILS_PER_ADDRESS_PER_DAY`` mails in 24 hours.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from masthead import caching
from masthead.discussion.models import Comment, SentMail
from masthead.discussion.roles import MODERATORS_GROUP

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    return settings.MASTHEAD_SITE_URL.rstrip("/") + path


def send_capped(recipient: str, subject: str, body: str, kind: str) -> bool:
    """Send unless this address already had its daily share; True when sent."""
    recipient = recipient.lower()
    with transaction.atomic():
        if SentMail.sent_today(recipient) >= settings.MASTHEAD_MAILS_PER_ADDRESS_PER_DAY:
            logger.info("Daily mail cap reached for one address; %s mail not sent", kind)
            return False
        SentMail.objects.create(recipient=recipient, kind=kind)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    return True


# --- what the discussion announces (connected in DiscussionConfig.ready) ---------------
def on_comment_approved(sender, comment: Comment, **kwargs) -> None:
    if comment.notify_on_publish and not comment.notified_at:
        schedule_publication_notice(comment)


def on_comment_submitted(sender, comment: Comment, **kwargs) -> None:
    schedule_moderator_digest()


# --- the commenter's "published" note ------------------------------------------------
def schedule_publication_notice(comment: Comment) -> None:
    """Queue the note once the approving transaction has committed."""
    transaction.on_commit(lambda: notify_commenter_published.enqueue(comment.pk))


@task()
def notify_commenter_published(comment_id: int) -> bool:
    comment = Comment.objects.select_related("post__blog").filter(pk=comment_id).first()
    # Checked again here: the comment may have been rejected or erased since.
    if (
        comment is None
        or comment.status != Comment.Status.APPROVED
        or comment.is_erased
        or not comment.notify_on_publish
        or comment.notified_at
    ):
        return False
    post_url = site_url(comment.post.get_absolute_url()) + f"#comment-{comment.pk}"
    body = render_to_string(
        "discussion/email/published.txt", {"comment": comment, "post_url": post_url}
    )
    sent = send_capped(
        comment.email, f"Your comment on “{comment.post.title}” is published", body, "published"
    )
    if sent:
        Comment.objects.filter(pk=comment.pk).update(notified_at=timezone.now())
    return sent


# --- the moderators' digest ------------------------------------------------------------
def schedule_moderator_digest() -> None:
    """Ask for a digest in a while; comments arriving meanwhile join the same digest."""
    minutes = settings.MASTHEAD_MODERATION_DIGEST_MINUTES
    if minutes <= 0:
        return
    # One scheduled digest per interval is enough; the digest itself finds all new comments.
    # With the cache down none is scheduled: the next comment after it is back schedules
    # one, which counts every comment since the last digest (the queue shows them anyway).
    if not caching.add("discussion:digest-scheduled", True, timeout=minutes * 60):
        return
    digest = send_moderator_digest
    if digest.get_backend().supports_defer:
        digest = digest.using(run_after=timezone.now() + datetime.timedelta(minutes=minutes))
    transaction.on_commit(digest.enqueue)


def moderators_to_mail():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(groups__name=MODERATORS_GROUP).distinct()


@task()
def send_moderator_digest() -> int:
    """Mail each moderator how many comments await, per post; returns mails sent."""
    last = SentMail.objects.filter(kind="digest").order_by("-sent_at").first()
    since = last.sent_at if last else timezone.now() - datetime.timedelta(days=1)
    new_pending = Comment.objects.pending().filter(created_at__gt=since)
    if not new_pending.exists():
        return 0
    per_post = (
        new_pending.values("post__title")
        .annotate(count=Count("pk"))
        .order_by("-count", "post__title")
    )
    context = {
        "new_count": sum(row["count"] for row in per_post),
        "pending_count": Comment.objects.pending().count(),
        "per_post": per_post,
        "queue_url": site_url(reverse("discussion:queue")),
    }
    body = render_to_string("discussion/email/digest.txt", context)
    subject = f"{context['new_count']} new comments await moderation"
    return sum(send_capped(user.email, subject, body, "digest") for user in moderators_to_mail())
