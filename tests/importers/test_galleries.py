"""WordPress galleries stay galleries: a grid with its columns and captions, each picture
linked to its large copy, kept as a Markdown block an editor can change."""

import re

from masthead.importers.models import ImportedPost
from masthead.publishing.rendering import render_markdown
from tests.importers.test_media_fetch import jpeg_with_a_location
from tests.importers.wxr_builder import attachment, export, post


def imported_post(wordpress_id=1):
    return ImportedPost.objects.get(wordpress_id=wordpress_id).post


def grid_items(html: str) -> list[str]:
    grid = re.search(r'<ul class="gallery gallery--columns-\d">(.*?)</ul>', html, re.S)
    assert grid, html
    return re.findall(r"<li>(.*?)</li>", grid[1], re.S)


def test_a_gallery_shortcode_with_its_pictures_brought_home_is_a_grid_with_srcset(
    old_site,
    import_wxr,
    client,
):
    for name in ("pylon", "cable", "tower"):
        old_site.expect_request(f"/wp-content/uploads/2021/03/{name}.jpg").respond_with_data(
            jpeg_with_a_location(), content_type="image/jpeg"
        )
    url = lambda name: old_site.url_for(f"/wp-content/uploads/2021/03/{name}.jpg")  # noqa: E731
    import_wxr(
        export(
            attachment(10, url("pylon"), alt="A pylon", caption="Pylon in snow", parent=1),
            attachment(11, url("cable"), alt="A cable", parent=1),
            attachment(12, url("tower"), alt="A tower", caption="Tower", parent=1),
            post(1, content='Pictures:\n\n[gallery columns="2" link="file"]\n\nThe end.'),
        ),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    the_post = imported_post()
    pictures = list(the_post.body_images.order_by("pk"))
    assert len(pictures) == 3
    # Stored as a block the editor can change, one picture a line.
    block = "\n".join(["::: gallery columns=2", *(p.markdown for p in pictures), ":::"])
    assert block in the_post.body
    page = client.get(the_post.get_absolute_url()).text
    assert '<ul class="gallery gallery--columns-2">' in page
    items = grid_items(page)
    assert len(items) == 3
    first = items[0]
    # Linked to its large copy, with srcset, and its caption.
    large = r'<a href="(/media/posts/body/[^"]+/full[^"]*\.jpg)"[^>]*><img src="\1"'
    assert re.search(large, first)
    assert "srcset=" in first and "<figcaption>Pylon in snow</figcaption>" in first
    assert "<figcaption>" not in items[1]
    # An editor changing the columns changes the grid.
    the_post.body = the_post.body.replace("columns=2", "columns=4")
    the_post.save()
    assert '<ul class="gallery gallery--columns-4">' in the_post.body_html


def test_a_block_editor_gallery_keeps_its_columns_and_captions(import_wxr):
    block = (
        '<!-- wp:gallery {"columns":2,"linkTo":"none"} -->\n'
        '<figure class="wp-block-gallery has-nested-images columns-2">'
        '<!-- wp:image {"id":5} -->\n<figure class="wp-block-image"><img '
        'src="https://old.example.org/wp-content/uploads/2021/03/a-1024x768.jpg" alt="Pylons" '
        'data-id="5"/><figcaption class="wp-element-caption">Pylons <em>at</em> dusk'
        "</figcaption></figure>\n<!-- /wp:image -->\n"
        '<!-- wp:image {"id":6} -->\n<figure class="wp-block-image"><img '
        'src="https://old.example.org/wp-content/uploads/2021/03/b.jpg" alt="Cables" '
        'data-id="6"/></figure>\n<!-- /wp:image -->'
        '<figcaption class="blocks-gallery-caption wp-element-caption">Two pictures'
        "</figcaption></figure>\n<!-- /wp:gallery -->"
    )
    summary = import_wxr(export(post(1, content=f"<p>Before.</p>\n{block}\n<p>After.</p>")))
    html = imported_post().body_html
    assert '<ul class="gallery gallery--columns-2">' in html
    items = grid_items(html)
    assert len(items) == 2
    assert 'href="https://old.example.org/wp-content/uploads/2021/03/a-1024x768.jpg"' in items[0]
    assert "<figcaption>Pylons at dusk</figcaption>" in items[0]
    assert 'alt="Cables"' in items[1]
    assert "<p>Two pictures</p>" in html
    assert "1 gallery block kept as a gallery" in summary


def test_the_gallery_block_is_inert_to_hostile_values():
    html = render_markdown(
        '::: gallery columns=3 onload="x"\n'
        '![a" onerror="alert(1)](javascript:alert(1) "c<script>")\n'
        ":::"
    )
    assert '<ul class="gallery gallery--columns-3">' in html
    assert not re.search(r"<[^>]+\son\w+=", html)  # no handler attribute on any element
    assert "<script" not in html
    assert not re.search(r'(href|src)="javascript:', html)
