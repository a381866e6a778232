"""Where a post's pictures are kept, and who may read them before the post is public.

A random folder name is not a lock: an address seen in a writer's preview can be
fetched by anyone. So the pictures of a post that is not public (a draft, a post in
review, a scheduled post before its time) are kept under a private root beside
``MEDIA_ROOT`` (``MASTHEAD_PRIVATE_MEDIA_ROOT``), which no front server serves. Their
addresses do not change: ``/media/<name>`` is a file under ``MEDIA_ROOT`` once public,
and otherwise reaches ``serve_media``, which answers only those who may read the post
(its editors and writers, or a reviewer holding a valid preview link) and 404 to
everyone else.

A post goes public in two ways: ``publish()`` (its save moves the files once committed) and,
for a scheduled post, the clock, which runs no code. So the first request for a
picture of a post whose time has come moves that post's pictures to the public root
and answers it; from then on nginx (``try_files``) or this view serves it as a plain
file. Taking a post off the site (``withdraw()``, or any save that leaves it not
public) moves its pictures back before the save returns.
"""

import os
import posixpath
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.utils._os import safe_join
from django.views.static import serve

# The signed cookie a preview link leaves, read only under /media/: the preview's tokens.
PREVIEW_COOKIE = "masthead_preview_media"
PREVIEW_COOKIE_SALT = "masthead.publishing.media.preview"
# A reviewer may hold links to a few posts at once; older ones drop off.
PREVIEW_COOKIE_TOKENS = 8
# A featured image or author photo kept by the pipeline: its size is in its name, so a
# page shows it with width, height and srcset without opening the file.
PIPELINE_NAME = re.compile(r"^(?P<folder>.+)/full-(?P<width>\d+)x(?P<height>\d+)\.(?P<ext>\w+)$")


def private_root() -> Path:
    configured = settings.MASTHEAD_PRIVATE_MEDIA_ROOT
    if configured:
        return Path(configured)
    public = Path(settings.MEDIA_ROOT)
    return public.with_name(public.name + "-private")


def public_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _file_in(root: Path, name: str) -> Path | None:
    try:
        return Path(safe_join(root, name))
    except (SuspiciousFileOperation, ValueError):
        return None


class MediaStorage(FileSystemStorage):
    """The default storage: the public root, and the private one for what is not public yet.

    A name is found in whichever root holds it, so ``open``, ``size`` and ``delete``
    work wherever a file is; ``url`` is the same for both.
    """

    def path(self, name):
        public = super().path(name)
        if os.path.exists(public):
            return public
        private = _file_in(private_root(), name)
        if private is not None and private.exists():
            return str(private)
        return public

    def delete(self, name):
        for root in (public_root(), private_root()):
            found = _file_in(root, name)
            if found is not None:
                found.unlink(missing_ok=True)


def private_storage() -> FileSystemStorage:
    """Where new pictures of a post that is not public are written."""
    return FileSystemStorage(location=private_root(), base_url=settings.MEDIA_URL)


def storage_for(post):
    from django.core.files.storage import default_storage

    return default_storage if post.is_public else private_storage()


# --- the names that belong to a post ----------------------------------------------------
def pipeline_names(full_name: str, widths) -> list[str]:
    """A pipeline picture's full copy and the narrower copies beside it."""
    match = PIPELINE_NAME.match(full_name or "")
    if match is None:
        return [full_name] if full_name else []
    width = int(match["width"])
    narrower = [f"{match['folder']}/{w}w.{match['ext']}" for w in sorted(widths) if w < width]
    return [full_name, *narrower]


def post_media_names(post) -> list[str]:
    from masthead.publishing.images import RENDITION_WIDTHS

    names = pipeline_names(post.featured_image.name, RENDITION_WIDTHS)
    for picture in post.body_images.all():
        names.extend(picture.stored_names())
    return [name for name in names if name]


def _move(name: str, source_root: Path, target_root: Path) -> None:
    source, target = _file_in(source_root, name), _file_in(target_root, name)
    if source is None or target is None or not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:
        # Another file system: copy beside the target, then rename, so nobody reads half.
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
        source.unlink(missing_ok=True)


def publish_post_media(post) -> None:
    for name in post_media_names(post):
        _move(name, private_root(), public_root())


def hide_post_media(post) -> None:
    for name in post_media_names(post):
        _move(name, public_root(), private_root())


def sync_post_media(post) -> None:
    """Put the post's pictures where its state says: public root if public, else private.

    Hiding happens at once; going public waits for the commit (the change registry's
    "public pictures" consumer), so a transaction rolled back never leaves a draft's
    pictures public. (If a hide is rolled back, the
    post is public again and ``serve_media`` moves its pictures back on first request.)
    """
    if not post.is_public:
        hide_post_media(post)
    # Going public is the "public pictures" consumer's, told after the commit
    # (``changes_committed`` below), like every other consequence of a public change.


