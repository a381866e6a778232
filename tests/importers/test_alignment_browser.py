"""An imported picture's place, in Debian's Chromium: a left-floated thumbnail stands
beside its words at its own small size on a wide screen, on a line of its own on a phone
(still small), and beside the words in print; nothing is wider than the page."""

import pytest

from masthead.importers.models import ImportedPost
from tests.browser import launch_chromium
from tests.importers.test_alignment import BODY
from tests.importers.test_media_fetch import jpeg_with_a_location
from tests.importers.wxr_builder import attachment, export, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BOX = (
    "(selector) => { const b = document.querySelector(selector).getBoundingClientRect();"
    " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width}; }"
)


def test_a_floated_thumbnail_beside_its_words_on_screen_full_width_on_a_phone(
    old_site, import_wxr, live_server, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    names = ("heron", "bridge", "map", "stone")
    for name in names:
        old_site.expect_request(f"/wp-content/uploads/2022/05/{name}.jpg").respond_with_data(
            jpeg_with_a_location(900, 600), content_type="image/jpeg"
        )
    url = lambda name: old_site.url_for(f"/wp-content/uploads/2022/05/{name}.jpg")  # noqa: E731
    words = " ".join(["The water was high and brown, and the heron did not move."] * 6)
    body = BODY.format(heron=url("heron"), bridge=url("bridge"), map=url("map"),
                       plain=url("stone"))  # fmt: skip
    body = body.replace("every morning.", f"every morning. {words}")
    import_wxr(
        export(*[attachment(10 + n, url(name), parent=1) for n, name in enumerate(names)],
               post(1, content=body)),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    address = live_server.url + ImportedPost.objects.get().post.get_absolute_url()
    heron = ".post__body img.align-left"
    with launch_chromium() as chromium:
        wide = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
        console = []
        wide.on("console", lambda message: console.append(message.text))
        wide.goto(address)
        picture = wide.evaluate(BOX, heron)
        column = wide.evaluate(BOX, ".post__body")
        # A thumbnail: about 10rem wide, at the column's left, its words to its right.
        assert 150 <= picture["width"] <= 170, picture
        assert abs(picture["left"] - column["left"]) < 2
        first_line_starts = wide.evaluate(
            "() => { const r = document.createRange();"
            " const p = document.querySelector('.post__body p');"
            " r.selectNodeContents(p.lastChild); return r.getClientRects()[0].left; }"
        )
        assert first_line_starts > picture["right"], (first_line_starts, picture)
        bridge = wide.evaluate(BOX, ".post__body figure.align-right")
        assert abs(bridge["right"] - column["right"]) < 2 and bridge["width"] < column["width"] / 2
        centred = wide.evaluate(BOX, ".post__body figure.align-center")
        assert abs((centred["left"] - column["left"]) - (column["right"] - centred["right"])) < 2

        wide.emulate_media(media="print")
        printed = wide.evaluate(BOX, heron)
        assert printed["width"] < wide.evaluate(BOX, ".post__body")["width"] / 2

        phone = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(address)
        column = phone.evaluate(BOX, ".post__body")
        # On a phone nothing stands beside a picture: each has a line of its own, from the
        # column's left; the thumbnail keeps its own small size rather than being blown up.
        for selector in (heron, ".post__body figure.align-right"):
            shown = phone.evaluate(BOX, selector)
            assert abs(shown["left"] - column["left"]) < 2, (selector, shown, column)
        thumbnail = phone.evaluate(BOX, heron)
        assert 150 <= thumbnail["width"] <= 170
        words_start = phone.evaluate(
            "() => { const r = document.createRange();"
            " const p = document.querySelector('.post__body p');"
            " r.selectNodeContents(p.lastChild); return r.getClientRects()[0]; }"
        )
        assert words_start["top"] >= thumbnail["bottom"] - 1  # below it, not beside
        assert words_start["left"] < thumbnail["right"]
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert not [text for text in console if "Content Security Policy" in text]
