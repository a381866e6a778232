"""The pictures in an imported page's body come home as a post's do: the page's own
pictures, named ``![alt](image:N)`` in its Markdown, shown from here with ``srcset``; a
page with a gallery keeps its grid; a picture that cannot be fetched keeps its address."""

import os
import re

from masthead.pages.models import Page, PageImage
from tests.importers.test_media_fetch import jpeg_with_a_location
from tests.importers.wxr_builder import attachment, export, post

UPLOADS = "/wp-content/uploads/2019/04/"


def page_item(id, title, slug, content):
    return post(id, title, type="page", slug=slug, content=content,
                link=f"https://old.example.org/{slug}/")  # fmt: skip


def test_a_pages_pictures_come_home_and_show_with_srcset(old_site, import_wxr, client):
    for name in ("board", "office", "garden"):
        old_site.expect_request(f"{UPLOADS}{name}.jpg").respond_with_data(
            jpeg_with_a_location(1300, 800), content_type="image/jpeg"
        )
    url = lambda name: old_site.url_for(f"{UPLOADS}{name}.jpg")  # noqa: E731
    about = (
        f'<p>Our board meets monthly.</p>[caption align="alignright" width="300"]'
        f'<img class="size-medium" src="{url("board")}" alt="The board" width="300" />'
        f"The board in 2019[/caption]\n\n<p>Visit us.</p>\n\n"
        f'[gallery ids="21,22" columns="2"]'
    )
    import_wxr(
        export(
            attachment(21, url("office"), alt="The office", parent=5),
            attachment(22, url("garden"), alt="The garden", parent=5),
            attachment(23, url("board"), alt="The board", parent=5),
            page_item(5, "About us", "about", about),
        ),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    page = Page.objects.get(slug="about")
    pictures = {p.alt: p for p in page.body_images.all()}
    assert set(pictures) == {"The board", "The office", "The garden"}
    assert pictures["The board"].markdown + "{.align-right .size-medium}" in page.body
    assert "::: gallery columns=2" in page.body and pictures["The garden"].markdown in page.body
    assert old_site.url_for("/") not in page.body
    html = client.get("/about/").text
    figure = re.search(r'<figure class="body-image align-right size-medium">.*?</figure>', html)
    assert figure and "srcset=" in figure[0] and "The board in 2019" in figure[0]
    assert '<ul class="gallery gallery--columns-2">' in html
    board = pictures["The board"]
    assert client.get(board.image.url).status_code == 200
    # The files go with the page's pictures.
    stored = board.image.path
    board.delete()
    assert not os.path.exists(stored)


def test_a_page_picture_that_cannot_be_fetched_keeps_its_old_address(old_site, import_wxr):
    old_site.expect_request(f"{UPLOADS}board.jpg").respond_with_data("gone", status=404)
    address = old_site.url_for(f"{UPLOADS}board.jpg")
    summary = import_wxr(
        export(
            attachment(23, address, alt="The board", parent=5),
            page_item(5, "About us", "about", f'<p>Hello.</p><img src="{address}" alt="Board">'),
        ),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    assert not PageImage.objects.exists()
    assert address in Page.objects.get(slug="about").body_html
    assert "its original address is kept" in summary


def test_a_page_shows_only_its_own_pictures(old_site, import_wxr):
    old_site.expect_request(f"{UPLOADS}board.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    address = old_site.url_for(f"{UPLOADS}board.jpg")
    import_wxr(
        export(attachment(23, address, alt="The board", parent=5),
               page_item(5, "About us", "about", f'<p>Hi.</p><img src="{address}" alt="B">')),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    picture = PageImage.objects.get()
    other = Page.objects.create(title="Contact", slug="contact", body=picture.markdown)
    assert picture.image.url not in other.body_html


def test_importing_again_with_fetch_media_brings_an_imported_pages_pictures_home(
    old_site, import_wxr
):
    old_site.expect_request(f"{UPLOADS}board.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    address = old_site.url_for(f"{UPLOADS}board.jpg")
    text = export(
        attachment(23, address, alt="The board", parent=5),
        page_item(5, "About us", "about",
                  f'<p>Hi.</p><img class="alignleft size-thumbnail" src="{address}" alt="B">'
                  f'\n\n[caption align="alignright" width="300"]<img src="{address}" alt="C" '
                  f'width="300" /> The board, <a href="https://example.org/">2019</a>[/caption]'
                  f"\n\n<p>{address}</p>"),
    )  # fmt: skip
    import_wxr(text)
    page = Page.objects.get(slug="about")
    assert address in page.body_html and old_site.log == []
    # An editor's change since is kept: only the picture's address changes.
    page.body = page.body.replace("Hi.", "Hello, and welcome.")
    page.save()
    summary = import_wxr(text, "--fetch-media", "--allow-host", old_site.host)
    page.refresh_from_db()
    first, captioned = PageImage.objects.get(alt="B"), PageImage.objects.get(alt="C")
    assert page.body.startswith("Hello, and welcome.")
    assert first.markdown + "{.align-left .size-thumbnail}" in page.body
    assert captioned.markdown + "{.align-right .size-medium}" in page.body
    assert captioned.caption == "The board, 2019"
    assert f'<img src="{address}' not in page.body_html and first.image.url in page.body_html
    # An address in the words (not a picture) is words: left as it was.
    assert address in page.body
    assert "2 pictures brought home into an imported page" in summary
    import_wxr(text, "--fetch-media", "--allow-host", old_site.host)  # nothing more to do
    assert PageImage.objects.count() == 2 and len(old_site.log) == 1
