"""The desk in Chromium: a post from pasted rich text to its scheduled time, and axe on
every desk page at a desktop and a phone width."""

import base64
import datetime
import io
import os
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from PIL import Image

from masthead.discussion.roles import ensure_moderators_group
from masthead.publishing.models import BodyImage, Post, PostAutosave
from tests.browser import launch_chromium
from tests.e2e.conftest import AXE_SCRIPT
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, RULE_TAGS, WIDTHS, described

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a long enough password"
SCREENSHOTS = os.environ.get("MASTHEAD_SCREENSHOTS", "")

# What Word puts on the clipboard for a short passage: its own markup around headings,
# emphasis, a link, a list, a table and a footnote.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>
p.MsoNormal {margin:0}</style></head><body>
<h2>Who pays the tariff<o:p></o:p></h2>
<p class=MsoNormal>Importers pay <b>first</b>, then <i>consumers</i>; see
<a href="https://example.org/tariffs">the schedule</a>.<a href="#_ftn1" name="_ftnref1">
<span class=MsoFootnoteReference>[1]</span></a><o:p></o:p></p>
<ul><li>Steel</li><li>Aluminium</li></ul>
<table><tr><th>Good</th><th>Rate</th></tr><tr><td>Steel</td><td>25%</td></tr></table>
<div id=ftn1><p class=MsoFootnoteText><a href="#_ftnref1" name="_ftn1">[1]</a>
Customs data, 2025.</p></div></body></html>"""

PASTE = """([html, image]) => {
    const data = new DataTransfer();
    if (html) { data.setData("text/html", html); data.setData("text/plain", "plain"); }
    if (image) {
        const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], "chart.png", {type: "image/png"}));
    }
    const target = document.querySelector(".CodeMirror textarea");
    target.focus();
    target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                      cancelable: true}));
}"""

DROP = """(image) => {
    const data = new DataTransfer();
    const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0));
    data.items.add(new File([bytes], "ports.png", {type: "image/png"}));
    const target = document.querySelector(".CodeMirror-scroll");
    const box = target.getBoundingClientRect();
    target.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
        cancelable: true, clientX: box.left + 10, clientY: box.top + 10}));
}"""


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), "#14365d").save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def member(group, username, email=True):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org" if email else "", PASSWORD, is_staff=True
    )
    user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
    return user


@pytest.fixture
def chromium(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as browser:
        yield browser


def signed_in(chromium, base, username, path, **options):
    page = chromium.new_context(**options).new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Security Policy" in m.text else None)
    page.violations = violations
    page.goto(f"{base}/admin/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def message(page) -> str:
    return page.locator(".desk-messages").inner_text()


def test_a_pasted_post_goes_from_writer_to_editor_and_out_at_its_time(
    chromium, live_server, blog, ada
):
    base = live_server.url
    writer = member("Writers", "ada")
    ada.user = writer
    ada.save()
    member("Editors", "ines")
    member(ensure_moderators_group(), "mo")

    # The writer starts a post from a passage copied out of Word.
    page = signed_in(chromium, base, "ada", "/desk/new/", viewport={"width": 1280, "height": 900})
    page.fill("#id_title", "Who pays the tariff")
    page.evaluate(PASTE, [WORD_HTML, None])
    source = page.evaluate("() => window.deskEditor.value()")
    assert "## Who pays the tariff" in source and "**first**" in source and "*consumers*" in source
    assert "[the schedule](https://example.org/tariffs)" in source
    assert "| Good | Rate |" in source and "- Steel" in source
    assert "[^1]" in source and "[^1]: Customs data, 2025." in source
    # The pasted text made the draft by itself: the page is now that post's writing view.
    page.wait_for_url(f"{base}/desk/*/")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_function("() => window.deskEditor")
    assert "Saved." in message(page)
    post = Post.objects.get(title="Who pays the tariff")
    assert post.byline == [ada]

    # The preview is the public page: the site's template, its headings, table and footnote.
    preview = page.frame_locator("#preview-frame")
    preview.locator(".post__body h2", has_text="Who pays the tariff").wait_for()
    assert preview.locator(".post__body table th").first.inner_text() == "Good"
    assert preview.locator(".post__body li", has_text="Customs data, 2025.").count() == 1
    # A picture pasted into the text goes through the BodyImage pipeline and into the preview.
    page.once("dialog", lambda dialog: dialog.accept("A bar chart of tariff rates"))
    page.evaluate("() => window.deskEditor.codemirror.execCommand('goDocEnd')")
    page.evaluate(PASTE, [None, png_base64()])
    preview.locator('.post__body img[alt="A bar chart of tariff rates"]').first.wait_for()
    picture = BodyImage.objects.get(post=post)
    assert page.evaluate("() => window.deskEditor.value()").count(f"(image:{picture.pk})") == 1
    # A picture dragged onto the text takes the same way.
    page.once("dialog", lambda dialog: dialog.accept("A map of the ports"))
    page.evaluate(DROP, png_base64())
    preview.locator('.post__body img[alt="A map of the ports"]').first.wait_for()
    assert BodyImage.objects.filter(post=post).count() == 2
    assert "Kept at" in page.locator("#autosave-status").inner_text()
    page.click("text=Save")
    page.click("button[value=submit]")
    assert "is now in review" in message(page)
    assert page.violations == []

    # The editor returns it with a note, mailed to the writer.
    editing = signed_in(chromium, base, "ines", "/desk/", viewport={"width": 1280, "height": 900})
    editing.locator("section", has_text="Awaiting my review").get_by_role(
        "link", name="Who pays the tariff"
    ).click()
    editing.fill("#workflow-note", "Say which year the rates are from.")
    editing.click("button[value=return]")
    assert "is now draft" in message(editing)
    assert "Say which year the rates are from." in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["ada@example.org"]

    # The writer sees the note first thing, revises on a phone, and submits again.
    phone = signed_in(chromium, base, "ada", "/desk/", **WIDTHS["390px"])
    returned = phone.locator("section", has_text="Returned to me")
    assert "Say which year the rates are from." in returned.inner_text()
    returned.get_by_role("link", name="Who pays the tariff").click()
    phone.wait_for_function("() => window.deskEditor")
    assert not phone.locator("#write-preview").is_visible()
    phone.evaluate("() => window.deskEditor.codemirror.execCommand('goDocEnd')")
    phone.evaluate("() => window.deskEditor.codemirror.replaceSelection('\\n\\nRates as of 2025.')")
    phone.locator("#autosave-status", has_text="Kept at").wait_for()
    phone.click("#preview-toggle")
    assert (
        phone.locator("#preview-frame").is_visible() and not phone.locator("#id_title").is_visible()
    )
    phone.wait_for_function(
        "() => document.getElementById('preview-frame').contentDocument"
        ".querySelector('.post__body').textContent.includes('Rates as of 2025.')"
    )
    phone.click("#preview-toggle")
    phone.get_by_role("button", name="Save", exact=True).click()
    phone.click("button[value=submit]")
    assert "is now in review" in message(phone)
    post.refresh_from_db()
    assert "Rates as of 2025." in post.body

    # The editor approves, sets the publish time in the side panel and schedules.
    editing.goto(f"{base}/desk/{post.pk}/")
    editing.click("button[value=approve]")
    assert "is now approved" in message(editing)
    editing.click("#settings-toggle")
    when = timezone.localtime() + datetime.timedelta(hours=2)
    editing.fill("#id_publish_at", when.strftime("%Y-%m-%dT%H:%M"))
    editing.keyboard.press("Escape")
    assert editing.locator("#settings-panel").is_hidden()
    editing.get_by_role("button", name="Save", exact=True).click()
    editing.click("button[value=schedule]")
    assert "is now scheduled" in message(editing)
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert editing.goto(base + post.get_absolute_url()).status == 404
    assert editing.violations == []

    # Its time comes (the clock moved on, nobody did anything): the post is public.
    Post.objects.filter(pk=post.pk).update(
        publish_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    time.sleep(1.5)
    response = editing.goto(base + post.get_absolute_url())
    assert response.status == 200 and "Importers pay" in editing.content()

    # A moderator is kept out of the desk: sent to the moderation queue.
    moderator = signed_in(chromium, base, "mo", "/desk/", viewport={"width": 1280, "height": 900})
    assert moderator.url == f"{base}/moderation/"


def writer_at_a_new_post(chromium, base, ada):
    ada.user = member("Writers", "ada")
    ada.save()
    page = signed_in(chromium, base, "ada", "/desk/new/", viewport={"width": 1280, "height": 900})
    page.wait_for_function("() => window.deskEditor")
    return page


def test_a_new_post_previews_and_takes_pictures_from_the_first_keystroke(
    chromium, live_server, blog, ada
):
    base = live_server.url
    page = writer_at_a_new_post(chromium, base, ada)
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.type("## First words\n\nNobody pressed Save.")
    preview = page.frame_locator("#preview-frame")
    preview.locator(".post__body h2", has_text="First words").wait_for()
    preview.locator(".post__body", has_text="Nobody pressed Save.").wait_for()
    post = Post.objects.get()
    assert page.url == f"{base}/desk/{post.pk}/"
    assert post.status == Post.Status.DRAFT and post.byline == [ada]

    # A picture pasted straight away goes to this draft and shows in the preview.
    page.once("dialog", lambda dialog: dialog.accept("A first chart"))
    page.evaluate("() => window.deskEditor.codemirror.execCommand('goDocEnd')")
    page.evaluate(PASTE, [None, png_base64()])
    preview.locator('.post__body img[alt="A first chart"]').wait_for()
    assert BodyImage.objects.get().post == post
    page.fill("#id_title", "Named at last")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Saved." in message(page)
    assert list(Post.objects.values_list("title", flat=True)) == ["Named at last"]
    assert "(image:" in Post.objects.get().body
    assert page.violations == []


def test_a_picture_pasted_into_an_empty_new_post_makes_the_draft_first(
    chromium, live_server, blog, ada
):
    base = live_server.url
    page = writer_at_a_new_post(chromium, base, ada)
    page.once("dialog", lambda dialog: dialog.accept("A map before any words"))
    page.evaluate(PASTE, [None, png_base64()])
    page.frame_locator("#preview-frame").locator(
        '.post__body img[alt="A map before any words"]'
    ).wait_for()
    picture = BodyImage.objects.get()
    assert page.url == f"{base}/desk/{picture.post_id}/" and Post.objects.count() == 1


def test_the_editor_offers_unsaved_text_and_the_preview_always_shows_what_it_holds(
    chromium, live_server, blog, ada
):
    base = live_server.url
    ada.user = member("Writers", "ada")
    ada.save()
    post = Post.objects.create(blog=blog, title="Grid notes", body="The saved paragraph.")
    post.bylines.create(author=ada)
    PostAutosave.objects.create(
        post=post, user=ada.user, title="Grid notes, revised", summary="",
        body="## Typed on Monday\n\nNever saved.", base_revision=post.revision,
    )  # fmt: skip
    page = signed_in(chromium, base, "ada", f"/desk/{post.pk}/",
                     viewport={"width": 1280, "height": 900})  # fmt: skip
    page.wait_for_function("() => window.deskEditor")
    preview = page.frame_locator("#preview-frame")
    preview.locator(".post__body", has_text="The saved paragraph.").wait_for()
    assert page.evaluate("() => window.deskEditor.value()") == "The saved paragraph."
    assert "Typed on Monday" not in preview.locator(".post__body").inner_text()
    offer = page.locator("#unsaved-offer")
    assert "Unsaved text from" in offer.inner_text()

    page.get_by_role("button", name="Load the unsaved text").click()
    assert page.evaluate("() => window.deskEditor.value()") == "## Typed on Monday\n\nNever saved."
    assert page.input_value("#id_title") == "Grid notes, revised"
    preview.locator(".post__body h2", has_text="Typed on Monday").wait_for()
    assert not offer.count()
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Saved." in message(page)
    post.refresh_from_db()
    # (A form sends its text's line ends as CRLF.)
    assert post.body.replace("\r\n", "\n") == "## Typed on Monday\n\nNever saved."
    assert post.title == "Grid notes, revised"

    # Discarded instead: gone from the server, and the page shows the saved text alone.
    PostAutosave.objects.create(post=post, user=ada.user, title="", summary="",
                                body="Second thoughts.", base_revision=post.revision)  # fmt: skip
    page.goto(f"{base}/desk/{post.pk}/")
    page.get_by_role("button", name="Discard it").click()
    assert "discarded" in message(page)
    assert not page.locator("#unsaved-offer").count() and not PostAutosave.objects.exists()
    assert "Typed on Monday" in page.evaluate("() => window.deskEditor.value()")
    assert page.violations == []


SCROLL_SOURCE = """(fraction) => {
    // The source scrolls where it overflows: the editor's own scroller, or else the page.
    const scroller = document.querySelector(".CodeMirror-scroll");
    if (scroller.scrollHeight > scroller.clientHeight + 4) {
        scroller.scrollTop = fraction * (scroller.scrollHeight - scroller.clientHeight);
        return "editor";
    }
    const page = document.scrollingElement;
    window.scrollTo(0, fraction * (page.scrollHeight - page.clientHeight));
    return "page";
}"""

PREVIEW_FRACTION = """() => {
    const view = document.getElementById("preview-frame").contentWindow;
    const page = view.document.scrollingElement;
    return page.scrollTop / Math.max(1, page.scrollHeight - view.innerHeight);
}"""


def test_scrolling_a_long_source_scrolls_the_preview_in_proportion(
    chromium, live_server, blog, ada
):
    base = live_server.url
    ada.user = member("Writers", "ada")
    ada.save()
    body = "\n\n".join(
        f"## Part {number}\n\nParagraph {number} of a long argument, " + "with words " * 40
        for number in range(1, 121)
    )
    post = Post.objects.create(blog=blog, title="A long read", body=body)
    post.bylines.create(author=ada)
    page = signed_in(chromium, base, "ada", f"/desk/{post.pk}/",
                     viewport={"width": 1280, "height": 900})  # fmt: skip
    page.wait_for_function("() => window.deskEditor")
    page.frame_locator("#preview-frame").locator(".post__body h2", has_text="Part 120").wait_for(
        state="attached"
    )
    assert page.evaluate(PREVIEW_FRACTION) < 0.05
    for fraction in [0.5, 0.9, 0.25, 0.0]:
        page.evaluate(SCROLL_SOURCE, fraction)
        page.wait_for_function(
            f"() => Math.abs(({PREVIEW_FRACTION})() - {fraction}) < 0.05", timeout=3000
        )


def test_an_editor_finds_authors_and_topics_by_keyboard_as_they_type(
    chromium, live_server, blog, ada, ben, topic
):
    base = live_server.url
    ada.user = member("Editors", "ines")
    ada.save()
    post = Post.objects.create(blog=blog, title="A byline to fill", body="Words.")
    post.bylines.create(author=ada)
    page = signed_in(chromium, base, "ines", f"/desk/{post.pk}/",
                     viewport={"width": 1280, "height": 900})  # fmt: skip
    page.click("#settings-toggle")
    byline = page.locator("#id_byline")
    byline.focus()
    page.keyboard.press("End")
    page.keyboard.type(", van der")
    page.locator("#id_byline-options [role=option]", has_text="Ben van der Berg").wait_for()
    assert byline.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert byline.get_attribute("aria-activedescendant") == "id_byline-options-0"
    page.keyboard.press("Enter")
    assert byline.input_value() == "Ada Okafor, Ben van der Berg, "
    assert page.locator("#id_byline-options").is_hidden()
    topics = page.locator("#id_topic_names")
    topics.focus()
    page.keyboard.type("stor")
    page.locator("#id_topic_names-options [role=option]", has_text="Grid Storage").wait_for()
    # Escape closes the suggestions first, the panel only at the second press.
    page.keyboard.press("Escape")
    assert page.locator("#id_topic_names-options").is_hidden()
    assert page.locator("#settings-panel").is_visible()
    page.keyboard.press("ArrowDown")
    page.locator("#id_topic_names-options [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert topics.input_value() == "Grid Storage, "
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Saved." in message(page)
    post.refresh_from_db()
    assert post.byline == [ada, ben] and [t.name for t in post.topics.all()] == ["Grid Storage"]
    assert page.violations == []


def audit(page) -> list[str]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        RULE_TAGS,
    )
    return described([v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS])


@pytest.mark.parametrize("width", WIDTHS.keys())
def test_every_desk_page_passes_axe(chromium, live_server, blog, ada, width):
    base = live_server.url
    editor = member("Editors", "ines")
    ada.user = editor
    ada.save()
    post = Post.objects.create(blog=blog, title="An audited draft", body="## Part\n\nText.")
    post.bylines.create(author=ada)
    post.body += "\n\nMore."
    post.save()
    post.submit(by=editor)
    post.return_to_writer(by=editor, note="A note for the audit.")
    page = signed_in(chromium, base, "ines", "/desk/", bypass_csp=True, **WIDTHS[width])
    pages = {
        "home": "/desk/",
        "home with search results": "/desk/?q=audited",
        "new post": "/desk/new/",
        "writing view": f"/desk/{post.pk}/",
        "history": f"/desk/{post.pk}/history/",
        "Word import": "/desk/import/",
    }
    found = {}
    for name, path in pages.items():
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        found[name] = audit(page)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.goto(f"{base}/desk/{post.pk}/")
    page.click("#settings-toggle")
    found["side panel"] = audit(page)
    assert page.evaluate("() => document.activeElement.id") == "id_blog"
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.id") == "settings-toggle"
    assert {name: problems for name, problems in found.items() if problems} == {}

    # By keyboard alone: the toolbar is in the Tab order and works with Enter; Tab leaves
    # the text (no trap), Shift+Tab comes back to the toolbar.
    page.goto(f"{base}/desk/{post.pk}/")
    page.wait_for_function("() => window.deskEditor")
    page.locator(".editor-toolbar button", has_text="Bold").focus()
    page.keyboard.press("Enter")
    assert "****" in page.evaluate("() => window.deskEditor.value()")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.CodeMirror') === null")
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Picture"
