"""The discussion in Debian's Chromium: the form with JavaScript off, the queue by keyboard."""

import pytest
from django.contrib.auth import get_user_model

from masthead.discussion.models import Comment
from masthead.discussion.roles import ensure_moderators_group
from tests.browser import launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def open_page(monkeypatch):
    """Pages in their own browser contexts, in a Chromium of this test's own.

    Started after the database is set up and stopped before it is flushed: while
    Playwright's event loop runs, Django's teardown cannot see the serialized
    database contents and would flush the live-server test's data the wrong way.
    """
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield lambda **options: chromium.new_context(**options).new_page()


@pytest.fixture(autouse=True)
def allow_instant_submission(settings):
    settings.MASTHEAD_MODERATION_DIGEST_MINUTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_reader_without_javascript_posts_a_comment_and_is_told_it_awaits_moderation(
    open_page, live_server, published_post
):
    page = open_page(java_script_enabled=False)
    page.goto(live_server.url + published_post.get_absolute_url())
    assert not page.is_visible("input[name=website]")  # the honeypot stays out of sight
    page.fill("#id_author_name", "Rosa Delgado")
    page.fill("#id_email", "rosa@example.org")
    page.fill("#id_body", "Submitted from a real browser, no scripts.")
    page.click("text=Submit comment")
    assert page.locator("h1").inner_text() == "Your comment awaits moderation"
    assert "Submitted from a real browser, no scripts." in page.content()
    assert "/comments/status/" in page.url
    page.go_back()
    page.reload()
    assert "Submitted from a real browser" not in page.content()
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_the_form_shows_each_problem_beside_its_field(open_page, live_server, published_post):
    page = open_page(java_script_enabled=False)
    page.goto(live_server.url + published_post.get_absolute_url())
    page.fill("#id_author_name", "Rosa")
    page.fill("#id_email", "not-an-address")
    page.fill("#id_body", "Words worth keeping.")
    page.click("text=Submit comment")
    assert "does not look like an email address" in page.locator(".field--error").inner_text()
    assert page.input_value("#id_body") == "Words worth keeping."
    assert Comment.objects.count() == 0


def test_a_moderator_approves_with_the_keyboard(open_page, live_server, published_post, client):
    for number in range(2):
        comment = Comment(post=published_post, author_name=f"R{number}", email="r@example.org")
        comment.set_text(f"Queued comment {number}.")
        comment.save()
    moderator = get_user_model().objects.create_user("mod", "mod@example.org", "moderate it")
    moderator.is_staff = True
    moderator.save()
    moderator.groups.add(ensure_moderators_group())

    page = open_page()
    page.goto(live_server.url + "/admin/login/?next=/moderation/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", "moderate it")
    page.click("input[type=submit]")
    page.wait_for_selector("[data-queue-item]")
    page.keyboard.press("j")  # move to the second comment
    with page.expect_navigation():
        page.keyboard.press("a")
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses == {"Queued comment 0.": "pending", "Queued comment 1.": "approved"}
    with page.expect_navigation():
        page.keyboard.press("s")
    assert Comment.objects.get(body="Queued comment 0.").status == "spam"
    assert "Nothing awaits moderation." in page.content()


def test_a_reader_on_a_phone_answers_a_reply_without_javascript(
    open_page, live_server, published_post, tmp_path
):
    """At 390 px: the Reply link is there to tap, the reply page says whom it answers and
    fits the screen, and the reply sent keeps the comment it answers."""
    top = Comment(post=published_post, author_name="Tomasz Top", email="t@example.org")
    top.set_text("Storage is half the answer; " + "transmission " * 30)
    top.save()
    top.approve()
    rita = Comment(post=published_post, author_name="Rita Reply", email="r@example.org", parent=top)
    rita.set_text("And the other half is the grid.")
    rita.save()
    rita.approve()
    page = open_page(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page.goto(live_server.url + published_post.get_absolute_url() + f"#comment-{rita.pk}")
    link = page.locator(f"#comment-{rita.pk} .comment__reply a")
    # "Reply" to the eye; "Reply to Rita Reply" to a screen reader.
    assert " ".join(link.inner_text().split()) == "Reply to Rita Reply"
    assert link.is_visible()
    assert link.bounding_box()["height"] >= 16
    page.screenshot(path=str(tmp_path / "post-390.png"))
    link.click()
    assert "Replying to Rita Reply" in page.locator(".replying-to__head").inner_text()
    assert page.locator(".replying-to__cancel").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the reply page is {width} px wide on a 390 px screen"
    page.fill("#id_author_name", "Nia Answer")
    page.fill("#id_email", "nia@example.org")
    page.fill("#id_body", "Rita, the grid half is the slow half.")
    page.screenshot(path=str(tmp_path / "reply-390.png"), full_page=True)
    page.click("text=Submit reply")
    assert page.locator("h1").inner_text() == "Your comment awaits moderation"
    nia = Comment.objects.get(author_name="Nia Answer")
    assert (nia.in_reply_to_id, nia.parent_id) == (rita.pk, top.pk)