def changes_committed(committed) -> None:
    """The committed changes' posts that are public now get their pictures in the public root."""
    from masthead.publishing.models import Post

    post_ids = set()
    for change in committed:
        if change.bulk and change.post_ids:
            post_ids |= set(change.post_ids)
        elif change.of("publishing.Post") and not change.deleted and change.pk is not None:
            post_ids.add(change.pk)
    if post_ids:
        for post in Post.objects.public().filter(pk__in=post_ids):
            publish_post_media(post)


def owner_post(name: str):
    """The post a stored picture belongs to, or None."""
    from masthead.publishing.models import BodyImage, Post

    folder = posixpath.dirname(name)
    post = Post.objects.filter(featured_image=name).first()
    if post is None and folder:
        post = Post.objects.filter(featured_image__startswith=f"{folder}/full-").first()
    if post is None and folder:
        picture = BodyImage.objects.filter(image__startswith=f"{folder}/").first()
        post = picture.post if picture is not None else None
    return post


# --- who may read a picture of a post that is not public ----------------------------------
def preview_tokens(request) -> list[str]:
    try:
        value = request.get_signed_cookie(PREVIEW_COOKIE, salt=PREVIEW_COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return []
    return [token for token in value.split() if token][:PREVIEW_COOKIE_TOKENS]


def remember_preview(request, response, token: str, expires_at) -> None:
    """Let the holder of a preview link see the post's pictures (path-scoped to /media/)."""
    tokens = [token, *(t for t in preview_tokens(request) if t != token)]
    response.set_signed_cookie(
        PREVIEW_COOKIE,
        " ".join(tokens[:PREVIEW_COOKIE_TOKENS]),
        salt=PREVIEW_COOKIE_SALT,
        expires=expires_at,
        path=settings.MEDIA_URL,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def may_read_media(request, post) -> bool:
    from masthead.publishing.models import PreviewLink

    if post.can_preview(request.user):
        return True
    for token in preview_tokens(request):
        link = PreviewLink.find_usable(token)
        if link is not None and link.post_id == post.pk:
            return True
    return False


def serve_media(request, path):
    """``/media/<path>``: a public file as it is; a private one only to who may read its post."""
    name = posixpath.normpath(path).lstrip("/")
    public_file = _file_in(public_root(), name)
    if public_file is None:
        raise Http404("No such file.")
    if public_file.is_file() and settings.MASTHEAD_SERVE_MEDIA:
        return serve(request, name, document_root=public_root())
    private_file = _file_in(private_root(), name)
    if private_file is None or not private_file.is_file():
        raise Http404("No such file.")
    post = owner_post(name)
    if post is None:
        raise Http404("No such file.")
    if post.is_public:
        # A scheduled post whose time has come: its pictures go public on first sight.
        publish_post_media(post)
        return serve(request, name, document_root=public_root())
    if not may_read_media(request, post):
        raise Http404("No such file.")
    response = serve(request, name, document_root=private_root())
    response["Cache-Control"] = "private, no-store"
    return response


# --- featured images and author photos: the body images' pipeline ---------------------------
def is_new_upload(field_file) -> bool:
    """A file just given to an ImageField (a form's upload), not yet stored."""
    return bool(field_file) and not getattr(field_file, "_committed", True)


def store_picture(prepared, folder: str, storage) -> list[str]:
    """Write a prepared picture's copies under ``folder``; the names, the full copy first.

    Nothing stays behind if a write fails."""
    from django.core.files.base import ContentFile

    full = f"{folder}/full-{prepared.width}x{prepared.height}.{prepared.extension}"
    written = []
    try:
        written.append(storage.save(full, ContentFile(prepared.full)))
        for width, data in prepared.renditions:
            narrower = f"{folder}/{width}w.{prepared.extension}"
            written.append(storage.save(narrower, ContentFile(data)))
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return written


def random_folder(kind: str) -> str:
    import secrets

    from django.utils import timezone

    return f"{kind}/{timezone.now():%Y}/{secrets.token_hex(12)}"


def picture_view(field_file, *, alt: str, sizes: str, caption: str = "", credit: str = ""):
    """What a template needs to show a featured image or photo with srcset; None if none."""
    from masthead.publishing.images import RENDITION_WIDTHS
    from masthead.publishing.rendering import BodyImageView

    if not field_file:
        return None
    name = field_file.name
    match = PIPELINE_NAME.match(name)
    url = field_file.storage.url(name)
    if match is None:  # kept before the pipeline: one copy, its size unknown
        return BodyImageView(src=url, srcset="", sizes="", width=0, height=0, alt=alt,
                             caption=caption, credit=credit)  # fmt: skip
    width, height = int(match["width"]), int(match["height"])
    names = pipeline_names(name, RENDITION_WIDTHS)[1:]
    sources = [(field_file.storage.url(n), int(n.rsplit("/", 1)[1].split("w.")[0])) for n in names]
    sources.append((url, width))
    return BodyImageView(
        src=url,
        srcset=", ".join(f"{address} {w}w" for address, w in sources),
        sizes=sizes,
        width=width,
        height=height,
        alt=alt,
        caption=caption,
        credit=credit,
    )
