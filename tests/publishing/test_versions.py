"""Corrections are part of the record: each substantive update keeps the version it replaced."""

import datetime

import pytest
from django.utils import timezone

from masthead.publishing.models import Post, PostVersion


def correct(post, *, body=None, title=None, note, when=None):
    """An editor's substantive update, as the admin's "substantive update" box saves it."""
    post = Post.objects.get(pk=post.pk)
    if body is not None:
        post.body = body
    if title is not None:
        post.title = title
    post.updated_at = when or timezone.now()
    post.correction_note = note
    post.save()
    return post


def test_a_substantive_update_keeps_the_text_readers_saw_before(published_post):
    original_body = published_post.body
    correct(published_post, body="Storage shifts power in time.", note="Fixed a figure.")
    [version] = PostVersion.objects.filter(post=published_post)
    assert version.number == 1
    assert version.body == original_body
    assert version.title == published_post.title
    assert version.update_note == ""
    assert version.published_at == published_post.publish_at


def test_a_typo_fix_keeps_no_version(published_post):
    post = Post.objects.get(pk=published_post.pk)
    post.body += " (typo fixed)"
    post.save()
    assert not PostVersion.objects.exists()


def test_editing_a_draft_keeps_no_version(draft_post):
    correct(draft_post, body="Rewritten before anyone read it.", note="Not a correction.")
    assert not PostVersion.objects.exists()


def test_the_post_lists_its_corrections_in_order_with_links_to_what_they_replaced(
    client, published_post
):
    first = timezone.now() - datetime.timedelta(days=2)
    correct(published_post, body="Second text.", note="Corrected the 2024 figure.", when=first)
    correct(published_post, body="Third text.", note="Added the regulator's reply.")
    page = client.get("/energy/batteries-alone/").content.decode()
    page = page[page.index('<details class="post__corrections">') :]
    assert "2 updates since first publication" in page
    one = page.index("Corrected the 2024 figure.")
    two = page.index("Added the regulator&#x27;s reply.")
    assert one < two
    assert page.index('href="/energy/batteries-alone/versions/1/"') < two
    assert 'href="/energy/batteries-alone/versions/2/"' in page[two:]


def test_an_earlier_version_is_readable_at_its_own_address_marked_noindex_with_a_banner(
    client, published_post
):
    original = published_post.body_html
    correct(published_post, body="Corrected text.", title="A Better Title", note="Retitled.")
    response = client.get("/energy/batteries-alone/versions/1/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    page = response.content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert "This is version 1 of this post" in page
    assert 'href="/energy/batteries-alone/">read the current version</a>' in page
    assert "Batteries Will Not Save the Grid Alone" in page  # the title it had then
    assert original in page
    assert "Corrected text." not in page


def test_a_version_that_does_not_exist_is_not_found(client, published_post):
    correct(published_post, body="Corrected.", note="Fix.")
    assert client.get("/energy/batteries-alone/versions/2/").status_code == 404
    assert client.get("/energy/batteries-alone/versions/0/").status_code == 404


@pytest.mark.django_db
def test_earlier_versions_of_a_draft_are_not_public(client, published_post):
    correct(published_post, body="Corrected.", note="Fix.")
    Post.objects.filter(pk=published_post.pk).update(status=Post.Status.DRAFT)
    assert client.get("/energy/batteries-alone/versions/1/").status_code == 404
