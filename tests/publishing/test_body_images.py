"""Pictures in the body: uploaded in the editor with alt text, resized, shown with srcset."""

import io
import re
import struct
import subprocess
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from masthead.publishing.models import BodyImage
from tests.publishing.test_desk import change_form_data
from tests.publishing.test_desk import writer as writer  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture_bytes(size=(1400, 700), colour="#2a6f97", kind="JPEG", **save):
    buffer = io.BytesIO()
    Image.new("RGBA" if kind == "PNG" else "RGB", size, colour).save(buffer, kind, **save)
    return buffer.getvalue()


def upload(client, post, data: bytes, name="harbour.jpg", **fields):
    fields = {"alt": "Wind turbines off the harbour wall", **fields}
    return client.post(
        f"/admin/publishing/post/{post.pk}/images/",
        {"image": SimpleUploadedFile(name, data), **fields},
    )


def stored_files(media):
    """Every stored file's name, in the public root and in the private one beside it."""
    roots = [media, media.with_name(media.name + "-private")]
    return sorted(p.name for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def test_an_uploaded_image_is_kept_in_several_widths_and_answered_with_its_markdown(
    editor_client, draft_post, media
):
    answer = upload(editor_client, draft_post, picture_bytes(), caption="The new array")
    assert answer.status_code == 201
    picture = BodyImage.objects.get(post=draft_post)
    assert answer.json()["markdown"] == f"![Wind turbines off the harbour wall](image:{picture.pk})"
    assert [width for width, _name in picture.renditions] == [480, 800, 1200]
    assert (picture.width, picture.height) == (1400, 700)
    assert stored_files(media) == ["1200w.jpg", "480w.jpg", "800w.jpg", "full.jpg"]
    with Image.open(default_storage.path(picture.renditions[0][1])) as smallest:
        assert smallest.size == (480, 240)


def test_the_public_page_shows_the_image_as_a_figure_with_srcset_alt_caption_and_credit(
    client, editor_client, published_post, media
):
    answer = upload(
        editor_client, published_post, picture_bytes(), caption="The new array",
        credit="Photo: J. Ruiz",
    ).json()  # fmt: skip
    published_post.body += f"\n\n{answer['markdown']}\n"
    published_post.full_clean()
    published_post.save()
    page = client.get(published_post.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="body-image">.*?</figure>', page, re.S)[0]
    assert 'alt="Wind turbines off the harbour wall"' in figure
    widths = re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', figure)[1])
    assert widths == ["480", "800", "1200", "1400"]
    assert "sizes=" in figure and 'width="1400" height="700"' in figure
    assert "The new array" in figure and "Photo: J. Ruiz" in figure
    # Each address in the srcset is a stored file.
    for address in re.findall(r"/media/(\S+) \d+w", figure):
        assert (media / address).is_file()


def test_an_upload_without_alt_text_is_refused_and_nothing_is_stored(
    editor_client, draft_post, media
):
    answer = upload(editor_client, draft_post, picture_bytes(), alt="   ")
    assert answer.status_code == 400
    assert answer.json()["error"] == "Describe the image for readers who cannot see it."
    assert not BodyImage.objects.exists() and stored_files(media) == []


def png_declaring(width, height):
    """A tiny PNG whose header claims a huge canvas: a decompression bomb's calling card."""

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("notes.jpg", b"These are my notes, not a picture.", "not an image that can be read"),
        ("chart.svg", SVG_WITH_SCRIPT, "SVG drawings are not accepted"),
        ("chart.png", SVG_WITH_SCRIPT, "SVG drawings are not accepted"),
        ("bomb.png", png_declaring(60000, 60000), "at most 40 million pixels"),
        ("large.png", png_declaring(8000, 6000), "at most 40 million pixels"),
        ("scan.tiff", picture_bytes(kind="TIFF"), "TIFF images are not accepted"),
        ("cut.jpg", picture_bytes()[:400], "not an image that can be read"),
    ],
)
def test_a_file_that_is_no_acceptable_image_is_refused_with_a_reason_and_nothing_is_stored(
    editor_client, draft_post, media, name, data, says
):
    answer = upload(editor_client, draft_post, data, name=name)
    assert answer.status_code == 400
    assert says in answer.json()["error"]
    assert not BodyImage.objects.exists() and stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    editor_client, draft_post, media, settings
):
    settings.MASTHEAD_BODY_IMAGE_MAX_BYTES = 20_000
    data = picture_bytes(size=(40, 40))
    answer = upload(editor_client, draft_post, data + b"\0" * (51_200 - len(data)))
    assert answer.status_code == 400
    assert answer.json()["error"].startswith(
        "This file is 50.0\xa0KB; an image may be at most 19.5\xa0KB."
    )
    assert stored_files(media) == []


