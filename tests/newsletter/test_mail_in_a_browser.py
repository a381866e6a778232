"""The mail as a reader sees it, rendered by Chromium: 600 and 320 px wide, light and dark.

Set MASTHEAD_SHOTS_DIR to keep the screenshots (otherwise they go to the test's
temporary folder); they are looked at by a person, the assertions are what a reader
would notice: no sideways scrolling on a phone, and dark mode that is really dark.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from masthead.newsletter.mail import PostMail
from masthead.newsletter.models import Subscriber
from tests.browser import launch_chromium

from .conftest import fresh_post

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

BODY = """Tidal streams run on the Moon's timetable, which makes them the most
**predictable** renewable source we have. Three questions decide whether that
predictability is worth its price.

## Where the water runs fastest

A handful of straits carry most of the usable energy. A long URL, to test wrapping:
https://harbour.example.org/a/very/long/address/that/should/wrap/on/a/narrow/phone/screen

> The tide waits for no grid operator, but it does keep an appointment.

1. Turbines on the sea bed
2. Lagoons behind walls
"""


def featured_image() -> SimpleUploadedFile:
    picture = Image.new("RGB", (1200, 675), "#2a5d8f")
    draw = ImageDraw.Draw(picture)
    for y in range(0, 675, 45):
        draw.rectangle([0, y, 1200, y + 20], fill="#3f7fb8")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    return SimpleUploadedFile("tidal.jpg", buffer.getvalue())


def luminance(css_colour: str) -> float:
    red, green, blue = (int(part) for part in css_colour.split("(")[1].split(")")[0].split(",")[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.fixture
def mail_html(blog, ada, ben):
    post = fresh_post(blog, [ada, ben], body=BODY, status="published")
    post.featured_image = featured_image()
    post.image_alt = "Blue water with white bands of a fast tidal stream"
    post.image_caption = "The Strangford Narrows at mid-tide"
    post.image_credit = "Illustration: Masthead tests"
    post.save()
    reader = Subscriber.objects.create(email="rosa@example.org", consent_source="test")
    message = PostMail(post).message_for(reader, "you follow the blog Energy Desk")
    return message.alternatives[0][0], Path(post.featured_image.path)


def test_the_mail_reads_at_600_and_320_pixels_in_light_and_dark(mail_html, tmp_path):
    html, image_path = mail_html
    shots = Path(os.environ.get("MASTHEAD_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page_file = tmp_path / "mail.html"
    page_file.write_text(html, encoding="utf-8")
    with launch_chromium() as chromium:
        for width in (600, 320):
            for scheme in ("light", "dark"):
                context = chromium.new_context(viewport={"width": width, "height": 900},
                                               color_scheme=scheme)  # fmt: skip
                page = context.new_page()
                # The mail's picture lives on the site; the machine has no network, so the
                # browser is handed the file the site would serve.
                page.route("https://harbour.example.org/media/**",
                           lambda route: route.fulfill(path=str(image_path)))  # fmt: skip
                page.goto(page_file.as_uri())
                page.wait_for_load_state("load")
                page.screenshot(path=str(shots / f"mail-{width}-{scheme}.png"), full_page=True)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= width, f"{width}px {scheme}: scrolls sideways"
                image = page.locator("figure img")
                assert image.get_attribute("alt").startswith("Blue water")
                assert image.evaluate("img => img.naturalWidth") == 1200  # the picture loaded
                assert image.evaluate("img => img.getBoundingClientRect().width") <= width
                sheet = page.evaluate("getComputedStyle(document.querySelector('.sheet'))"
                                      ".backgroundColor")  # fmt: skip
                text = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
                if scheme == "dark":
                    assert luminance(sheet) < 0.2 and luminance(text) > 0.8
                else:
                    assert luminance(sheet) > 0.9 and luminance(text) < 0.2
                context.close()
