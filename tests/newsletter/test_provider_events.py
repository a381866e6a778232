"""A provider's bounce and complaint events, posted over real HTTP to the running site.

The events are shaped as Mailgun sends them and signed with the webhook key as
Mailgun signs them; django-anymail checks the signature and normalises the event.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

import pytest

from masthead.newsletter.models import Subscriber, Suppression

from .conftest import reader

SIGNING_KEY = "key-for-tests-only"
BASIC = base64.b64encode(b"masthead:webhook-secret").decode()

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
                        "WEBHOOK_SECRET": "masthead:webhook-secret"}  # fmt: skip


def mailgun_event(event: str, recipient: str, *, key=SIGNING_KEY, **data) -> bytes:
    timestamp, token = str(int(time.time())), hashlib.sha256(recipient.encode()).hexdigest()
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return json.dumps({
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {"event": event, "recipient": recipient, "timestamp": time.time(),
                       "id": token[:20], **data},
    }).encode()  # fmt: skip


def post_event(live_server, body: bytes, auth=BASIC) -> int:
    request = urllib.request.Request(
        f"{live_server.url}/newsletter/events/mailgun/tracking/", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Basic {auth}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_permanent_bounce_event_suppresses_the_address_with_the_servers_words(live_server, blog):
    reader("gone@example.org", blogs=[blog])
    body = mailgun_event("failed", "gone@example.org", severity="permanent",
                         **{"delivery-status": {"message": "550 5.1.1 User unknown",
                                                "description": "No such user"}})  # fmt: skip
    assert post_event(live_server, body) == 200
    suppression = Suppression.of("gone@example.org")
    assert suppression.reason == Suppression.Reason.BOUNCED
    assert "Mailgun" in suppression.detail and "No such user" in suppression.detail
    assert not Subscriber.objects.get(email="gone@example.org").is_receiving


def test_a_complaint_suppresses_the_address(live_server, blog):
    reader("angry@example.org", blogs=[blog])
    assert post_event(live_server, mailgun_event("complained", "angry@example.org")) == 200
    assert Suppression.of("angry@example.org").reason == Suppression.Reason.COMPLAINED
    assert not Subscriber.objects.get(email="angry@example.org").is_receiving


def test_a_temporary_failure_event_suppresses_nobody(live_server, blog):
    reader("full@example.org", blogs=[blog])
    body = mailgun_event("failed", "full@example.org", severity="temporary")
    assert post_event(live_server, body) == 200
    assert Suppression.of("full@example.org") is None


def test_an_event_with_a_forged_signature_or_no_secret_changes_nothing(live_server, blog):
    reader("rosa@example.org", blogs=[blog])
    forged = mailgun_event("complained", "rosa@example.org", key="guessed")
    assert post_event(live_server, forged) == 400
    wrong_secret = base64.b64encode(b"masthead:guess").decode()
    genuine = mailgun_event("complained", "rosa@example.org")
    assert post_event(live_server, genuine, auth=wrong_secret) == 400
    assert Suppression.of("rosa@example.org") is None
    assert Subscriber.objects.get(email="rosa@example.org").is_receiving


def test_a_provider_without_its_signing_key_is_answered_404_and_logged_not_500(
    live_server, blog, settings, caplog
):
    settings.ANYMAIL = {}  # the site does not use Mailgun (or not yet)
    reader("rosa@example.org", blogs=[blog])
    with caplog.at_level("ERROR", logger="masthead.newsletter.webhooks"):
        status = post_event(live_server, mailgun_event("complained", "rosa@example.org"))
    assert status == 404
    logged = [record.getMessage() for record in caplog.records]
    assert any("/newsletter/events/mailgun/tracking/" in line and "not configured" in line
               for line in logged)  # fmt: skip
    assert Suppression.of("rosa@example.org") is None
    assert Subscriber.objects.get(email="rosa@example.org").is_receiving
