"""An imported gallery in Debian's Chromium: a grid of its own columns on a wide screen,
two a row on a phone, its columns again in print, and nothing wider than the page."""

import pytest

from masthead.importers.models import ImportedPost
from tests.browser import launch_chromium
from tests.importers.test_media_fetch import jpeg_with_a_location
from tests.importers.wxr_builder import attachment, export, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def open_page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with launch_chromium() as chromium:
        yield lambda **options: chromium.new_context(**options).new_page()


def items_per_row(page) -> list[int]:
    tops = page.eval_on_selector_all(
        ".gallery > li", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    rows: dict[int, int] = {}
    for top in tops:
        rows[top] = rows.get(top, 0) + 1
    return [rows[top] for top in sorted(rows)]


def test_an_imported_gallery_is_a_grid_on_screen_on_a_phone_and_in_print(
    old_site, import_wxr, open_page, live_server
):
    names = [f"view-{n}" for n in range(7)]
    for name in names:
        old_site.expect_request(f"/wp-content/uploads/2021/03/{name}.jpg").respond_with_data(
            jpeg_with_a_location(900, 600), content_type="image/jpeg"
        )
    pictures = [
        attachment(10 + n, old_site.url_for(f"/wp-content/uploads/2021/03/{name}.jpg"),
                   alt=f"View {n}", caption=f"Caption {n}", parent=1)
        for n, name in enumerate(names)
    ]  # fmt: skip
    import_wxr(
        export(*pictures, post(1, content='Views:\n\n[gallery columns="3"]\n\nThe end.')),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    address = live_server.url + ImportedPost.objects.get().post.get_absolute_url()
    console = []

    wide = open_page(viewport={"width": 1280, "height": 900})
    wide.on("console", lambda message: console.append(message.text))
    wide.goto(address)
    assert items_per_row(wide) == [3, 3, 1]
    assert wide.locator(".gallery figcaption").first.inner_text() == "Caption 0"
    loaded = wide.eval_on_selector_all(".gallery img", "images => images.map(i => i.currentSrc)")
    assert all("/media/posts/body/" in source for source in loaded)

    phone = open_page(viewport={"width": 390, "height": 844})
    phone.goto(address)
    assert items_per_row(phone) == [2, 2, 2, 1]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    wide.emulate_media(media="print")
    assert items_per_row(wide) == [3, 3, 1]
    assert not [text for text in console if "Content Security Policy" in text]
