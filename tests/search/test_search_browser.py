"""Search in Debian's Chromium: the header box, suggestions as you type, and results."""

import pytest

from tests.browser import launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def open_page(monkeypatch):
    """A page in a Chromium of this test's own (see the discussion's browser tests for why)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield lambda **options: chromium.new_context(**options).new_page()


def test_typing_in_the_header_box_offers_matching_titles_and_enter_searches(
    open_page, live_server, archive
):
    page = open_page()
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(live_server.url + "/")
    page.get_by_role("combobox", name="Search").press_sequentially("budg", delay=30)
    option = page.locator("#site-search-suggestions option")
    option.first.wait_for(state="attached")
    assert option.first.get_attribute("value") == "The Budget Line That Decides the Grid"
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=budg")
    assert page.locator("h1").inner_text() == "Search results for “budg”"
    assert not [text for text in refusals if "Content Security Policy" in text]


def test_without_javascript_the_header_box_still_searches(open_page, live_server, archive):
    page = open_page(java_script_enabled=False)
    page.goto(live_server.url + "/energy/")
    page.fill("#site-search-q", "Tomas")
    page.click(".site-search button")
    page.wait_for_url("**/search/?q=Tomas")
    assert page.locator(".search-count").inner_text() == "2 posts found."
    assert set(page.locator(".post-card__title").all_inner_texts()) == {
        "La transition énergétique des villes",
        "Energía solar en Andalucía",
    }
