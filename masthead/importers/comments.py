"""A comment brought from another system, written through the discussion's own methods."""

from masthead.discussion.models import Comment


def settle_imported_comment(comment: Comment, status: str, rejection_reason: str) -> None:
    """Store ``comment`` as pending, then take the decision it had elsewhere.

    The decision goes through the moderators' own methods, so the counts readers
    see and the moderation log stay right; what was held stays in the queue.
    """
    comment.save()
    if status == Comment.Status.APPROVED:
        comment.approve()
    elif status == Comment.Status.SPAM:
        comment.mark_spam()
    elif status == Comment.Status.REJECTED:
        comment.reject(reason=rejection_reason)
