"""The Cite dialog in Debian's Chromium: keyboard, focus, style chooser, copy; and no-JS."""

import pytest

from masthead.citations.formatting import core_styles, format_posts
from masthead.publishing.models import Post
from tests.browser import launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def post_url(live_server, published_post):
    format_posts([Post.objects.with_byline().get(pk=published_post.pk)], core_styles())
    return live_server.url + published_post.get_absolute_url()


@pytest.fixture
def browser(monkeypatch, post_url):
    # Playwright's sync API keeps an event loop in this thread; the database
    # work above is done, and teardown's flush runs from here too.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield chromium


def focus_is_in_dialog(page) -> bool:
    return page.evaluate("document.activeElement.closest('dialog') !== null")


def test_the_cite_dialog_traps_focus_switches_style_copies_and_closes_on_escape(browser, post_url):
    context = browser.new_context()
    origin = post_url.split("/energy/")[0]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.goto(post_url)
    cite = page.get_by_role("link", name="Cite")
    cite.focus()
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name="Cite this post")
    dialog.wait_for(state="visible")
    assert page.url == post_url  # the link was taken over, not followed
    assert focus_is_in_dialog(page)
    for _ in range(25):  # more Tab presses than there are controls
        page.keyboard.press("Tab")
        assert focus_is_in_dialog(page)
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert focus_is_in_dialog(page)

    mla = dialog.locator("[data-cite-reference='modern-language-association']")
    apa = dialog.locator("[data-cite-reference='apa']")
    assert mla.is_visible() and not apa.is_visible()
    dialog.get_by_label("APA").check()
    assert apa.is_visible() and not mla.is_visible()
    assert apa.locator("em", has_text="Energy Desk").count() == 1

    dialog.get_by_role("button", name="Copy reference").click()
    dialog.get_by_role("status").filter(has_text="Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Okafor, A., & van der Berg, B. (")
    assert copied == apa.locator("[data-cite-entry]").get_attribute("data-plain-text")

    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.textContent") == "Cite"
    context.close()


def test_without_javascript_cite_opens_the_cite_page(browser, post_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(post_url)
    page.get_by_role("link", name="Cite").click()
    page.wait_for_url("**/cite/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cite “Batteries")
    assert page.get_by_role("heading", name="APA", exact=True).is_visible()
    context.close()
