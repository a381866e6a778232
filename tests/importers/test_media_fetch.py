"""import_wxr --fetch-media: a real HTTP server on the loopback interface stands in for
the old site, allowed by name (--allow-host), as an operator allows an intranet host."""

import io
import re

import pytest
from PIL import Image
from werkzeug import Response

from masthead.importers.models import ImportedAttachment, ImportedPost
from masthead.publishing.models import BodyImage
from tests.importers.wxr_builder import attachment, export, post


def imported_post(wordpress_id=1):
    return ImportedPost.objects.get(wordpress_id=wordpress_id).post


def jpeg_with_a_location(width=1000, height=600) -> bytes:
    """A photograph as a camera leaves it: with EXIF, a GPS position among it."""
    picture = Image.new("RGB", (width, height), "#4a7a3a")
    exif = Image.Exif()
    exif[0x010F] = "Harbour Camera Co"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS: latitude
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def site_url(server, path: str) -> str:
    return server.url_for(path)


def archive_with_pictures(server):
    original = site_url(server, "/wp-content/uploads/2021/03/pylon.jpg")
    resized = site_url(server, "/wp-content/uploads/2021/03/pylon-300x180.jpg")
    return export(
        attachment(9, original, alt="A pylon at dusk", caption="Pylon, 2021",
                   file="2021/03/pylon.jpg"),
        post(
            1,
            content=f'<p>Look:</p>\n[caption id="attachment_9" width="300"]<a href="{original}">'
            f'<img src="{resized}" alt="The pylon" width="300" height="180"></a> The north line'
            "[/caption]\n\nAfter the picture.",
            meta={"_thumbnail_id": "9"},
        ),
    )  # fmt: skip


def count_requests(server, path: str) -> int:
    return sum(1 for request, _response in server.log if request.path == path)


def test_pictures_come_home_cleaned_and_the_body_shows_them_with_srcset(
    old_site, import_wxr, client
):
    old_site.expect_request("/wp-content/uploads/2021/03/pylon.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    summary = import_wxr(
        archive_with_pictures(old_site), "--fetch-media", "--allow-host", old_site.host
    )
    the_post = imported_post()
    (picture,) = BodyImage.objects.filter(post=the_post)
    # The size variant in the body is its attachment's original, fetched once.
    assert count_requests(old_site, "/wp-content/uploads/2021/03/pylon.jpg") == 1
    assert count_requests(old_site, "/wp-content/uploads/2021/03/pylon-300x180.jpg") == 0
    assert f"![The pylon](image:{picture.pk})" in the_post.body
    assert picture.caption == "The north line"
    assert (picture.width, picture.height) == (1000, 600)
    with picture.image.open() as handle:
        stored = Image.open(handle)
        assert not stored.getexif()  # the camera's metadata, GPS included, is gone
    page = client.get(the_post.get_absolute_url()).text
    assert "127.0.0.1" not in page and "localhost" not in page.split("<body", 1)[1]
    # Shown 300 pixels wide in WordPress: the medium size here (site.css).
    assert re.search(
        r'<figure class="body-image size-medium"><img src="/media/posts/body/[^"]+"', page
    )
    assert re.search(r'srcset="[^"]+ 480w, [^"]+ 800w, [^"]+ 1000w"', page)
    assert "<figcaption>The north line</figcaption>" in page
    # The featured image from _thumbnail_id, through the same pipeline.
    featured = the_post.featured_image.name
    assert re.fullmatch(r"posts/\d{4}/[0-9a-f]{24}/full-1000x600\.jpg", featured)
    assert the_post.image_alt == "A pylon at dusk"
    assert "picture fetched from the old site and cleaned" in summary
    assert ImportedAttachment.objects.get(wordpress_id=9).stored_file.startswith("wordpress/")


