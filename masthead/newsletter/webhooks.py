"""Bounces and complaints reported by a mail provider, through django-anymail's webhooks.

Anymail checks each provider's signature (and its shared basic-auth secret) before
it sends the normalised event here; a forged post never reaches this receiver.
"""

import logging

from masthead.newsletter.models import Suppression

logger = logging.getLogger(__name__)

SUPPRESSING = {
    "bounced": Suppression.Reason.BOUNCED,
    "rejected": Suppression.Reason.BOUNCED,
    "complained": Suppression.Reason.COMPLAINED,
    "unsubscribed": Suppression.Reason.UNSUBSCRIBED,
}


def on_tracking_event(sender, event, esp_name, **kwargs) -> None:
    reason = SUPPRESSING.get(event.event_type)
    if reason is None or not event.recipient:
        return  # delivered, opened … : nothing to do (and nothing is tracked)
    detail = f"{esp_name}: {event.event_type}"
    if event.description or event.mta_response:
        detail += f" ({event.description or event.mta_response})"
    Suppression.add(event.recipient, reason, detail)
    if reason == Suppression.Reason.UNSUBSCRIBED:
        from masthead.newsletter.models import Subscriber, normalise_email

        for subscriber in Subscriber.objects.filter(email=normalise_email(event.recipient),
                                                    left_at__isnull=True):  # fmt: skip
            subscriber.leave()
    logger.info(
        "Newsletter address suppressed after a %s event from %s", event.event_type, esp_name
    )
