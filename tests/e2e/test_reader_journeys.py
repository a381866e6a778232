"""A reader's journeys through the real server in Chromium: finding, citing, printing, reading."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import seed

pytestmark = pytest.mark.browser

POST_PATH = f"/{seed.BLOG_SLUG}/{seed.POST_SLUG}/"
FIRST_AUTHOR, SECOND_AUTHOR = (author[0] for author in seed.AUTHORS)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_a_reader_goes_from_the_hub_to_a_blog_to_a_post_to_an_author(reader):
    reader.goto("/")
    assert reader.locator("h1").inner_text() == seed.INSTITUTION
    assert seed.BLOG_TAGLINE in reader.inner_text("main")

    reader.locator("main").get_by_role("link", name=seed.BLOG_NAME, exact=True).first.click()
    assert reader.url.endswith(f"/{seed.BLOG_SLUG}/")
    assert seed.BLOG_TAGLINE in reader.inner_text("main")

    reader.get_by_role("link", name=seed.POST_TITLE).click()
    assert reader.url.endswith(POST_PATH)
    assert reader.locator("h1").inner_text() == seed.POST_TITLE
    byline = reader.locator(".post__byline")
    assert squeeze(byline.inner_text()) == f"By {FIRST_AUTHOR} and {SECOND_AUTHOR}"
    image = reader.locator(".post__figure img")
    assert image.get_attribute("alt") == seed.IMAGE_ALT
    assert reader.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())

    byline.get_by_role("link", name=SECOND_AUTHOR).click()
    assert reader.url.endswith(f"/authors/{seed.AUTHORS[1][1]}/")
    assert SECOND_AUTHOR in reader.locator("h1").inner_text()
    assert reader.get_by_role("link", name=seed.POST_TITLE).is_visible()


def visible_reference(dialog):
    shown = dialog.locator("[data-cite-reference]:not([hidden]) [data-cite-entry]")
    return squeeze(shown.inner_text())


def test_a_reader_cites_the_post_in_three_styles_copies_it_and_downloads_bibtex(
    new_context, server
):
    context = new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    page.goto(POST_PATH)

    page.get_by_role("link", name="Cite").click()
    dialog = page.get_by_role("dialog", name="Cite this post")
    assert dialog.is_visible()
    year = str(date.today().year)

    dialog.get_by_label("MLA").check()
    mla = visible_reference(dialog)
    # MLA: full names, the first inverted; the title in quotation marks.
    assert mla.startswith(f"Quist, Maren, and {SECOND_AUTHOR}.")
    assert f"“{seed.POST_TITLE}.”" in mla

    dialog.get_by_label("APA").check()
    apa = visible_reference(dialog)
    # APA: initials, an ampersand, the year in parentheses straight after the authors.
    assert apa.startswith(f"Quist, M., & Nakamura-Reyes, T. ({year}")
    assert apa != mla

    dialog.get_by_label(re.compile("Chicago")).first.check()
    chicago = visible_reference(dialog)
    assert chicago.startswith(f"Quist, Maren, and {SECOND_AUTHOR}.")
    assert chicago not in (mla, apa)
    assert f"{server.url}{POST_PATH}" in chicago

    dialog.get_by_role("button", name="Copy reference").click()
    expect(dialog.get_by_role("status")).to_have_text("Copied.")  # written once the copy is done
    copied = page.evaluate("navigator.clipboard.readText()")
    assert squeeze(copied) == chicago
    rich = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            return await (await item.getType("text/html")).text();
        }"""
    )
    assert seed.POST_TITLE in rich and "<" in rich

    with page.expect_download() as download_info:
        dialog.get_by_role("link", name="BibTeX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".bib")
    bibtex = Path(download.path()).read_text(encoding="utf-8")
    assert re.match(r"\s*@(misc|online)\{", bibtex)
    assert re.search(r"title\s*=\s*\{+Seawalls Buy Time, Not Safety\}+", bibtex)
    assert re.search(r"author\s*=\s*\{Quist, Maren and Nakamura-Reyes, Tobiah\}", bibtex)
    assert f"{server.url}{POST_PATH}" in bibtex


def test_a_printed_post_is_the_article_with_its_reference_and_address(reader, server, tmp_path):
    # Headless Chromium has no print dialog to open: count the calls instead.
    reader.add_init_script(
        "window.printRequests = 0; window.print = () => { window.printRequests += 1; };"
    )
    reader.goto(POST_PATH)
    reader.get_by_role("button", name="Print").click()
    assert reader.evaluate("window.printRequests") == 1

    reader.emulate_media(media="print")
    pdf = tmp_path / "post.pdf"
    reader.pdf(path=pdf, format="A4")
    text = squeeze(
        subprocess.run(
            ["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True
        ).stdout
    )

    assert seed.POST_TITLE in text
    assert f"By {FIRST_AUTHOR} and {SECOND_AUTHOR}" in text
    assert seed.IMAGE_CAPTION in text
    assert seed.IMAGE_CREDIT.casefold() in text.casefold()  # the credit is set in small caps
    assert "A seawall holds back the ordinary storm" in text
    footer = text[text.index("narrows.") :]
    assert f"Cite as: Quist, Maren, and {SECOND_AUTHOR}." in footer
    assert f"{server.url}{POST_PATH}" in footer
    for screen_only in ("Post a Comment", "Submit comment", "Skip to content", "Copy reference"):
        assert screen_only not in text
    assert seed.APPROVED_COMMENTS[0][2] not in text


@pytest.mark.parametrize("path", ["/", f"/{seed.BLOG_SLUG}/", POST_PATH])
def test_a_phone_sized_screen_shows_the_page_without_sideways_scrolling(new_context, path):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    title_box = page.locator("h1").bounding_box()
    assert title_box["x"] >= 0 and title_box["x"] + title_box["width"] <= 390


FOCUS_RING = """element => {
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || (style.boxShadow !== "none" && style.boxShadow !== "");
}"""


def tab_until(page, selector: str, limit: int = 80):
    """Press Tab from where focus is until ``selector`` has it; the focused element."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return target
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_the_keyboard_alone_reaches_cite_and_the_comment_form_with_a_visible_focus_ring(reader):
    reader.goto(POST_PATH)

    cite = tab_until(reader, "[data-cite-dialog]")
    assert cite.inner_text() == "Cite"
    assert cite.evaluate(FOCUS_RING)
    reader.keyboard.press("Enter")
    dialog = reader.get_by_role("dialog", name="Cite this post")
    assert dialog.is_visible()
    focused = reader.evaluate_handle("document.activeElement")
    assert focused.evaluate("element => element.closest('dialog') !== null")
    assert focused.evaluate(FOCUS_RING)
    reader.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert cite.evaluate("element => element === document.activeElement")

    name = tab_until(reader, "#id_author_name")
    assert name.evaluate(FOCUS_RING)
    reader.keyboard.type("Keyboard Reader")
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.id") == "id_email"
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.id") == "id_body"
    assert reader.locator("#id_body").evaluate(FOCUS_RING)
