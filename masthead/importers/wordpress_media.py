"""The pictures an export refers to: brought home, cleaned, and shown from here.

A picture comes from ``--media-dir`` (a copy of ``wp-content/uploads``) or, with
``--fetch-media``, from the old site itself (``media_fetch``: http(s) only, public
addresses only unless a host is allowed by name, bounded in bytes, time and
redirects). Either way it goes through the pipeline every upload goes through
(``publishing.images.prepare_body_image``: re-encoded, camera metadata dropped,
narrower copies for ``srcset``), once per picture: the cleaned copies are kept
privately under ``wordpress/`` and their full copy's name is recorded on the
attachment, so importing again fetches only what is still missing.

A post then gets its own copies of the files (a post's pictures go public and
private with it): the featured image from ``_thumbnail_id``, and a ``BodyImage``
for each picture in its body, named in the Markdown as ``![alt](image:N)``
exactly as the editor's "Insert image" does, so readers get ``srcset``. A
picture WordPress shows at a size (``photo-300x200.jpg``) is its attachment's
original (``photo.jpg``), cleaned once. A picture that could not be brought
home keeps its original address and is reported.
"""

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from masthead.importers import wordpress_html
from masthead.importers.media_fetch import FetchFailed, fetch
from masthead.importers.models import ImportedAttachment
from masthead.importers.wordpress_mapping import _fit  # noqa: F401
from masthead.importers.wxr import WxrItem
from masthead.publishing import media
from masthead.publishing.images import RENDITION_WIDTHS, prepare_body_image
from masthead.publishing.models import BodyImage, Post
from masthead.publishing.models.media import body_image_folder

# WordPress's resized copies (photo-300x200.jpg) and its big-image copies (photo-scaled.jpg)
# are one attachment's original: found by the name without the suffix.
_SIZE_SUFFIX = re.compile(r"-(?:\d{1,5}x\d{1,5}|scaled|rotated)(?=\.[A-Za-z0-9]{2,5}$)")
_PICTURE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def original_key(relative: str) -> str:
    """``2013/03/photo-300x200.jpg`` → ``2013/03/photo.jpg`` (lower case), the lookup key."""
    return _SIZE_SUFFIX.sub("", relative.strip("/")).lower()


