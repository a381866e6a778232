"""Versions and corrections of standing pages, as posts have them: a substantive update keeps
what readers saw at an address of its own; a draft is previewed only by those who may
change pages, and never stored for anyone else."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from masthead.pages.models import Page, PageVersion
from masthead.static_site.writer import StaticSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy(institution):
    page = Page.objects.create(
        title="Privacy", slug="privacy", status=Page.Status.PUBLISHED,
        body="We keep commenters' addresses for **ten years**.",
    )  # fmt: skip
    return page


def correct(page, body, note, *, days_later=1):
    page.body = body
    page.updated_at = timezone.now() + datetime.timedelta(days=days_later)
    page.correction_note = note
    page.save()
    return page


def test_a_substantive_update_keeps_what_readers_saw_at_its_own_address(client, privacy):
    correct(privacy, "We keep commenters' addresses for **two years**.", "The period was wrong.")
    current = client.get("/privacy/").content.decode()
    assert "two years" in current and "ten years" not in current
    assert "The period was wrong." in current
    assert 'href="/privacy/versions/1/"' in current  # the correction links the earlier text

    earlier = client.get("/privacy/versions/1/")
    text = earlier.content.decode()
    assert earlier.status_code == 200
    assert "<strong>ten years</strong>" in text and "two years" not in text
    assert "an earlier version of this page" in text
    assert 'href="/privacy/">read the current version</a>' in text
    assert '<meta name="robots" content="noindex">' in text
    assert earlier["X-Robots-Tag"] == "noindex"
    assert client.get("/privacy/versions/2/").status_code == 404


def test_each_correction_keeps_one_version_with_the_note_it_was_published_with(client, privacy):
    correct(privacy, "Two years.", "The period was wrong.", days_later=1)
    correct(privacy, "Two years, then erased.", "Erasure added.", days_later=2)
    assert list(privacy.versions.values_list("number", "update_note")) == [
        (1, ""),
        (2, "The period was wrong."),
    ]
    second = client.get("/privacy/versions/2/").content.decode()
    assert "Two years." in second and "The period was wrong." in second
    current = client.get("/privacy/").content.decode()
    assert "2 updates since first publication" in current


def test_a_typo_fix_keeps_no_version(client, privacy):
    privacy.body = "We keep commenters' addresses for **ten years**, no more."
    privacy.save()
    assert not privacy.versions.exists()
    assert "since first publication" not in client.get("/privacy/").content.decode()


def test_a_draft_keeps_no_version_its_words_were_never_public(institution):
    draft = Page.objects.create(title="Plans", slug="plans", body="First draft.")
    correct(draft, "Second draft.", "Reworded.")
    assert not PageVersion.objects.exists()


def test_a_version_of_a_page_taken_down_is_gone_for_readers(client, privacy):
    correct(privacy, "Two years.", "The period was wrong.")
    privacy.status = Page.Status.DRAFT
    privacy.save()
    for _ in range(2):
        assert client.get("/privacy/versions/1/").status_code == 404
        assert client.get("/privacy/").status_code == 404


def test_versions_are_written_by_static_output_and_left_out_of_the_sitemap(
    client, privacy, tmp_path, settings
):
    correct(privacy, "Two years.", "The period was wrong.")
    settings.STATIC_ROOT = tmp_path / "collected"
    folder = tmp_path / "site"
    call_command("publish_static", str(folder), "--once")
    written = (folder / "privacy" / "versions" / "1" / "index.html").read_bytes()
    assert b"<strong>ten years</strong>" in written
    assert written == client.get("/privacy/versions/1/").content
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/privacy/" in sitemap and "/versions/" not in sitemap

    privacy.status = Page.Status.DRAFT
    privacy.save()
    StaticSite(folder).publish_subjects([f"page:{privacy.pk}"])
    assert not (folder / "privacy" / "versions" / "1" / "index.html").exists()


def staff_member(name, group):
    user = get_user_model().objects.create_user(name, password="a long enough pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_an_administrator_previews_a_draft_marked_as_such_and_it_is_never_stored(
    client, institution
):
    Page.objects.create(title="Plans", slug="plans", body="Unannounced work.")
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a long pw")
    client.force_login(admin)
    preview = client.get("/plans/")
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Unannounced work." in text and "Preview — not public" in text
    assert '<meta name="robots" content="noindex">' in text
    assert preview["Cache-Control"] == "private, no-store"
    assert "Cookie" in preview["Vary"]
    client.logout()
    assert client.get("/plans/").status_code == 404
    assert client.get("/plans/").status_code == 404  # and not a stored preview either


def test_staff_without_the_right_to_change_pages_see_no_draft(client, institution):
    Page.objects.create(title="Plans", slug="plans", body="Unannounced work.")
    client.force_login(staff_member("wren", "Writers"))
    assert client.get("/plans/").status_code == 404


def test_a_public_page_is_the_same_for_an_editor_as_for_everyone(client, privacy):
    anonymous = client.get("/privacy/")
    client.force_login(staff_member("ines", "Editors"))
    signed_in = client.get("/privacy/")
    assert "Preview" not in signed_in.content.decode()
    assert "private" not in signed_in.get("Cache-Control", "")
    assert anonymous.status_code == signed_in.status_code == 200


def test_static_output_never_writes_a_draft_page(client, institution, tmp_path, settings):
    Page.objects.create(title="Plans", slug="plans", body="Unannounced work.")
    settings.STATIC_ROOT = tmp_path / "collected"
    folder = tmp_path / "site"
    call_command("publish_static", str(folder), "--once")
    assert not (folder / "plans").exists()
    assert b"Unannounced" not in b"".join(path.read_bytes() for path in folder.rglob("*.html"))


def test_a_version_and_a_draft_preview_obey_the_content_security_policy(client, privacy):
    from tests.security.test_pages_under_the_policy import assert_obeys_policy

    correct(privacy, "Two years.", "The period was wrong.")
    Page.objects.create(title="Plans", slug="plans", body="Unannounced work.")
    assert_obeys_policy(client.get("/privacy/"))
    assert_obeys_policy(client.get("/privacy/versions/1/"))
    client.force_login(staff_member("ines", "Editors"))
    preview = client.get("/plans/")
    assert preview.status_code == 200
    assert_obeys_policy(preview)


def test_the_page_form_in_the_admin_links_the_earlier_versions(client, privacy):
    correct(privacy, "Two years.", "The period was wrong.")
    client.force_login(staff_member("ines", "Editors"))
    form = client.get(f"/admin/pages/page/{privacy.pk}/change/").content.decode()
    assert '<a href="/privacy/versions/1/">Version 1</a>, replaced' in form