def test_a_loopback_host_not_allowed_by_name_is_refused_and_the_address_kept(old_site, import_wxr):
    old_site.expect_request("/wp-content/uploads/2021/03/pylon.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    summary = import_wxr(archive_with_pictures(old_site), "--fetch-media")
    assert old_site.log == []  # refused before connecting
    the_post = imported_post()
    assert not the_post.body_images.exists()
    assert not the_post.featured_image
    assert "pylon-300x180.jpg" in the_post.body_html
    assert "resolves to a non-public address" in summary
    assert "its original address is kept" in summary


def test_a_redirect_to_a_host_not_allowed_is_refused(old_site, import_wxr):
    elsewhere = site_url(old_site, "/private/pylon.jpg").replace(old_site.host, "127.0.0.1")
    old_site.expect_request("/wp-content/uploads/2021/03/pylon.jpg").respond_with_response(
        Response(status=302, headers={"Location": elsewhere})
    )
    old_site.expect_request("/private/pylon.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    summary = import_wxr(
        archive_with_pictures(old_site), "--fetch-media", "--allow-host", old_site.host
    )
    assert count_requests(old_site, "/private/pylon.jpg") == 0
    assert not imported_post().body_images.exists()
    assert "127.0.0.1 resolves to a non-public address" in summary


def test_a_picture_over_the_size_limit_is_not_kept(old_site, import_wxr, settings):
    settings.MASTHEAD_BODY_IMAGE_MAX_BYTES = 2_000
    old_site.expect_request("/wp-content/uploads/2021/03/pylon.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    summary = import_wxr(
        archive_with_pictures(old_site), "--fetch-media", "--allow-host", old_site.host
    )
    assert not imported_post().body_images.exists()
    assert "larger than 2,000 bytes" in summary


def test_something_that_is_not_a_picture_is_refused_by_the_pipeline(old_site, import_wxr):
    old_site.expect_request("/wp-content/uploads/2021/03/pylon.jpg").respond_with_data(
        "<html>not found, but 200</html>", content_type="text/html"
    )
    summary = import_wxr(
        archive_with_pictures(old_site), "--fetch-media", "--allow-host", old_site.host
    )
    assert not imported_post().body_images.exists()
    assert "not an image that can be read" in summary


def test_importing_again_fetches_only_what_is_still_missing(old_site, import_wxr, client):
    second = site_url(old_site, "/wp-content/uploads/2021/03/cable.jpg")
    archive = archive_with_pictures(old_site).replace(
        "After the picture.", f'<img src="{second}" alt="A cable"> After the picture.'
    )
    old_site.expect_request("/wp-content/uploads/2021/03/pylon.jpg").respond_with_data(
        jpeg_with_a_location(), content_type="image/jpeg"
    )
    old_site.expect_oneshot_request("/wp-content/uploads/2021/03/cable.jpg").respond_with_data(
        "gone for now", status=503
    )
    first = import_wxr(archive, "--fetch-media", "--allow-host", old_site.host)
    assert "503" in first
    assert imported_post().body_images.count() == 1
    old_site.expect_request("/wp-content/uploads/2021/03/cable.jpg").respond_with_data(
        jpeg_with_a_location(400, 300), content_type="image/jpeg"
    )
    import_wxr(archive, "--fetch-media", "--allow-host", old_site.host)
    assert count_requests(old_site, "/wp-content/uploads/2021/03/pylon.jpg") == 1
    assert count_requests(old_site, "/wp-content/uploads/2021/03/cable.jpg") == 2
    the_post = imported_post()
    assert the_post.body_images.count() == 2
    assert "cable.jpg" not in the_post.body_html
    page = client.get(the_post.get_absolute_url()).text
    assert 'alt="A cable"' in page
    # A third time nothing is fetched at all.
    import_wxr(archive, "--fetch-media", "--allow-host", old_site.host)
    assert len(old_site.log) == 3


NOT_PUBLIC = [
    "127.0.0.1", "10.1.2.3", "192.168.0.7", "172.16.4.4", "169.254.169.254", "100.64.0.1",
    "::1", "fe80::1", "fd12:3456::1", "::ffff:127.0.0.1", "224.0.0.1",
    "0.0.0.0",  # noqa: S104 - an address to judge, not one to listen on
]  # fmt: skip


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_addresses_inside_a_network_are_not_public(address):
    from masthead.importers.media_fetch import _is_public

    assert not _is_public(address)


def test_an_ordinary_internet_address_is_public():
    from masthead.importers.media_fetch import _is_public

    assert _is_public("93.184.215.14") and _is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")


def test_only_http_and_https_addresses_are_fetched():
    from masthead.importers.media_fetch import FetchFailed, FetchPolicy, fetch

    policy = FetchPolicy(max_bytes=1000, seconds=2, allowed_hosts=frozenset({"localhost"}))
    for address in ("ftp://localhost/a.jpg", "file:///etc/passwd", "gopher://localhost/"):
        with pytest.raises(FetchFailed, match="only http and https"):
            fetch(address, policy)


def test_with_a_media_folder_a_resized_copy_in_the_body_is_its_original(
    import_wxr, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MASTHEAD_PRIVATE_MEDIA_ROOT = tmp_path / "media-private"
    uploads = tmp_path / "uploads" / "2021" / "03"
    uploads.mkdir(parents=True)
    (uploads / "chart.jpg").write_bytes(jpeg_with_a_location(900, 600))
    import_wxr(
        export(
            attachment(9, "https://old.example.org/wp-content/uploads/2021/03/chart.jpg",
                       alt="A chart", file="2021/03/chart.jpg"),
            post(1, content='<p><img src="https://old.example.org/wp-content/uploads/2021/03/'
                 'chart-300x200.jpg" alt=""></p>'),
        ),
        "--media-dir", str(tmp_path / "uploads"),
    )  # fmt: skip
    the_post = imported_post()
    (chart,) = the_post.body_images.all()
    assert (chart.width, chart.height) == (900, 600)
    assert chart.alt == "A chart"  # the attachment's alt text when the body gave none
    assert "chart-300x200.jpg" not in the_post.body_html
    assert "srcset=" in the_post.body_html