def grey_png(width, height):
    """A real, complete greyscale PNG of ``width`` × ``height`` black pixels, compressed
    as it is written so that a strip of millions of rows stays a few hundred kilobytes."""

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + width)  # the filter byte, then the row's pixels
    rows_at_once = max(1, 1_000_000 // len(row))
    parts = []
    for first in range(0, height, rows_at_once):
        parts.append(compressor.compress(row * min(rows_at_once, height - first)))
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )  # fmt: skip


def test_a_strip_one_pixel_wide_and_39_million_high_is_refused_on_the_form_not_with_an_error(
    editor_client, draft_post, media
):
    # Under the 40-million-pixel cap, yet no encoder can write it: refused by its longest side.
    strip = grey_png(1, 39_000_000)
    answer = upload(editor_client, draft_post, strip, name="strip.png")
    assert answer.status_code == 400
    assert "neither side may be longer than 16,000 pixels" in answer.json()["error"]
    assert not BodyImage.objects.exists() and stored_files(media) == []


def test_the_stored_copies_carry_no_camera_metadata(editor_client, draft_post, media):
    exif = Image.Exif()
    exif[0x010F] = "Harbour Camera Co"  # Make
    upload(editor_client, draft_post, picture_bytes(size=(900, 600), exif=exif.tobytes()))
    picture = BodyImage.objects.get()
    for name in picture.stored_names():
        with Image.open(default_storage.path(name)) as stored:
            assert "Harbour Camera Co" not in str(dict(stored.getexif()))


def test_a_transparent_png_stays_a_png(editor_client, draft_post):
    upload(editor_client, draft_post, picture_bytes(kind="PNG", colour=(0, 0, 0, 0)), "logo.png")
    assert BodyImage.objects.get().image.name.endswith("full.png")


def test_a_post_cannot_show_another_posts_image(editor_client, draft_post, published_post):
    answer = upload(editor_client, draft_post, picture_bytes()).json()
    published_post.body += f"\n\n{answer['markdown']}\n"
    with pytest.raises(Exception, match="not one of this post's images"):
        published_post.full_clean()


def test_the_editor_preview_shows_the_uploaded_image(editor_client, draft_post):
    answer = upload(editor_client, draft_post, picture_bytes()).json()
    preview = editor_client.post(
        f"/admin/publishing/post/{draft_post.pk}/autosave/",
        {"title": draft_post.title, "body": f"Before.\n\n{answer['markdown']}\n"},
    ).json()
    assert '<figure class="body-image"><img' in preview["preview_html"]
    assert "srcset=" in preview["preview_html"]
    # The reference is not counted as words a reader reads.
    assert preview["words"] == 1


def test_a_changed_caption_in_the_post_form_reaches_the_page(client, editor_client, published_post):
    answer = upload(editor_client, published_post, picture_bytes(), caption="Old caption").json()
    published_post.body += f"\n\n{answer['markdown']}\n"
    published_post.save()
    url = f"/admin/publishing/post/{published_post.pk}/change/"
    data = change_form_data(editor_client, url)
    prefix = next(key for key in data if key.endswith("-caption")).removesuffix("-caption")
    data[f"{prefix}-caption"] = "New caption"
    assert editor_client.post(url, data).status_code == 302
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "New caption" in page and "Old caption" not in page


def test_someone_who_may_not_change_the_post_cannot_add_images_to_it(
    client, writer, published_post
):
    client.force_login(writer)
    answer = upload(client, published_post, picture_bytes())
    assert answer.status_code == 403
    assert not BodyImage.objects.exists()


def test_deleting_a_post_removes_its_image_files(editor_client, draft_post, media):
    upload(editor_client, draft_post, picture_bytes())
    draft_post.delete()
    assert stored_files(media) == []


