"""Reading the files an export refers to: attachments and uploads from ``--media-dir``
into media storage, featured images, and the images of a body at their new addresses."""

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from masthead.importers import wordpress_html
from masthead.importers.models import (
    ImportedAttachment,
)
from masthead.importers.wordpress_mapping import _fit  # noqa: F401
from masthead.importers.wxr import (
    WxrItem,
)
from masthead.publishing import media
from masthead.publishing.images import prepare_body_image
from masthead.publishing.models import (
    Post,
)


class WordPressMedia:
    """The import's media files (part of ``WordPressImport``)."""

    def _import_attachment_record(self, item: WxrItem) -> None:
        record = ImportedAttachment.objects.filter(wordpress_id=item.id, guid=item.guid).first()
        stored = self._store_attachment(item) if self.options.media_dir else ""
        fields = {
            "url": _fit(item.attachment_url or item.guid, 500),
            "title": _fit(item.title, 300),
            "caption": wordpress_html.plain_text(item.excerpt),
            "alt_text": _fit(item.meta.get("_wp_attachment_image_alt", ""), 300),
            "stored_file": stored or (record.stored_file if record else ""),
        }
        if record is None:
            ImportedAttachment.objects.create(wordpress_id=item.id, guid=item.guid, **fields)
            self.summary.count("attachments", "created")
        elif any(getattr(record, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(record, key, value)
            record.save()
            self.summary.count("attachments", "updated")
        else:
            self.summary.count("attachments", "unchanged")
        if not self.options.media_dir:
            self.summary.note("attachments", "kept as their original address (no --media-dir)")

    @staticmethod
    def _upload_path(url: str) -> str:
        """``https://site/wp-content/uploads/2013/03/a.jpg`` → ``2013/03/a.jpg``."""
        path = unquote(urlsplit(url).path)
        marker = "/uploads/"
        return path.split(marker, 1)[1] if marker in path else ""

    def _store_upload(self, relative: str) -> str:
        """Copy one file from --media-dir into media storage; its stored name, or ""."""
        if not relative:
            return ""
        if relative in self._stored_uploads:
            return self._stored_uploads[relative]
        root = self.options.media_dir.resolve()
        source = (root / relative).resolve()
        stored = ""
        if not source.is_relative_to(root):
            self.summary.warn(f"refused a file path outside --media-dir: {relative}")
        elif not source.is_file():
            self.summary.note("attachments", "file not found in --media-dir (address kept)")
        else:
            try:
                with Image.open(source) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                self.summary.note("attachments", "not an image: file not copied (address kept)")
            else:
                target = f"wordpress/{relative}"
                size = source.stat().st_size
                if default_storage.exists(target) and default_storage.size(target) == size:
                    stored = target  # copied by an earlier import
                elif self.options.dry_run:
                    stored = target
                    self.summary.note("attachments", "file copied from --media-dir")
                else:
                    with source.open("rb") as handle:
                        stored = default_storage.save(target, File(handle))
                    self._new_files.append(stored)
                    self.summary.note("attachments", "file copied from --media-dir")
        self._stored_uploads[relative] = stored
        return stored

    def _store_attachment(self, item: WxrItem) -> str:
        if item.id not in self._stored_attachments:
            relative = item.meta.get("_wp_attached_file") or self._upload_path(item.attachment_url)
            self._stored_attachments[item.id] = self._store_upload(relative.lstrip("/"))
        return self._stored_attachments[item.id]

    def _image_url(self, url: str) -> str:
        """A body image's address: our copy when --media-dir has the file, else the original."""
        if not self.options.media_dir:
            return url
        stored = self._store_upload(self._upload_path(url))
        return default_storage.url(stored) if stored else url

    def _gallery_images(self, post: WxrItem) -> Callable[[dict], list]:
        def images(attrs: dict) -> list[wordpress_html.GalleryImage]:
            ids = [int(i) for i in attrs.get("ids", "").replace(" ", "").split(",") if i.isdigit()]
            chosen = (
                [self.attachments[i] for i in ids if i in self.attachments]
                if ids
                else [a for a in self.attachments.values() if a.parent_id == post.id]
            )
            return [
                wordpress_html.GalleryImage(
                    url=self._image_url(a.attachment_url or a.guid),
                    alt=a.meta.get("_wp_attachment_image_alt", "") or a.title,
                    caption=wordpress_html.plain_text(a.excerpt),
                )
                for a in chosen
            ]

        return images

    def _set_featured_image(self, post: Post, item: WxrItem) -> None:
        thumbnail_id = item.meta.get("_thumbnail_id", "")
        if not thumbnail_id.isdigit():
            return
        attachment = self.attachments.get(int(thumbnail_id))
        if attachment is None:
            self.summary.warn(
                f"post {item.id}'s featured image ({thumbnail_id}) is not in the export"
            )
            return
        if not self.options.media_dir:
            self.summary.note("posts", "featured image kept as its address only (no --media-dir)")
            return
        stored = self._store_attachment(attachment)
        if not stored:
            return
        caption = wordpress_html.plain_text(attachment.excerpt)
        alt = attachment.meta.get("_wp_attachment_image_alt", "").strip()
        if not alt:
            self.summary.note("posts", "featured image without alt text: its caption or title used")
        if not self._clean_featured_image(post, stored, item):
            return
        post.image_alt = _fit(alt or caption or attachment.title or post.title, 300)
        post.image_caption = _fit(caption, 300)
        post.image_credit = _fit(item.meta.get("_masthead_image_credit", ""), 200)
        self.summary.note("posts", "featured image copied from --media-dir")

    def _clean_featured_image(self, post: Post, stored: str, item: WxrItem) -> bool:
        """The featured image through the pictures' pipeline (re-encoded, no camera metadata,
        a random folder, narrower copies), kept privately until the post is public."""
        if self.options.dry_run:
            post.featured_image.name = stored
            return True
        if post.pk and media.PIPELINE_NAME.match(post.featured_image.name or ""):
            return True  # cleaned by an earlier import of this post
        try:
            with default_storage.open(stored) as handle:
                prepared = prepare_body_image(handle)
        except ValidationError as refusal:
            self.summary.warn(
                f"post {item.id}'s featured image was not kept: {' '.join(refusal.messages)}"
            )
            return False
        names = media.store_picture(prepared, media.random_folder("posts"), media.private_storage())
        self._new_files.extend(names)
        post.featured_image = names[0]
        return True
