"""Wrong methods on every address: a 405 that says what the address accepts, never a 500."""

import pytest
from django.test import Client

from .conftest import anonymous_client, assert_readable_refusal, text_of

pytestmark = pytest.mark.django_db

POST = "/energy/batteries-alone"
READ_ONLY = [
    "/",
    "/energy/",
    f"{POST}/",
    f"{POST}/cite/",
    f"{POST}/cite.bib",
    f"{POST}/cite.ris",
    f"{POST}/cite.json",
    f"{POST}.pdf",
    "/cite/styles.json",
    "/authors/ada-okafor/",
    "/authors/ada-okafor/feed/",
    "/topics/grid-storage/",
    "/archive/",
    "/archive/2026/01/",
    "/feed/",
    "/energy/feed/",
    "/feed/rss/",
    "/energy/feed/json/",
    "/topics/grid-storage/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/comments/1/reply/1/",
]
SEND_ONLY = ["/comments/1/"]
MODERATION_SEND_ONLY = [
    "/moderation/1/decide/",
    "/moderation/1/reject-commenter/",
    "/moderation/bulk/",
]
MODERATION_READ_ONLY = ["/moderation/", "/moderation/log/"]
MODERATION_FORMS = ["/moderation/rules/", "/moderation/commenter/"]


def wrong_method_cases():
    for address in READ_ONLY + MODERATION_READ_ONLY:
        for method in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            yield address, method
    for address in SEND_ONLY + MODERATION_SEND_ONLY:
        for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS"):
            yield address, method
    for address in ["/comments/status/some-token/", *MODERATION_FORMS]:
        for method in ("PUT", "PATCH", "DELETE"):
            yield address, method
    # Django's login view takes PUT as a form sending, a normal page; others are refused.
    for method in ("PATCH", "DELETE"):
        yield "/admin/login/", method


@pytest.mark.parametrize(("address", "method"), list(wrong_method_cases()))
def test_a_wrong_method_is_refused_with_a_page_naming_the_accepted_ones(
    site, moderator, address, method
):
    client = anonymous_client()
    if address.startswith("/moderation/"):
        # Signed in as a moderator, so the moderation pages answer on their merits.
        client.force_login(moderator)
    response = client.generic(method, address)
    assert response.status_code == 405, (address, method)
    assert response["Allow"]
    assert_readable_refusal(response, (address, method))
    assert f"not {method}" in text_of(response)


def test_an_unheard_of_method_is_refused_readably(site):
    response = anonymous_client().generic("BREW", "/energy/")
    assert response.status_code == 405
    assert "not BREW" in text_of(response)


def test_a_head_request_is_answered_without_a_body(site):
    response = anonymous_client().head(f"{POST}/")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("address", ["/moderation/rules/", "/moderation/1/decide/"])
def test_a_moderation_form_without_its_csrf_token_is_refused_in_the_sites_look(
    site, moderator, address
):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(moderator)
    response = client.post(address, {"action": "approve", "max_links": "3"})
    assert response.status_code == 403
    assert "This form could not be accepted" in text_of(response)
    assert_readable_refusal(response, address)


def test_a_reader_who_is_not_a_moderator_is_told_so(site, editor):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("intern", "i@example.org", "x", is_staff=True)
    client = anonymous_client()
    client.force_login(staff)
    response = client.get("/moderation/")
    assert response.status_code == 403
    assert "You do not have permission" in text_of(response)
    assert_readable_refusal(response)


def test_a_request_for_another_host_is_refused_readably(site):
    response = anonymous_client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not read that request" in text_of(response)
    assert_readable_refusal(response)
