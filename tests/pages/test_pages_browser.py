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
