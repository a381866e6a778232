"""Bounces and complaints reported by a mail provider, through django-anymail's webhooks.

Anymail checks each provider's signature (and its shared basic-auth secret) before
it sends the normalised event here; a forged post never reaches this receiver.
"""

import functools
import logging

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseNotFound
from django.urls import URLPattern

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


def answer_404_until_configured(view):
    """A provider's webhook that answers 404 (and logs why) while it has no signing key.

    Anymail refuses to build a webhook view whose provider settings are missing
    (ImproperlyConfigured), which would be a 500 on every post the provider makes. A
    site that does not use that provider (or not yet) says plainly that nothing is here.
    """

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ImproperlyConfigured as error:
            logger.error("A provider posted to %s, which is not configured: %s",
                         request.path, error)  # fmt: skip
            return HttpResponseNotFound(
                "This mail provider's webhook is not configured on this site.\n",
                content_type="text/plain; charset=utf-8",
            )

    return guarded


def provider_urlpatterns() -> list:
    """Anymail's webhook addresses, each answering 404 until its provider is configured."""
    from anymail import urls

    return [
        URLPattern(
            pattern.pattern,
            answer_404_until_configured(pattern.callback),
            pattern.default_args,
            pattern.name,
        )  # fmt: skip
        for pattern in urls.urlpatterns
    ]
