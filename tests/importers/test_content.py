"""WordPress HTML becomes Markdown an editor can keep editing, and nothing hostile survives."""

import io
import re

from PIL import Image

from masthead.importers.models import ImportedAttachment, ImportedPost
from tests.importers.wxr_builder import attachment, export, post


def imported_post(wordpress_id=1):
    return ImportedPost.objects.get(wordpress_id=wordpress_id).post


def test_block_editor_comments_disappear_and_the_blocks_content_stays(import_wxr):
    import_wxr(
        export(
            post(
                1,
                content='<!-- wp:heading {"level":2} -->\n<h2>Why lines</h2>\n<!-- /wp:heading -->'
                "\n\n<!-- wp:paragraph -->\n<p>Because <strong>distance</strong>.</p>\n"
                "<!-- /wp:paragraph -->",
            )
        )
    )
    body = imported_post().body
    assert "wp:" not in body
    assert "## Why lines" in body
    assert "Because **distance**." in body


def test_classic_editor_text_gets_wordpress_paragraphs_and_line_breaks(import_wxr):
    import_wxr(export(post(1, content="First paragraph\nsame paragraph\n\nSecond paragraph")))
    html = imported_post().body_html
    assert "<p>First paragraph<br>" in html
    assert "<p>Second paragraph</p>" in html


def test_a_caption_shortcode_becomes_a_figure_with_its_caption(import_wxr, client):
    summary = import_wxr(
        export(
            post(
                1,
                content='[caption id="attachment_9" align="alignnone" width="300"]'
                '<a href="https://old.example.org/big.jpg"><img src="https://old.example.org/a.jpg"'
                ' alt="A substation" width="300" /></a> The substation at dusk[/caption]',
            )
        )
    )
    page = client.get(imported_post().get_absolute_url()).text
    assert "<figure>" in page
    assert '<img src="https://old.example.org/a.jpg"' in page
    assert "<figcaption>The substation at dusk</figcaption>" in page
    assert "[caption" not in page
    assert "1 [caption] converted to a figure" in summary


def test_a_gallery_stays_a_gallery_of_the_images_it_names(import_wxr):
    summary = import_wxr(
        export(
            attachment(
                10,
                "https://old.example.org/wp-content/uploads/2021/03/a.jpg",
                alt="Pylons",
                caption="Pylons in snow",
            ),
            attachment(
                11, "https://old.example.org/wp-content/uploads/2021/03/b.jpg", alt="Cables"
            ),
            post(1, content='<p>Pictures:</p>\n\n[gallery ids="10,11" columns="2"]'),
        )  # fmt: skip
    )
    html = imported_post().body_html
    assert '<ul class="gallery gallery--columns-2">' in html
    assert 'src="https://old.example.org/wp-content/uploads/2021/03/a.jpg"' in html
    assert 'alt="Cables"' in html
    assert "<figcaption>Pylons in snow</figcaption>" in html
    assert "[gallery" not in html
    assert "1 [gallery] kept as a gallery" in summary


def test_embeds_become_links_and_a_playlist_is_dropped_with_counts(import_wxr):
    summary = import_wxr(
        export(
            post(
                1,
                content="[embed]https://video.example.net/watch/42[/embed]\n\n"
                'https://video.example.net/watch/43\n\n[playlist ids="1,2"]',
            )
        )
    )
    html = imported_post().body_html
    assert '<a href="https://video.example.net/watch/42"' in html
    assert '<a href="https://video.example.net/watch/43"' in html
    assert "[playlist" not in html
    assert "1 [embed] converted to a link" in summary
    assert "1 auto-embed converted to a link" in summary
    assert "1 [playlist] dropped" in summary


def test_nothing_hostile_in_a_post_survives_the_import(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                content='<p onclick="steal()">Hello<script>alert(1)</script></p>'
                '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">click</a>'
                "<iframe src='https://evil.example/'></iframe><style>body{display:none}</style>",
            )
        )
    )
    page = client.get(imported_post().get_absolute_url()).text
    for hostile in ("alert(", "onclick", "onerror", "javascript:", "<iframe", "display:none"):
        assert hostile not in page
    assert "Hello" in page


def test_the_featured_image_keeps_its_address_without_a_media_folder(import_wxr):
    summary = import_wxr(
        export(
            attachment(
                9,
                "https://old.example.org/wp-content/uploads/2021/03/pylon.jpg",
                alt="A pylon",
                caption="Pylon, 2021",
            ),
            post(1, meta={"_thumbnail_id": "9"}),
        )  # fmt: skip
    )
    assert not imported_post().featured_image
    kept = ImportedAttachment.objects.get(wordpress_id=9)
    assert kept.url == "https://old.example.org/wp-content/uploads/2021/03/pylon.jpg"
    assert (kept.alt_text, kept.caption) == ("A pylon", "Pylon, 2021")
    assert "featured image kept as its address only (no --media-dir or --fetch-media)" in summary


