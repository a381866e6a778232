"""A subscriber's data in the privacy export and erasure (see ``masthead.personal_data``)."""

from masthead.newsletter.models import Subscriber, Suppression, normalise_email


def export_subscriber(email: str) -> dict:
    subscriber = (
        Subscriber.objects.filter(email=normalise_email(email))
        .prefetch_related("blogs", "authors", "topics")
        .first()
    )
    suppression = Suppression.of(email)
    if subscriber is None:
        return {"newsletter": None, "newsletter_suppression": _suppression(suppression)}
    deliveries = subscriber.deliveries.select_related("mailing__post").order_by("pk")
    return {
        "newsletter": {
            "email": subscriber.email,
            "subscribed_at": subscriber.created_at.isoformat(),
            "confirmed_at": subscriber.confirmed_at.isoformat()
            if subscriber.confirmed_at
            else None,
            "consent_source": subscriber.consent_source,
            "unsubscribed_at": subscriber.left_at.isoformat() if subscriber.left_at else None,
            "cadence": subscriber.get_cadence_display(),
            "follows_everything": subscriber.everything,
            "blogs": [blog.name for blog in subscriber.blogs.all()],
            "authors": [author.display_name for author in subscriber.authors.all()],
            "topics": [topic.name for topic in subscriber.topics.all()],
            "mails": [
                {
                    "mailing": str(delivery.mailing),
                    "status": delivery.get_status_display(),
                    "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
                    "why": delivery.reason,
                }
                for delivery in deliveries
            ],
        },
        "newsletter_suppression": _suppression(suppression),
    }


def _suppression(suppression) -> dict | None:
    if suppression is None:
        return None
    return {"reason": suppression.get_reason_display(), "since": suppression.created_at.isoformat()}


def erase_subscriber(email: str, by=None) -> None:
    """Delete the subscriber and every delivery record; a suppression stays, by hash only.

    Keeping the suppression means an erased address that once bounced or complained
    is still never mailed by a later import; it holds no address, only its keyed hash.
    """
    Subscriber.objects.filter(email=normalise_email(email)).delete()
