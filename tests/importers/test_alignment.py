"""Where WordPress placed a picture and how large it showed it survive the import: the
Markdown keeps them as an attribute list the editor can change (``{.align-left
.size-thumbnail}``), rendered as classes (no style attribute: the CSP refuses them)."""

import re

from masthead.importers.models import ImportedPost
from masthead.publishing.rendering import render_markdown
from tests.importers.test_media_fetch import jpeg_with_a_location
from tests.importers.wxr_builder import attachment, export, post

# A heron beside the text, a bridge on the right with its caption, a map centred and large:
# the three ways WordPress writes a picture's place (classes on the picture, a [caption]
# shortcode, the block editor's figure).
BODY = (
    '<img class="alignleft size-thumbnail wp-image-10" src="{heron}" alt="A heron" '
    'width="150" height="150" />The heron waits by the weir every morning.\n\n'
    '[caption id="attachment_11" align="alignright" width="300"]<img class="size-medium '
    'wp-image-11" src="{bridge}" alt="The old bridge" width="300" height="200" /> '
    "The bridge before the flood[/caption]\n\nThe river rose twice that winter.\n\n"
    '<!-- wp:image {{"align":"center"}} -->\n<figure class="wp-block-image aligncenter '
    'size-large"><img src="{map}" alt="A map of the valley" class="wp-image-12"/></figure>\n'
    "<!-- /wp:image -->\n\n"
    '<p>A picture with no place given: <img src="{plain}" alt="A stone" /></p>'
)


def test_alignment_and_size_are_kept_as_an_attribute_list_and_shown_as_classes(
    old_site, import_wxr
):
    shown = ("heron-150x150", "bridge-300x200", "map", "stone")
    originals = ("heron", "bridge", "map", "stone")  # the attachments' own files
    for name in set(shown + originals):
        old_site.expect_request(f"/wp-content/uploads/2022/05/{name}.jpg").respond_with_data(
            jpeg_with_a_location(600, 400), content_type="image/jpeg"
        )
    url = lambda name: old_site.url_for(f"/wp-content/uploads/2022/05/{name}.jpg")  # noqa: E731
    body = BODY.format(heron=url(shown[0]), bridge=url(shown[1]), map=url(shown[2]),
                       plain=url(shown[3]))  # fmt: skip
    pictures_there = [attachment(10 + n, url(name), parent=1) for n, name in enumerate(originals)]
    import_wxr(
        export(*pictures_there, post(1, content=body)),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    the_post = ImportedPost.objects.get(wordpress_id=1).post
    pictures = {p.alt: p for p in the_post.body_images.all()}
    assert set(pictures) == {"A heron", "The old bridge", "A map of the valley", "A stone"}
    markdown = the_post.body
    assert pictures["A heron"].markdown + "{.align-left .size-thumbnail}" in markdown
    assert pictures["The old bridge"].markdown + "{.align-right .size-medium}" in markdown
    assert pictures["A map of the valley"].markdown + "{.align-center .size-large}" in markdown
    assert pictures["A stone"].markdown + "{" not in markdown
    html = the_post.body_html
    # The heron stands in a paragraph of words: the picture itself floats.
    assert re.search(r'<img [^>]*class="align-left size-thumbnail"', html)
    # The bridge stands alone with its caption: the figure floats, caption and all.
    assert re.search(
        r'<figure class="body-image align-right size-medium"><img [^>]*>'
        r"<figcaption>The bridge before the flood</figcaption>",
        html,
    )
    assert '<figure class="body-image align-center size-large">' in html
    assert "style=" not in html and "wp-image" not in html and "alignleft" not in html
    # An editor changes the place by changing the list.
    the_post.body = markdown.replace("{.align-right .size-medium}", "{.align-left}")
    the_post.save()
    assert '<figure class="body-image align-left">' in the_post.body_html


def test_without_fetching_the_pictures_keep_their_place_at_their_old_address(import_wxr):
    old = "https://old.example/wp-content/uploads/2022/05/"
    body = BODY.format(heron=old + "h.jpg", bridge=old + "b.jpg", map=old + "m.jpg",
                       plain=old + "s.jpg")  # fmt: skip
    import_wxr(export(post(1, content=body)))
    html = ImportedPost.objects.get(wordpress_id=1).post.body_html
    assert re.search(rf'<img [^>]*src="{old}h.jpg"[^>]*class="align-left size-thumbnail"', html)
    assert re.search(rf'<img [^>]*src="{old}b.jpg"[^>]*class="align-right size-medium"', html)


def test_only_the_known_layout_classes_reach_the_page():
    html = render_markdown(
        '![A](https://example.org/a.jpg){.align-left .size-huge .evil #top onclick="x()" '
        'style="width:9999px"}\n\n![B](https://example.org/b.jpg){.size-medium}\n\n'
        '<img src="https://example.org/c.jpg" class="align-right navbar" alt="C">'
    )
    assert '<img src="https://example.org/a.jpg" alt="A" class="align-left">' in html
    assert 'class="size-medium"' in html
    assert "evil" not in html and "onclick" not in html and "style" not in html
    assert 'id="top"' not in html and "navbar" not in html


def test_a_small_picture_shown_at_its_full_size_stays_small():
    from masthead.importers.wordpress_pictures import with_layout_classes

    shown = with_layout_classes(
        '<img class="size-full wp-image-904 alignleft" src="https://old.example/a-150x150.jpg" '
        'alt="A" width="150" height="150" />'
        '<img class="size-full alignright" src="https://old.example/b.jpg" width="1200" />'
    )
    assert 'class="align-left size-thumbnail"' in shown
    assert 'class="align-right size-full"' in shown


def test_attachments_whose_own_files_are_named_like_sizes_stay_apart(old_site, import_wxr):
    # The theme test export's image-alignment-150x150.jpg and -580x300.jpg are two pictures.
    sizes = {"150x150": (150, 150), "580x300": (580, 300)}
    for name, size in sizes.items():
        old_site.expect_request(
            f"/wp-content/uploads/2013/03/diagram-{name}.jpg"
        ).respond_with_data(jpeg_with_a_location(*size), content_type="image/jpeg")
    url = lambda name: old_site.url_for(f"/wp-content/uploads/2013/03/diagram-{name}.jpg")  # noqa: E731
    body = "".join(f'<p>See <img src="{url(name)}" alt="Diagram {name}"></p>' for name in sizes)
    import_wxr(
        export(*[attachment(20 + n, url(name), parent=1) for n, name in enumerate(sizes)],
               post(1, content=body)),
        "--fetch-media", "--allow-host", old_site.host,
    )  # fmt: skip
    pictures = ImportedPost.objects.get(wordpress_id=1).post.body_images.order_by("alt")
    assert [(p.alt, p.width, p.height) for p in pictures] == [
        ("Diagram 150x150", 150, 150), ("Diagram 580x300", 580, 300),
    ]  # fmt: skip
