"""A comment's whole life in Chromium on the real server: written, corrected, queued, approved."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import seed

pytestmark = pytest.mark.browser

POST_PATH = f"/{seed.BLOG_SLUG}/{seed.POST_SLUG}/"


def comment_count(page) -> int:
    heading = page.locator("#comments-heading").inner_text()
    match = re.fullmatch(r"(\d+) Comments?", heading.strip())
    assert match, f"unexpected discussion heading {heading!r}"
    return int(match.group(1))


def test_a_comment_is_corrected_queued_approved_by_keyboard_and_then_shown(new_context):
    reader = new_context().new_page()
    reader.goto(POST_PATH)
    count_before = comment_count(reader)
    text = "Walls also move the erosion next door; the neighbours pay for our defence."

    # First attempt: the email address is forgotten.
    reader.get_by_role("textbox", name="Name", exact=True).fill("Signe Larsen")
    reader.get_by_role("textbox", name="Comment", exact=True).fill(text)
    reader.get_by_role("button", name="Submit comment").click()
    email_field = reader.locator(".field", has=reader.locator("#id_email"))
    assert "Please give your email address" in email_field.inner_text()
    email = reader.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    # A screen reader announces the problem with the field, not just somewhere on the page.
    expect(email).to_have_accessible_description(re.compile("Please give your email address"))
    # Only the missing field is marked, and nothing typed is lost.
    assert reader.locator(".field--error").count() == 1
    assert reader.locator("#id_author_name").input_value() == "Signe Larsen"
    assert reader.locator("#id_body").input_value() == text

    reader.get_by_role("textbox", name="Email", exact=True).fill("signe@example.org")
    reader.get_by_role("button", name="Submit comment").click()
    assert reader.locator("h1").inner_text() == "Your comment awaits moderation"
    assert text in reader.inner_text("main")

    # Not public until a moderator says so.
    reader.goto(POST_PATH)
    assert text not in reader.inner_text("main")
    assert comment_count(reader) == count_before

    moderator = new_context().new_page()
    seed.log_in_as_moderator(moderator)
    ours = moderator.locator("[data-queue-item]", has_text=text)
    assert ours.count() == 1
    for _ in range(moderator.locator("[data-queue-item]").count()):
        if "is-current" in (ours.get_attribute("class") or ""):
            break
        moderator.keyboard.press("j")
    assert "is-current" in ours.get_attribute("class")
    with moderator.expect_navigation():
        moderator.keyboard.press("a")
    assert moderator.locator("[data-queue-item]", has_text=text).count() == 0

    reader.reload()
    assert comment_count(reader) == count_before + 1
    shown = reader.locator(".discussion article, .discussion li", has_text=text).first
    assert "Posted by Signe Larsen" in shown.inner_text()
    assert "signe@example.org" not in reader.content()


def test_a_commenter_changes_then_withdraws_a_pending_comment_through_the_private_link(reader):
    reader.goto(POST_PATH)
    reader.get_by_role("textbox", name="Name", exact=True).fill("Arvid Holm")
    reader.get_by_role("textbox", name="Email", exact=True).fill("arvid@example.org")
    reader.get_by_role("textbox", name="Comment", exact=True).fill("Dunes did the job for free.")
    reader.get_by_role("button", name="Submit comment").click()
    assert reader.locator("h1").inner_text() == "Your comment awaits moderation"

    reader.locator("textarea[name=body]").fill("Dunes did the job for free, and grew back.")
    reader.get_by_role("button", name="Save changes").click()
    assert "Your changes are saved" in reader.get_by_role("status").inner_text()
    assert "and grew back." in reader.locator(".comment--own").inner_text()

    reader.get_by_role("button", name="Withdraw my comment").click()
    assert reader.locator("h1").inner_text() == "Your comment is withdrawn"
    reader.goto(POST_PATH)
    assert "Dunes did the job" not in reader.inner_text("main")


def test_a_comment_whose_answer_was_lost_comes_back_on_reload_and_is_not_filed_twice(reader):
    """The comment reached the site but its answer was lost (a proxy timed out): the
    browser kept the text, and sending it again is recognised as the same comment."""
    text = "Managed retreat is cheaper than the third sea wall; the ledger says so."
    reader.goto(POST_PATH)
    reader.get_by_role("textbox", name="Name", exact=True).fill("Oona Brandt")
    reader.get_by_role("textbox", name="Email", exact=True).fill("oona@example.org")
    reader.get_by_role("textbox", name="Comment", exact=True).fill(text)

    def answer_lost_on_the_way(route):
        route.fetch()  # the site receives and stores the comment
        route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")

    reader.route("**/comments/*/", answer_lost_on_the_way)
    reader.get_by_role("button", name="Submit comment").click()
    assert reader.locator("h1").inner_text() == "502 Bad Gateway"
    reader.unroute("**/comments/*/")

    reader.goto(POST_PATH)
    assert reader.locator("#id_body").input_value() == text
    assert reader.locator("#id_author_name").input_value() == "Oona Brandt"
    reader.get_by_role("button", name="Submit comment").click()
    assert reader.locator("h1").inner_text() == "We already have this comment"

    # Confirmed: the browser forgets the draft.
    reader.goto(POST_PATH)
    assert reader.locator("#id_body").input_value() == ""


def test_a_draft_is_forgotten_once_the_site_confirms_the_comment(reader):
    reader.goto(POST_PATH)
    reader.get_by_role("textbox", name="Name", exact=True).fill("Pia Lund")
    reader.get_by_role("textbox", name="Email", exact=True).fill("pia@example.org")
    reader.get_by_role("textbox", name="Comment", exact=True).fill("Dunes need fences too.")
    reader.reload()
    assert reader.locator("#id_body").input_value() == "Dunes need fences too."
    reader.get_by_role("button", name="Submit comment").click()
    assert reader.locator("h1").inner_text() == "Your comment awaits moderation"
    reader.goto(POST_PATH)
    assert reader.locator("#id_body").input_value() == ""
