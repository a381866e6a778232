"""Featured images and author photos are cleaned like body images, and no picture of a post
that is not public reaches an anonymous reader before the post does."""

import datetime
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from masthead.publishing.models import BodyImage, Post, PreviewLink
from tests.publishing.test_desk import change_form_data, member_of
from tests.publishing.test_desk import other_writer as other_writer  # noqa: F401 (a fixture)
from tests.publishing.test_desk import writer as writer  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CAMERA = "Harbour Camera Co"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MASTHEAD_SERVE_MEDIA = True
    return settings.MEDIA_ROOT


def camera_jpeg(size=(1400, 700)) -> bytes:
    """A photo as a phone saves it: camera make and a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2a6f97").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def give_featured_image(client, post, data=None, name="IMG_2041 harbour.jpg"):
    """The editor's admin form, sent back with a featured image chosen."""
    url = f"/admin/publishing/post/{post.pk}/change/"
    form = change_form_data(client, url)
    form.update({"image_alt": "The harbour wall at dawn", "_continue": "Save"})
    form["featured_image"] = SimpleUploadedFile(name, data or camera_jpeg(), "image/jpeg")
    answer = client.post(url, form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    post.refresh_from_db()
    return post


def anonymous_status(url: str) -> int:
    return Client().get(url).status_code


def stored_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_featured_image_uploaded_in_the_admin_is_cleaned_renamed_and_resized(
    editor_client, draft_post
):
    post = give_featured_image(editor_client, draft_post)
    name = post.featured_image.name
    assert "IMG_2041" not in name and "harbour" not in name
    assert re.fullmatch(r"posts/\d{4}/[0-9a-f]{24}/full-1400x700\.jpg", name)
    with Image.open(default_storage.path(name)) as stored:
        assert CAMERA not in str(dict(stored.getexif()))
        assert not stored.getexif().get_ifd(0x8825)  # no GPS position
    folder = name.rsplit("/", 1)[0]
    for width in (480, 800, 1200):
        with Image.open(default_storage.path(f"{folder}/{width}w.jpg")) as copy:
            assert copy.width == width


def test_a_refused_featured_image_is_the_forms_message_and_nothing_is_kept(
    editor_client, draft_post, media
):
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    form = change_form_data(editor_client, url)
    form.update({"image_alt": "A strip", "_continue": "Save"})
    strip = Image.new("L", (1, 20_000))
    buffer = io.BytesIO()
    strip.save(buffer, "PNG")
    form["featured_image"] = SimpleUploadedFile("strip.png", buffer.getvalue(), "image/png")
    answer = editor_client.post(url, form)
    assert answer.status_code == 200
    assert "neither side may be longer than" in answer.content.decode()
    draft_post.refresh_from_db()
    assert not draft_post.featured_image
    roots = [media, media.with_name(media.name + "-private")]
    assert [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()] == []


def test_a_drafts_featured_image_is_not_served_to_an_anonymous_reader_but_to_its_editor(
    editor_client, draft_post
):
    post = give_featured_image(editor_client, draft_post)
    url = post.featured_image.url
    assert anonymous_status(url) == 404
    answer = editor_client.get(url)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"
    assert stored_bytes(answer)[:2] == b"\xff\xd8"


def test_a_writer_sees_the_pictures_of_their_own_draft_and_not_of_anothers(
    client, writer, other_writer, editor_client, draft_post
):
    post = give_featured_image(editor_client, draft_post)  # ada's draft; writer is ada
    ada_client, ben_client = Client(), Client()
    ada_client.force_login(writer)
    ben_client.force_login(other_writer)
    assert ada_client.get(post.featured_image.url).status_code == 200
    assert ben_client.get(post.featured_image.url).status_code == 404
    moderator = Client()
    moderator.force_login(member_of("Moderators", "mo"))
    assert moderator.get(post.featured_image.url).status_code == 404


def test_published_the_pictures_are_public_and_withdrawn_they_are_private_again(
    editor_client, editor, draft_post, media
):
    post = give_featured_image(editor_client, draft_post)
    BodyImage.store(post, SimpleUploadedFile("b.jpg", camera_jpeg((900, 600))), alt="A cable")
    picture = BodyImage.objects.get(post=post)
    addresses = [post.featured_image.url, picture.image.url]
    assert [anonymous_status(a) for a in addresses] == [404, 404]

    post.publish()
    assert [anonymous_status(a) for a in addresses] == [200, 200]
    # Public files lie in the public root, where nginx serves them without the app.
    assert (media / post.featured_image.name).is_file()
    assert (media / picture.image.name).is_file()

    post.status = Post.Status.APPROVED
    post.save()
    post.publish()
    post.withdraw(by=editor)
    assert [anonymous_status(a) for a in addresses] == [404, 404]
    assert not (media / post.featured_image.name).exists()
    assert editor_client.get(addresses[0]).status_code == 200


def test_a_scheduled_posts_picture_answers_404_until_its_time_then_goes_public_by_itself(
    editor_client, scheduled_post, media
):
    post = give_featured_image(editor_client, scheduled_post)
    url = post.featured_image.url
    assert anonymous_status(url) == 404
    # The clock passes the publish time; nothing runs, no save happens.
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - datetime.timedelta(1))
    assert anonymous_status(url) == 200
    assert (media / post.featured_image.name).is_file()  # moved on first sight
    assert anonymous_status(url) == 200


