"""The desk in Chromium: a writer writes beside the preview, an editor approves and schedules."""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from masthead.publishing.models import Post
from tests.browser import launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a long enough password"
# Screenshots of the editor for a person to look at: MASTHEAD_SCREENSHOTS=<folder>.
SCREENSHOTS = os.environ.get("MASTHEAD_SCREENSHOTS", "")


@pytest.fixture
def open_page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield lambda **options: chromium.new_context(**options).new_page()


def member(group, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(page, base, username, next_path):
    page.goto(f"{base}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def watch_policy_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return violations


def test_a_writer_submits_with_the_live_preview_and_an_editor_approves_and_schedules_it(
    open_page, live_server, draft_post, ada
):
    writer = member("Writers", "ada")
    ada.user = writer
    ada.save()
    member("Editors", "ines")
    change = f"/admin/publishing/post/{draft_post.pk}/change/"

    page = open_page(viewport={"width": 1280, "height": 900})
    violations = watch_policy_violations(page)
    sign_in(page, live_server.url, "ada", change)
    page.fill("#id_body", "## Where tariffs bite\n\nImporters pay *first*.")
    preview = page.locator(".editor-preview")
    preview.locator("h2", has_text="Where tariffs bite").wait_for()
    assert preview.locator("em").inner_text() == "first"
    assert "6 words · 1 min read" in page.locator(".editor-status").first.inner_text()
    # The toolbar writes Markdown: a footnote numbered and its note started at the end.
    page.focus("#id_body")
    page.keyboard.press("End")
    page.click(".editor-toolbar >> text=Footnote")
    page.keyboard.type("Customs data, 2025.")
    preview.locator("li#fn-1", has_text="Customs data, 2025.").wait_for()
    assert page.input_value("#id_body").endswith("*first*.[^1]\n\n[^1]: Customs data, 2025.")
    assert preview.is_visible() and page.locator("#id_body").is_visible()
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "editor-1280.png"), full_page=True)
    page.click("button[value=submit]")
    assert "is now in review" in page.locator(".messagelist").inner_text()
    assert violations == []

    narrow = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(narrow, live_server.url, "ines", change)
    narrow.locator(".editor-status").first.wait_for()
    assert (
        narrow.locator("#id_body").is_visible()
        and not narrow.locator(".editor-preview").is_visible()
    )
    narrow.click("text=Show preview")
    narrow.locator(".editor-preview h2", has_text="Where tariffs bite").wait_for()
    assert not narrow.locator("#id_body").is_visible()
    if SCREENSHOTS:
        narrow.screenshot(path=str(Path(SCREENSHOTS) / "editor-390.png"), full_page=True)
    narrow.click("text=Show text")
    narrow.click("button[value=approve]")
    assert "is now approved" in narrow.locator(".messagelist").inner_text()

    when = timezone.localtime() + datetime.timedelta(hours=1)
    narrow.fill("#id_publish_at_0", when.strftime("%Y-%m-%d"))
    narrow.fill("#id_publish_at_1", when.strftime("%H:%M:%S"))
    narrow.click("button[value=publish]")
    assert "is now scheduled" in narrow.locator(".messagelist").inner_text()
    post = Post.objects.get(pk=draft_post.pk)
    assert post.status == Post.Status.SCHEDULED
    assert narrow.goto(live_server.url + post.get_absolute_url()).status == 404

    # Its time comes: nobody does anything, and the post is there.
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now())
    response = narrow.goto(live_server.url + post.get_absolute_url())
    assert response.status == 200 and "Importers pay" in narrow.content()
