"""The headers every response carries, and the stricter Referrer-Policy of private pages."""

import pytest

from masthead.discussion.models import Comment

PAGES = ["/", "/energy/batteries-alone/", "/energy/batteries-alone/cite/", "/admin/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_forbids_sniffing_framing_and_cross_site_referrers(client, furnished_post, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # Not no-referrer: browsers then send "Origin: null" with our own forms, which the
    # comment form's same-site check refuses. This keeps the Origin and hides paths
    # from other sites.
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_static_files_are_not_sniffed_either(client, furnished_post):
    response = client.get("/static/citations/cite.js")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_commenters_private_page_keeps_its_address_from_other_sites(client, furnished_post):
    response = client.get(Comment.objects.get(author_name="Omar").get_status_url())
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