def test_a_reviewer_with_a_preview_link_sees_the_pictures_until_the_link_is_revoked(
    editor_client, editor, draft_post
):
    post = give_featured_image(editor_client, draft_post)
    link = PreviewLink.issue(post, by=editor)
    reviewer = Client()
    assert reviewer.get(post.featured_image.url).status_code == 404
    page = reviewer.get(link.get_absolute_url())
    assert page.status_code == 200
    assert post.featured_image.url in page.content.decode()
    assert reviewer.get(post.featured_image.url).status_code == 200
    # The cookie is sent to /media/ only, and is no use for another post's pictures.
    assert page.cookies["masthead_preview_media"]["path"] == "/media/"
    link.revoke()
    assert reviewer.get(post.featured_image.url).status_code == 404


def test_an_address_taken_from_a_preview_is_no_use_to_someone_without_the_link(
    editor_client, editor, draft_post
):
    post = give_featured_image(editor_client, draft_post)
    BodyImage.store(post, SimpleUploadedFile("b.jpg", camera_jpeg((900, 600))), alt="A cable")
    link = PreviewLink.issue(post, by=editor)
    page = Client().get(link.get_absolute_url()).content.decode()
    addresses = set(re.findall(r'(/media/[^"\s,]+)', page))
    assert len(addresses) >= 4  # the featured image and the body image, each in widths
    for address in addresses:
        assert anonymous_status(address) == 404


def test_the_post_page_shows_the_featured_image_with_srcset(client, editor_client, draft_post):
    post = give_featured_image(editor_client, draft_post)
    post.publish()
    page = client.get(post.get_absolute_url()).content.decode()
    image = re.search(r'<figure class="post__figure">\s*<img [^>]+>', page)[0]
    assert 'alt="The harbour wall at dawn"' in image
    assert 'width="1400" height="700"' in image
    widths = re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', image)[1])
    assert widths == ["480", "800", "1200", "1400"]
    for address in re.findall(r"(/media/\S+) \d+w", image):
        assert client.get(address).status_code == 200


def test_an_author_photo_is_cleaned_and_shown_with_srcset(client, editor_client, ada, media):
    url = f"/admin/publishing/author/{ada.pk}/change/"
    form = {
        "display_name": ada.display_name, "given_name": ada.given_name,
        "family_name": ada.family_name, "slug": ada.slug, "role": ada.role, "bio": ada.bio,
        "orcid": "", "photo": SimpleUploadedFile("DSC_0001.jpg", camera_jpeg((1000, 1000))),
    }  # fmt: skip
    answer = editor_client.post(url, form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    ada.refresh_from_db()
    assert "DSC_0001" not in ada.photo.name
    with Image.open(default_storage.path(ada.photo.name)) as stored:
        assert CAMERA not in str(dict(stored.getexif()))
    page = client.get(ada.get_absolute_url()).content.decode()
    photo = re.search(r'<img class="author-profile__photo"[^>]+>', page)[0]
    assert "srcset=" in photo and 'sizes="120px"' in photo
    for address in re.findall(r"(/media/\S+) \d+w", photo):
        assert client.get(address).status_code == 200


def test_a_file_under_the_private_root_that_belongs_to_no_post_is_never_served(
    editor_client, media
):
    stray = media.with_name(media.name + "-private") / "posts" / "2026" / "stray.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(camera_jpeg((10, 10)))
    assert editor_client.get("/media/posts/2026/stray.jpg").status_code == 404
    assert anonymous_status("/media/../media-private/posts/2026/stray.jpg") == 404