def picture(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


def test_with_a_media_folder_the_featured_image_is_copied_with_alt_text_and_caption(
    import_wxr, tmp_path, settings, client, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads"
    picture(uploads / "2021" / "03" / "pylon.jpg")
    with django_capture_on_commit_callbacks(execute=True):  # as when committed
        import_wxr(
            export(
                attachment(
                    9,
                    "https://old.example.org/wp-content/uploads/2021/03/pylon.jpg",
                    alt="A pylon",
                    caption="Pylon, 2021",
                    file="2021/03/pylon.jpg",
                ),
                post(1, meta={"_thumbnail_id": "9"}),
            ),  # fmt: skip
            "--media-dir",
            str(uploads),
        )
    post_here = imported_post()
    # Cleaned like any upload: re-encoded into a random folder, not the WordPress file itself.
    assert re.fullmatch(
        r"posts/\d{4}/[0-9a-f]{24}/full-\d+x\d+\.jpg", post_here.featured_image.name
    )
    assert (tmp_path / "media" / post_here.featured_image.name).exists()
    # The file as WordPress had it (camera metadata and all) is never stored.
    assert not list((tmp_path / "media").rglob("pylon.jpg"))
    assert (post_here.image_alt, post_here.image_caption) == ("A pylon", "Pylon, 2021")
    page = client.get(post_here.get_absolute_url()).text
    assert 'alt="A pylon"' in page


def test_with_a_media_folder_images_in_the_body_point_at_the_copies(import_wxr, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads"
    picture(uploads / "2021" / "03" / "chart.jpg")
    import_wxr(
        export(
            post(
                1,
                content='<p><img src="https://old.example.org/wp-content/uploads/2021/03/'
                'chart.jpg" alt="Chart"> and <img src="https://old.example.org/wp-content/'
                'uploads/2021/03/missing.jpg" alt="Gone"></p>',
            ),
        ),  # fmt: skip
        "--media-dir",
        str(uploads),
    )
    the_post = imported_post()
    (chart,) = the_post.body_images.all()
    assert f"![Chart](image:{chart.pk})" in the_post.body
    html = the_post.body_html
    assert f'src="{settings.MEDIA_URL}posts/body/' in html
    assert "srcset=" in html
    assert 'src="https://old.example.org/wp-content/uploads/2021/03/missing.jpg"' in html


def test_a_file_path_that_climbs_out_of_the_media_folder_is_refused(import_wxr, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    picture(tmp_path / "secret.jpg")
    summary = import_wxr(
        export(
            attachment(
                9, "https://old.example.org/wp-content/uploads/x.jpg", alt="x", file="../secret.jpg"
            ),
            post(1, meta={"_thumbnail_id": "9"}),
        ),  # fmt: skip
        "--media-dir",
        str(uploads),
    )
    assert not imported_post().featured_image
    assert "refused a file path outside --media-dir: ../secret.jpg" in summary
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.jpg"))


def test_importing_again_with_the_media_folder_copies_no_file_twice_and_a_dry_run_none(
    import_wxr, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads"
    picture(uploads / "2021" / "03" / "pylon.jpg")
    archive = export(
        attachment(9, "https://old.example.org/wp-content/uploads/2021/03/pylon.jpg",
                   alt="A pylon", file="2021/03/pylon.jpg"),
        post(1, meta={"_thumbnail_id": "9"}),
    )  # fmt: skip
    rehearsal = import_wxr(archive, "--media-dir", str(uploads), "--dry-run")
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.jpg"))
    assert "1 picture copied from --media-dir (dry run)" in rehearsal
    import_wxr(archive, "--media-dir", str(uploads))
    first_name = imported_post().featured_image.name
    changed = archive.replace("Transmission is the bottleneck.", "Lines first.")
    import_wxr(changed, "--media-dir", str(uploads))
    roots = [tmp_path / "media", tmp_path / "media-private"]
    copies = sorted(str(p.relative_to(root)) for root in roots for p in root.rglob("*.jpg"))
    # The attachment cleaned once (kept privately for later imports), and the post's copy.
    assert len(copies) == 2
    assert first_name in copies
    assert any(name.startswith("wordpress/") for name in copies)
    assert imported_post().featured_image.name == first_name
