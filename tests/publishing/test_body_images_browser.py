"""Pictures in the body, in Chromium: chosen with the keyboard, pasted, or dropped on the text."""

import base64
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from masthead.publishing.models import BodyImage, Post
from tests.browser import launch_chromium, once_the_live_server_lets_go
from tests.publishing.test_desk_browser import (
    SCREENSHOTS,
    member,
    sign_in,
    watch_policy_violations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def open_page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield lambda **options: chromium.new_context(**options).new_page()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(size=(1600, 900), colour="#2a6f97") -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", size, colour)
    # A darker band, so the screenshots show a picture rather than a flat box.
    picture.paste("#0b3954", (0, size[1] * 2 // 3, size[0], size[1]))
    picture.save(buffer, "JPEG")
    return buffer.getvalue()


def paste_image(page, data: bytes, name: str, event: str):
    """What a browser does when a picture is pasted or dropped on the text."""
    page.evaluate(
        """([encoded, name, kind]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            const body = document.getElementById("id_body");
            const init = { bubbles: true, cancelable: true };
            const event = kind === "paste"
                ? new ClipboardEvent("paste", { ...init, clipboardData: transfer })
                : new DragEvent("drop", { ...init, dataTransfer: transfer });
            body.dispatchEvent(event);
        }""",
        [base64.b64encode(data).decode(), name, event],
    )


def test_an_editor_inserts_images_by_keyboard_and_by_paste_and_readers_get_them_with_srcset(
    open_page, live_server, draft_post
):
    member("Editors", "ines")
    change = f"/admin/publishing/post/{draft_post.pk}/change/"
    page = open_page(viewport={"width": 1280, "height": 900})
    violations = watch_policy_violations(page)
    sign_in(page, live_server.url, "ines", change)
    page.fill("#id_body", "Ships queue outside the port.\n\nThe new cranes will help.")
    page.locator("#id_body").press("End")

    # Keyboard only: Tab to "Insert image", Enter opens the panel on the file chooser.
    page.focus(".editor-toolbar button:has-text('Footnote')")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "editor-image-file"
    page.set_input_files(
        "#editor-image-file", {"name": "port.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    # Without alt text the upload is refused in the page, and nothing is stored.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    alert = page.locator(".editor-image-panel [role=alert]")
    assert "alt text" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "editor-image-alt"
    page.keyboard.type("Container ships waiting outside the harbour")
    page.fill("#editor-image-caption", "The queue on a Monday morning")
    page.fill("#editor-image-credit", "Photo: J. Ruiz")
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "editor-image-panel-1280.png"))
    page.press("#editor-image-credit", "Enter")
    expect(page.locator("#id_body")).to_have_value(re.compile(r"\(image:\d+\)"))
    first = BodyImage.objects.get()
    body = page.input_value("#id_body")
    assert f"![Container ships waiting outside the harbour](image:{first.pk})" in body
    preview_image = page.locator(".editor-preview figure.body-image img")
    preview_image.wait_for()
    assert preview_image.get_attribute("srcset").count("w,") == 3
    assert page.locator(".editor-image-panel").is_hidden()

    # A refused file says why in the panel.
    paste_image(page, b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>",
                "chart.jpg", "paste")  # fmt: skip
    page.fill("#editor-image-alt", "A chart")
    page.click("text=Upload and insert")
    page.locator(".editor-image-panel [role=alert]", has_text="SVG drawings").wait_for()
    page.click(".editor-image-panel >> text=Cancel")
    assert BodyImage.objects.count() == 1

    # Pasted, then dropped: the panel opens with the file chosen, asking for its alt text.
    for event, alt in (("paste", "A crane lifting a container"), ("drop", "The harbour at night")):
        paste_image(page, jpeg(size=(900, 600), colour="#d1495b"), f"{event}.jpg", event)
        assert page.evaluate("document.activeElement.id") == "editor-image-alt"
        page.keyboard.type(alt)
        page.keyboard.press("Enter")
        expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(alt)))
    assert BodyImage.objects.count() == 3
    page.locator(".editor-preview figure.body-image >> nth=2").wait_for()
    page.click("input[name=_continue]")
    page.locator(".messagelist").wait_for()
    post = Post.objects.get(pk=draft_post.pk)
    assert post.body.count("(image:") == 3
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "editor-image-1280.png"), full_page=True)
        narrow = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        sign_in(narrow, live_server.url, "ines", change)
        narrow.click("text=Insert image")
        narrow.screenshot(path=str(Path(SCREENSHOTS) / "editor-image-390.png"), full_page=True)
        narrow.click("text=Show preview")
        narrow.locator(".editor-preview figure.body-image >> nth=0").wait_for()
        narrow.screenshot(
            path=str(Path(SCREENSHOTS) / "editor-image-390-preview.png"), full_page=True
        )

    # The editor's page sends its autosave every few seconds: closed first, so the
    # server thread is not writing while this thread publishes (SQLite would refuse);
    # a request already on its way when the page closed may still be answered.
    page.close()
    if SCREENSHOTS:
        narrow.close()
    once_the_live_server_lets_go(post.publish)
    assert violations == []

    reader = open_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    reader.goto(live_server.url + post.get_absolute_url())
    figure = reader.locator(".post__body figure.body-image").first
    image = figure.locator("img")
    assert image.get_attribute("alt") == "Container ships waiting outside the harbour"
    assert figure.locator("figcaption").inner_text().startswith("The queue on a Monday morning")
    assert "Photo: J. Ruiz" in figure.locator("figcaption").text_content()
    srcset = image.get_attribute("srcset")
    assert re.findall(r" (\d+)w", srcset) == ["480", "800", "1200", "1600"]
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    # A 390 px screen (at 1x) takes the 480 px copy from the srcset, not the full file.
    assert image.evaluate("img => img.currentSrc").endswith("/480w.jpg")
    alts = [reader.locator(".post__body img").nth(i).get_attribute("alt") for i in range(3)]
    assert alts[1:] == ["A crane lifting a container", "The harbour at night"]