class WordPressMedia:
    """The import's pictures (part of ``WordPressImport``)."""

    # --- what there is to bring home ---------------------------------------------------
    @property
    def _brings_media(self) -> bool:
        return bool(self.options.media_dir or self.options.fetch_media)

    @staticmethod
    def _upload_path(url: str) -> str:
        """``https://site/wp-content/uploads/2013/03/a.jpg`` → ``2013/03/a.jpg``."""
        path = unquote(urlsplit(url).path)
        marker = "/uploads/"
        return path.split(marker, 1)[1] if marker in path else ""

    def _attachment_relative(self, attachment: WxrItem) -> str:
        relative = attachment.meta.get("_wp_attached_file") or self._upload_path(
            attachment.attachment_url or attachment.guid
        )
        return relative.lstrip("/")

    def _uploads_index(self) -> dict[str, WxrItem]:
        """Attachments by their file's exact name ("=2013/03/a-150x150.jpg") and by its
        original's (``original_key``): an attachment whose own file is named like a size
        (the theme test's ``image-alignment-150x150.jpg``) is found as itself first."""
        if self._attachments_by_upload is None:
            index = {}
            for attachment in self.attachments.values():
                for relative in (
                    self._attachment_relative(attachment),
                    self._file_of(attachment.attachment_url or attachment.guid),
                ):
                    if relative:
                        index.setdefault("=" + relative.strip("/").lower(), attachment)
                        index.setdefault(original_key(relative), attachment)
            self._attachments_by_upload = index
        return self._attachments_by_upload

    @classmethod
    def _file_of(cls, url: str) -> str:
        """The upload a picture's address names: the path under ``/uploads/``, or for
        uploads served from elsewhere (WordPress.com: ``files.<site>/2013/03/photo.jpg``)
        the path's last three parts, year/month/name."""
        relative = cls._upload_path(url)
        if relative:
            return relative
        path = unquote(urlsplit(url).path).strip("/")
        return "/".join(path.split("/")[-3:])

    def _attachment_for(self, url: str) -> WxrItem | None:
        relative = self._file_of(url)
        if not relative:
            return None
        index = self._uploads_index()
        return index.get("=" + relative.strip("/").lower()) or index.get(original_key(relative))

    def _old_site_hosts(self) -> set[str]:
        if self._old_hosts is None:
            hosts = {urlsplit(self.channel.link).hostname}
            for attachment in self.attachments.values():
                hosts.add(urlsplit(attachment.attachment_url or attachment.guid).hostname)
            self._old_hosts = {host.lower() for host in hosts if host}
        return self._old_hosts

    # --- one picture, cleaned once -------------------------------------------------------
    def _pictures_of(self, item: WxrItem) -> Callable[[str], str]:
        """``_local_copy`` for one post's pictures, remembering whether one was missing."""

        def local_copy(url: str) -> str:
            stored = self._local_copy(url)
            if not stored and url in self._missing:
                self._incomplete_items.add(item.id)
            return stored

        return local_copy

    def _local_copy(self, url: str) -> str:
        """The stored full copy (cleaned) of the picture at ``url``; "" if there is none."""
        if not self._brings_media:
            return ""
        attachment = self._attachment_for(url)
        key = f"attachment:{attachment.id}" if attachment else url
        if key not in self._copies:
            if attachment is not None:
                self._copies[key] = self._attachment_copy(attachment, also=url)
            elif (urlsplit(url).hostname or "").lower() in self._old_site_hosts():
                self._copies[key] = self._bring_home([url], [self._upload_path(url)], url)
            else:
                self._copies[key] = ""  # another site's picture: left where it is
                return ""
        if not self._copies[key]:
            self._missing.add(url)
        return self._copies[key]

    def _attachment_copy(self, attachment: WxrItem, also: str = "") -> str:
        key = f"attachment:{attachment.id}"
        if key in self._copies:
            return self._copies[key]
        earlier = (
            ImportedAttachment.objects.filter(wordpress_id=attachment.id, guid=attachment.guid)
            .values_list("stored_file", flat=True)
            .first()
        )
        if earlier and media.PIPELINE_NAME.match(earlier) and default_storage.exists(earlier):
            self.summary.note("attachments", "picture brought home by an earlier import")
            self._copies[key] = earlier
            return earlier
        url = attachment.attachment_url or attachment.guid
        urls = [url] + ([also] if also and also != url else [])
        relatives = [self._attachment_relative(attachment)]
        if also:
            relatives.append(self._upload_path(also))
        self._copies[key] = self._bring_home(urls, relatives, url)
        return self._copies[key]

    def _bring_home(self, urls: list[str], relatives: list[str], shown_as: str) -> str:
        """Read the picture (--media-dir first, then the old site), clean it, keep it."""
        data, source, reasons = None, "", []
        if self.options.media_dir is not None:
            for relative in filter(None, relatives):
                data = self._read_from_media_dir(relative, reasons)
                if data is not None:
                    source = "copied from --media-dir"
                    break
        if data is None and self.options.fetch_media:
            if self.options.dry_run:
                self.summary.note("attachments", "picture to fetch from the old site (dry run)")
                return ""
            for url in urls:
                try:
                    data = fetch(url, self._fetch_policy)
                except FetchFailed as failure:
                    reasons.append(str(failure))
                    continue
                source = "fetched from the old site"
                break
        if data is None:
            self.summary.note("attachments", "picture not brought home: original address kept")
            self.summary.warn(
                f"{shown_as[:200]} was not brought home ({'; '.join(reasons) or 'not found'}): "
                "its original address is kept."
            )
            return ""
        if self.options.dry_run:
            self.summary.note("attachments", f"picture {source} (dry run)")
            return ""
        name = posixpath.basename(urlsplit(shown_as).path) or "picture"
        try:
            prepared = prepare_body_image(ContentFile(data, name=name))
        except ValidationError as refusal:
            self.summary.note("attachments", "picture refused by the pipeline: address kept")
            self.summary.warn(f"{shown_as[:200]} was not kept: {' '.join(refusal.messages)}")
            return ""
        names = media.store_picture(
            prepared, media.random_folder("wordpress"), media.private_storage()
        )
        self._new_files.extend(names)
        self.summary.note("attachments", f"picture {source} and cleaned")
        return names[0]

    def _read_from_media_dir(self, relative: str, reasons: list[str]) -> bytes | None:
        root = self.options.media_dir.resolve()
        source = (root / relative).resolve()
        if not source.is_relative_to(root):
            self.summary.warn(f"refused a file path outside --media-dir: {relative}")
            return None
        if not source.is_file():
            reasons.append(f"{relative} is not in --media-dir")
            return None
        return source.read_bytes()

    # --- attachments ---------------------------------------------------------------------
    def _import_attachment_record(self, item: WxrItem) -> None:
        record = ImportedAttachment.objects.filter(wordpress_id=item.id, guid=item.guid).first()
        url = item.attachment_url or item.guid
        is_picture = Path(urlsplit(url).path).suffix.lower() in _PICTURE_EXTENSIONS
        stored = self._attachment_copy(item) if self._brings_media and is_picture else ""
        fields = {
            "url": _fit(url, 500),
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
        if not self._brings_media:
            self.summary.note(
                "attachments", "kept as their original address (no --media-dir or --fetch-media)"
            )

    # --- a post's own copies -------------------------------------------------------------
    def _copy_files(self, full_name: str, folder: str, storage) -> list[str]:
        """The pipeline copies of ``full_name`` written again under ``folder`` (no re-encoding)."""
        written = []
        for name in media.pipeline_names(full_name, RENDITION_WIDTHS):
            with default_storage.open(name) as handle:
                written.append(storage.save(f"{folder}/{posixpath.basename(name)}", handle))
        self._new_files.extend(written)
        return written

    def _body_image(self, post: Post, full_name: str, alt: str, caption: str) -> BodyImage:
        match = media.PIPELINE_NAME.match(full_name)
        names = self._copy_files(full_name, body_image_folder(), media.storage_for(post))
        picture = BodyImage(
            post=post,
            alt=_fit(alt, 300),
            caption=_fit(caption, 300),
            width=int(match["width"]),
            height=int(match["height"]),
            renditions=[[int(posixpath.basename(name).split("w.")[0]), name] for name in names[1:]],
        )
        picture.image.name = names[0]
        picture.full_clean(exclude=["image", "post", "uploaded_by"])
        picture.save()
        return picture

    def _picture_alt(self, url: str, alt: str) -> str:
        attachment = self._attachment_for(url)
        if not alt.strip() and attachment is not None:
            alt = attachment.meta.get("_wp_attachment_image_alt", "") or attachment.title
        if not alt.strip():
            self.summary.note("posts", "picture without alt text: its file name used")
            alt = posixpath.splitext(posixpath.basename(urlsplit(url).path))[0] or "Picture"
        return alt.strip()

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
                    url=a.attachment_url or a.guid,
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
        if not self._brings_media:
            self.summary.note(
                "posts", "featured image kept as its address only (no --media-dir or --fetch-media)"
            )
            return
        if post.pk and media.PIPELINE_NAME.match(post.featured_image.name or ""):
            return  # set by an earlier import of this post
        stored = self._attachment_copy(attachment)
        if not stored:
            self._incomplete_items.add(item.id)
            return
        caption = wordpress_html.plain_text(attachment.excerpt)
        alt = attachment.meta.get("_wp_attachment_image_alt", "").strip()
        if not alt:
            self.summary.note("posts", "featured image without alt text: its caption or title used")
        if self.options.dry_run:
            post.featured_image.name = stored
        else:
            folder = media.random_folder("posts")
            post.featured_image = self._copy_files(stored, folder, media.private_storage())[0]
        post.image_alt = _fit(alt or caption or attachment.title or post.title, 300)
        post.image_caption = _fit(caption, 300)
        post.image_credit = _fit(item.meta.get("_masthead_image_credit", ""), 200)
        self.summary.note("posts", "featured image set from _thumbnail_id")
