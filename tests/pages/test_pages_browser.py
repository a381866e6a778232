"""The demo's standing pages in Chromium, on a phone and on a desktop: nothing wider
than the window, the menus in the header and footer, the trail back to the parent."""

import pytest

from masthead.server.sample.loader import SAMPLE_DIR, load_sample_pages
from tests.browser import launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_about_page_and_its_child_fit_the_window_with_their_menus(
    live_server, width, monkeypatch
):
    # The ORM is used while Playwright's event loop runs in this thread (as the other
    # browser tests do).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from masthead.publishing.models import Institution

    Institution.objects.create(name="Harbour Institute for Public Affairs", short_name="Harbour")
    load_sample_pages(SAMPLE_DIR / "pages")
    with launch_chromium() as chromium:
        page = chromium.new_page(viewport={"width": width, "height": 800})
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(f"{live_server.url}/about/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        header_link = page.locator('.site-header .page-menu a[aria-current="page"]')
        assert header_link.inner_text() == "About"
        assert page.locator(".site-footer .page-menu a").all_inner_texts() == [
            "About", "Comment guidelines",
        ]  # fmt: skip
        page.locator(".standing-page__children a", has_text="Comment guidelines").click()
        page.wait_for_url("**/about/comment-guidelines/")
        assert page.locator("h1").inner_text() == "Comment guidelines"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator(".standing-page__trail a").click()
        page.wait_for_url("**/about/")
        assert errors == []


@pytest.mark.parametrize("width", [390, 1280])
def test_a_corrected_page_leads_to_its_earlier_version_and_an_editor_previews_a_draft(
    live_server, width, monkeypatch, tmp_path
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from masthead.pages.models import Page
    from masthead.publishing.models import Institution

    Institution.objects.create(name="Harbour Institute for Public Affairs", short_name="Harbour")
    privacy = Page.objects.create(
        title="Privacy", slug="privacy", status=Page.Status.PUBLISHED, in_footer_menu=True,
        body="We keep commenters' addresses for **ten years**.\n\n" + "Details. " * 60,
    )  # fmt: skip
    privacy.body = "We keep commenters' addresses for **two years**.\n\n" + "Details. " * 60
    privacy.updated_at = timezone.now() + datetime.timedelta(minutes=1)
    privacy.correction_note = "The period was wrong: it is two years, not ten."
    privacy.save()
    Page.objects.create(title="Plans for next year", slug="plans", body="Unannounced work.")
    get_user_model().objects.create_superuser("root", "root@example.org", "a long password")
    with launch_chromium() as chromium:
        page = chromium.new_page(viewport={"width": width, "height": 800})
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(f"{live_server.url}/privacy/")
        assert "The period was wrong" in page.locator(".standing-page__updated").inner_text()
        page.locator(".standing-page__corrections summary").click()
        page.screenshot(path=str(tmp_path / f"page-corrected-{width}.png"), full_page=True)
        page.locator(".standing-page__corrections a", has_text="version 1").click()
        page.wait_for_url("**/privacy/versions/1/")
        assert "earlier version of this page" in page.locator(".version-banner").inner_text()
        assert "ten years" in page.locator(".standing-page__body").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"page-version-{width}.png"), full_page=True)
        page.locator(".version-banner a").click()
        page.wait_for_url("**/privacy/")
        assert errors == []

        assert page.goto(f"{live_server.url}/plans/").status == 404
        errors.clear()  # the 404 just asked for
        page.goto(f"{live_server.url}/admin/login/?next=/plans/")
        page.fill("#id_username", "root")
        page.fill("#id_password", "a long password")
        page.click("input[type=submit]")
        page.wait_for_url("**/plans/")
        assert "Preview — not public" in page.locator(".standing-page__preview").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"page-draft-preview-{width}.png"), full_page=True)
        assert errors == []
