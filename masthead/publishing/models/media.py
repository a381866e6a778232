"""Pictures inside post bodies: stored once cleaned, with narrower copies for ``srcset``."""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from masthead.publishing import media
from masthead.publishing.images import BODY_IMAGE_SIZES, prepare_body_image
from masthead.publishing.models.posts import Post
from masthead.publishing.rendering import BodyImageView


def body_image_folder() -> str:
    # A random folder: nobody can guess the address of a picture in a post not yet public.
    return f"posts/body/{timezone.now():%Y}/{secrets.token_hex(12)}"


class BodyImage(models.Model):
    """A picture inside a post's body, uploaded in the editor and shown with ``srcset``.

    The body's Markdown names it as ``![alt text](image:ID)``; the stored files are
    a cleaned full-size copy (``image``) and narrower ones (``renditions``).
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="body_images")
    image = models.ImageField(width_field="width", height_field="height", editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # [[width, stored name], ...], narrowest first, not including the full copy.
    renditions = models.JSONField(default=list, editable=False)
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the image shows, for readers who cannot see it.",
        error_messages={"blank": "Describe the image for readers who cannot see it."},
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="e.g. “Photo: J. Ruiz”.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "image in the body"
        verbose_name_plural = "images in the body"

    def __str__(self):
        return f"image:{self.pk} ({self.alt[:40]})"

    def clean(self):
        if self.alt and not self.alt.strip():  # spaces only; empty is the field's own error
            raise ValidationError({"alt": "Describe the image for readers who cannot see it."})

    @property
    def markdown(self) -> str:
        alt = re.sub(r"[\[\]\\\n]+", " ", self.alt).strip()
        return f"![{alt}](image:{self.pk})"

    @classmethod
    def store(cls, post: Post, upload, *, alt: str, caption: str = "", credit: str = "", by=None):
        """Check, clean and resize ``upload`` and keep it for ``post``; refuse with a reason.

        Nothing is stored unless every check passes and every copy is written.
        """
        picture = cls(
            post=post, alt=(alt or "").strip(), caption=(caption or "").strip(),
            credit=(credit or "").strip(), uploaded_by=by,
        )  # fmt: skip
        picture.full_clean(exclude=["image", "post", "uploaded_by"])
        prepared = prepare_body_image(upload)
        storage = media.storage_for(post)
        folder = body_image_folder()
        written = []
        try:
            with transaction.atomic():
                extension = prepared.extension
                full = storage.save(f"{folder}/full.{extension}", ContentFile(prepared.full))
                written.append(full)
                for width, data in prepared.renditions:
                    name = storage.save(f"{folder}/{width}w.{extension}", ContentFile(data))
                    written.append(name)
                    picture.renditions.append([width, name])
                picture.image.name = full
                picture.width, picture.height = prepared.width, prepared.height
                picture.save()
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
        return picture

    def stored_names(self) -> list[str]:
        return [self.image.name, *(name for _width, name in self.renditions)]

    def as_view(self) -> BodyImageView:
        storage = self.image.storage
        sources = [(storage.url(name), width) for width, name in self.renditions]
        sources.append((self.image.url, self.width))
        return BodyImageView(
            src=self.image.url,
            srcset=", ".join(f"{url} {width}w" for url, width in sources),
            sizes=BODY_IMAGE_SIZES,
            width=self.width,
            height=self.height,
            alt=self.alt,
            caption=self.caption,
            credit=self.credit,
        )


@receiver(post_delete, sender=BodyImage)
def delete_body_image_files(sender, instance: BodyImage, **kwargs):
    """A picture's files go with it (also when its post is deleted): no orphans in media."""
    storage = instance.image.storage
    for name in instance.stored_names():
        if name:
            storage.delete(name)
