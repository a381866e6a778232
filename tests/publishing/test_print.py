"""A printed post is the article alone, with its URL in the footer.

Debian's Chromium prints the page served over real HTTP to PDF, and
pdftotext reads the PDF back, as a reader's printer would see it.
"""

import shutil
import subprocess

import pytest

from tests.conftest import illustrate, make_post

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
]  # fmt: skip


def print_to_pdf_text(url: str, tmp_path) -> str:
    pdf = tmp_path / "post.pdf"
    subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
         f"--print-to-pdf={pdf}", url],
        check=True, capture_output=True, timeout=90,
    )  # fmt: skip
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=30
    )
    return " ".join(result.stdout.decode().split())


@pytest.mark.browser
# Serialized rollback like every other live-server test: a plain flush would give the
# content types new ids, and the serialized tests that run later could not restore theirs.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_printed_post_holds_the_article_and_its_url_but_no_navigation_or_forms(
    live_server, published_post, other_blog, ben, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    illustrate(
        published_post,
        alt="A red field",
        caption="Transmission corridors cross farmland.",
        credit="Illustration: design desk",
        size=(320, 180),
        colour="#a4262c",
    )
    make_post(other_blog, [ben], title="Buses First", slug="buses-first")

    # The footer prints the site's public address, here the test server's.
    settings.MASTHEAD_SITE_URL = live_server.url
    url = live_server.url + published_post.get_absolute_url()
    text = print_to_pdf_text(url, tmp_path)

    assert published_post.title in text
    assert "By Ada Okafor and Ben van der Berg" in text
    assert published_post.publish_at.strftime("%B %-d, %Y") in text
    assert "Transmission corridors cross farmland." in text
    assert "ILLUSTRATION: DESIGN DESK" in text.upper()
    assert "Storage shifts power in time" in text
    assert url in text
    # Navigation, actions and the discussion are screen-only.
    assert "Cities Lab" not in text
    assert "Skip to content" not in text
    assert "Print" not in text.replace("printed", "")
    assert "Comments" not in text
