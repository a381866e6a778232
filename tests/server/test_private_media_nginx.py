"""Through deploy/nginx.conf and the real nginx: a picture of a post that is not public
answers 404 to an anonymous reader; once the post is public nginx serves it as a file."""

from harness.http import get, status_of
from harness.nginx import start_nginx, stop

MAKE_DRAFT_WITH_PICTURE = """
import datetime, io
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from masthead.publishing.models import Blog, Post
buffer = io.BytesIO()
Image.new("RGB", (900, 500), "#2a6f97").save(buffer, "JPEG")
post = Post(blog=Blog.objects.get(slug="energy"), title="On {status} tariffs",
            slug="{status}-tariffs", status="{status}", body="Text.", image_alt="A pylon",
            featured_image=ContentFile(buffer.getvalue(), name="IMG_0001.jpg"), {extra})
post.full_clean()
post.save()
print(post.pk, post.featured_image.url)
"""


def make_post(site, status: str, extra: str = "") -> tuple[str, str]:
    pk, url = site.shell(MAKE_DRAFT_WITH_PICTURE.format(status=status, extra=extra)).split()[-2:]
    return pk, url


def test_nginx_serves_no_picture_of_a_draft_or_a_scheduled_post_before_its_time(new_site, tmp_path):
    site = new_site()
    app_port = site.serve("--no-worker")
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    (tmp_path / "site").mkdir()
    nginx, port = start_nginx(
        workdir, root=tmp_path / "site", app_ports=[app_port], media=site.data_dir / "media"
    )
    try:
        draft, draft_picture = make_post(site, "draft")
        assert status_of(get(port, draft_picture)) == 404
        assert not (site.data_dir / "media" / draft_picture.removeprefix("/media/")).exists()

        site.shell(
            f"from masthead.publishing.models import Post; Post.objects.get(pk={draft}).publish()"
        )
        # Published: the file lies under MEDIA_ROOT and nginx answers it without the app.
        assert (site.data_dir / "media" / draft_picture.removeprefix("/media/")).is_file()
        head = get(port, draft_picture).split(b"\r\n\r\n", 1)[0]
        assert status_of(head) == 200 and b"image/jpeg" in head.lower()

        later = "publish_at=timezone.now() + datetime.timedelta(days=1)"
        scheduled, scheduled_picture = make_post(site, "scheduled", later)
        assert status_of(get(port, scheduled_picture)) == 404
        # Its time comes (the clock passes it: no save, nothing runs) and the first request
        # makes the picture public.
        site.shell(
            "import datetime; from django.utils import timezone;"
            "from masthead.publishing.models import Post;"
            f"Post.objects.filter(pk={scheduled}).update("
            "publish_at=timezone.now() - datetime.timedelta(seconds=1))"
        )
        assert status_of(get(port, scheduled_picture)) == 200
        assert (site.data_dir / "media" / scheduled_picture.removeprefix("/media/")).is_file()
    finally:
        stop(nginx)
