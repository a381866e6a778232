"""Pictures inside a post's body: checked, cleaned and resized once, when they are uploaded.

An upload is refused with a sentence saying why (not a picture, too large in bytes or
in pixels, an SVG) before anything is stored. What is kept is re-encoded by Pillow:
the camera's metadata (GPS position included) is dropped, the EXIF orientation is
applied, and a few narrower copies are made so browsers pick one through ``srcset``.
"""

import io
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# Widths (CSS pixels at 1x and 2x of the 40rem column) a browser may choose from.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
# The widest copy kept: wider adds bytes no reader's screen shows in a 40rem column.
LARGEST_WIDTH = 2400
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# The longest side accepted. Under the pixel cap a strip can still be 1 × 39 million pixels,
# which no encoder writes (JPEG stops at 65,535, WebP at 16,383) and no page shows.
MAX_SIDE = 16_000
# How the body column is laid out (site.css: a 40rem measure inside 1.25rem margins).
BODY_IMAGE_SIZES = "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)"


@dataclass
class PreparedImage:
    extension: str
    width: int
    height: int
    full: bytes
    # (width, encoded bytes), narrowest first; the full copy is not repeated here.
    renditions: list[tuple[int, bytes]] = field(default_factory=list)


def _looks_like_svg(head: bytes, name: str) -> bool:
    text = head.lstrip()[:512].lower()
    return name.lower().endswith((".svg", ".svgz")) or b"<svg" in text or text.startswith(b"<?xml")


def _encode(picture: Image.Image, keep_alpha: bool) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if keep_alpha:
        picture.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "png"
    # No `optimize`: its second pass cost more time than the few per cent it saved.
    picture.convert("RGB").save(buffer, "JPEG", quality=85, progressive=True)
    return buffer.getvalue(), "jpg"


def _resized(picture: Image.Image, width: int) -> Image.Image:
    height = max(1, round(picture.height * width / picture.width))
    # reducing_gap: a cheap box reduction first, then Lanczos on the last steps
    # (several times faster on a camera's photo, no visible difference at these sizes).
    return picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def prepare_body_image(upload) -> PreparedImage:
    """Check ``upload`` (a Django uploaded file) and make its stored copies, or refuse it."""
    max_bytes = settings.MASTHEAD_BODY_IMAGE_MAX_BYTES
    max_pixels = settings.MASTHEAD_BODY_IMAGE_MAX_PIXELS
    name = getattr(upload, "name", "") or ""
    if upload.size > max_bytes:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; an image may be at most "
            f"{filesizeformat(max_bytes)}. Export it smaller and upload it again."
        )
    upload.seek(0)
    data = upload.read()
    if _looks_like_svg(data[:1024], name):
        raise ValidationError(
            "SVG drawings are not accepted: they can carry scripts. "
            "Upload a PNG or JPEG export of the drawing instead."
        )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns below twice its limit; ours is stricter anyway.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    f"{picture.format} images are not accepted; "
                    "upload a JPEG, PNG, GIF or WebP image."
                )
            # Only the header has been read so far: refuse a huge canvas before decoding it.
            if picture.width * picture.height > max_pixels:
                raise ValidationError(
                    f"This image is {picture.width} × {picture.height} pixels; at most "
                    f"{max_pixels / 1_000_000:.0f} million pixels are accepted. "
                    "Scale it down first."
                )
            if max(picture.width, picture.height) > MAX_SIDE:
                raise ValidationError(
                    f"This image is {picture.width} × {picture.height} pixels; neither side may "
                    f"be longer than {MAX_SIDE:,} pixels. Crop or scale it first."
                )
            picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            f"This image declares far more pixels than accepted (at most "
            f"{max_pixels / 1_000_000:.0f} million pixels): it was refused. Scale it down first."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not an image that can be read (JPEG, PNG, GIF or WebP), or it is damaged."
        ) from None
    try:
        return _cleaned_copies(picture)
    except (OSError, ValueError, Image.DecompressionBombError):
        # What the encoders refuse (a size or mode they cannot write) is the upload's fault,
        # said on the form, not a server error.
        raise ValidationError(
            "This image could not be converted for the web; export it again as an "
            "ordinary JPEG or PNG and upload that."
        ) from None


def _cleaned_copies(picture: Image.Image) -> PreparedImage:
    # A JPEG has no transparency to keep; a PNG, GIF or WebP may.
    keep_alpha = picture.format != "JPEG" and (
        picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    )
    picture = ImageOps.exif_transpose(picture)
    if picture.mode not in ("RGB", "RGBA", "L", "LA"):
        picture = picture.convert("RGBA" if keep_alpha else "RGB")
    if picture.width > LARGEST_WIDTH:
        picture = _resized(picture, LARGEST_WIDTH)
    full, extension = _encode(picture, keep_alpha)
    prepared = PreparedImage(extension, picture.width, picture.height, full)
    # Widest first, each made from the one before: less to resample at every step.
    source = picture
    for width in sorted(RENDITION_WIDTHS, reverse=True):
        if width < picture.width:
            source = _resized(source, width)
            prepared.renditions.insert(0, (width, _encode(source, keep_alpha)[0]))
    return prepared
