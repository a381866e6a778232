"""A commenter's rights: everything about them exported, or erased; and retention."""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead import personal_data
from masthead.discussion.models import Comment, ModerationDecision, SentMail


def export_commenter(email: str, by=None) -> dict:
    """Everything stored about the commenter with this email, as a JSON-ready document."""
    comments = Comment.objects.by_commenter(email).select_related("post")
    document = {
        "email": email.lower(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "post": comment.post.title,
                "post_url": comment.post.get_absolute_url(),
                "name": comment.author_name,
                "comment": comment.body,
                "status": comment.get_status_display(),
                "submitted_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
                "decided_at": comment.decided_at.isoformat() if comment.decided_at else None,
                "rejection_reason": comment.rejection_reason,
                "asked_to_be_notified": comment.notify_on_publish,
                "ip_address_hash": comment.ip_hash,
            }
            for comment in comments
        ],
        "mails_sent": [
            {"kind": mail.kind, "sent_at": mail.sent_at.isoformat()}
            for mail in SentMail.objects.filter(recipient=email.lower())
        ],
        # What other apps keep under this address (newsletter subscriptions).
        **personal_data.export(email),
    }
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:12]
    ModerationDecision.record(
        None, ModerationDecision.Action.EXPORT, by, f"commenter #{digest}, {len(comments)} comments"
    )
    return document


def erase_commenter(email: str, by=None) -> int:
    """Erase all of one commenter's comments and mail records; returns comments erased."""
    with transaction.atomic():
        comments = list(Comment.objects.by_commenter(email))
        for comment in comments:
            comment.erase(by=by, reason="Commenter's data erased on request")
        SentMail.objects.filter(recipient=email.lower()).delete()
        personal_data.erase(email, by=by)
    return len(comments)


def apply_retention(now=None) -> int:
    """Erase rejected and spam comments older than the retention period; off by default."""
    days = settings.MASTHEAD_COMMENT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    expired = Comment.objects.filter(
        status__in=[Comment.Status.REJECTED, Comment.Status.SPAM],
        decided_at__lt=cutoff,
        erased_at__isnull=True,
    )
    count = 0
    for comment in expired:
        comment.erase(reason=f"Retention: rejected or spam for over {days} days")
        count += 1
    return count