def test_raw_html_in_a_body_cannot_smuggle_a_script_through_srcset_or_sizes(draft_post):
    draft_post.body = (
        '<img src="/x.jpg" srcset="javascript:alert(1) 1w" sizes="100vw" onerror="alert(1)">'
        '<img src="/y.jpg" srcset="//evil.example/t.gif 1w">'
        '<figure class="site-header">x</figure>'
    )
    draft_post.save()
    assert "javascript" not in draft_post.body_html and "onerror" not in draft_post.body_html
    assert "srcset" not in draft_post.body_html and "sizes" not in draft_post.body_html
    assert "site-header" not in draft_post.body_html


FRAGMENTS = [
    "![a](image:1)", "![](image:2)", "![x](image:99)", '<img src="image:1">',
    '<img srcset="javascript:alert(1) 1w">', '<img srcset="/a.jpg 1w, //evil.example/b 2w">',
    '<img sizes="100vw" loading="eager">', "<figure class=x onclick=alert(1)>", "<script>",
    '"', "'", ">", "<", "\n\n", " ", "*", "[", "]", "(", ")", '" onerror="alert(1)',
    "<svg onload=alert(1)>", "![a](image:1 \"t\" onerror=x)", "<small class=credit>",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_no_mix_of_image_references_and_raw_html_gets_script_or_foreign_srcset_through(pieces):
    from masthead.publishing.rendering import BodyImageView, render_markdown

    view = BodyImageView(
        src="/media/posts/body/2026/ab/full.jpg",
        srcset="/media/posts/body/2026/ab/480w.jpg 480w, /media/posts/body/2026/ab/full.jpg 900w",
        sizes="(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)",
        width=900, height=500, alt='Alt "quoted" <b>', caption="<i>c</i>", credit="&",
    )  # fmt: skip
    html = render_markdown("".join(pieces), images={1: view, 2: view})
    tags = re.findall(r"<[^>]*>", html.lower())
    assert not [tag for tag in tags if tag.startswith(("<script", "<svg"))]
    assert not [tag for tag in tags if "javascript:" in tag or re.search(r"\son\w+=", tag)]
    for srcset in re.findall(r'srcset="([^"]*)"', html):
        assert srcset == view.srcset
    assert not [tag for tag in tags if "image:" in tag]  # never left in an attribute


def test_the_printed_pdf_carries_the_picture(client, editor_client, published_post, tmp_path):
    answer = upload(editor_client, published_post, picture_bytes(size=(900, 450))).json()
    published_post.body += f"\n\n{answer['markdown']}\n"
    published_post.save()
    pdf = client.get(published_post.get_absolute_url().rstrip("/") + ".pdf")
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "post.pdf").write_bytes(pdf.content)
    listing = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "post.pdf")], capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"\b900\s+450\b", listing), listing


def test_a_writer_uploads_to_their_draft_and_describes_the_picture_on_its_form(
    client, writer, draft_post
):
    client.force_login(writer)
    assert upload(client, draft_post, picture_bytes()).status_code == 201
    page = client.get(f"/admin/publishing/post/{draft_post.pk}/change/").content.decode()
    assert "Images in the body" in page and 'name="body_images-0-caption"' in page


def test_feed_readers_get_the_pictures_at_absolute_addresses(
    client, editor_client, published_post, settings
):
    settings.MASTHEAD_SITE_URL = "https://harbour.example.org"
    answer = upload(editor_client, published_post, picture_bytes()).json()
    published_post.summary = ""
    published_post.body += f"\n\n{answer['markdown']}\n"
    published_post.save()
    item = client.get("/feed/json/").json()["items"][0]
    image = re.search(r"<img [^>]+>", item["content_html"])[0]
    sources = [re.search(r'src="([^"]+)"', image)[1]]
    sources += [c.split(" ")[0] for c in re.search(r'srcset="([^"]+)"', image)[1].split(", ")]
    assert len(sources) == 5
    assert all(s.startswith("https://harbour.example.org/media/posts/body/") for s in sources)


def test_the_content_api_gives_the_pictures_at_absolute_addresses(
    client, editor_client, published_post
):
    answer = upload(editor_client, published_post, picture_bytes()).json()
    published_post.body += f"\n\n{answer['markdown']}\n"
    published_post.save()
    body = client.get("/api/v1/posts/energy/batteries-alone").json()["body_html"]
    srcset = re.search(r'srcset="([^"]+)"', body)[1]
    assert re.search(r'src="http://testserver/media/posts/body/[^"]+/full.jpg"', body)
    assert all(c.startswith("http://testserver/media/") for c in srcset.split(", "))
