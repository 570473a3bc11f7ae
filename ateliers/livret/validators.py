"""Checks on what people upload for the booklet: a speaker's photo.

A photo is printed in a PDF rendered by the worker, so it must be an image Pillow really reads, in a
format every renderer knows (JPEG or PNG), and of a reasonable size. The pixel count is checked from the
header (`Image.open` reads no pixel data) before `verify`, with Pillow's decompression-bomb guard on, so
a 20,000 × 20,000 image is refused without being decoded.

A photo that passed is stored re-encoded (`reencode_photo`), whether it came from the studio or the
admin: turned upright, 800 × 800 pixels at most, as a JPEG (a PNG if it has transparency), without its
metadata (EXIF, with the place and the camera, comments, XMP).
"""

import io
import warnings
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 6000
PHOTO_ACCEPT = "image/jpeg,image/png"
PHOTO_HELP = _("Une photo JPEG ou PNG, 8 Mo et 6 000 × 6 000 pixels au plus.")
PHOTO_STORED_SIDE = 800  # a portrait is printed a few centimetres wide: 800 pixels is plenty
PHOTO_JPEG_QUALITY = 85
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
# A colour profile describes one kind of pixels: it is kept only if the photo keeps that kind.
COLOUR_KINDS = {"RGB": "RGB", "RGBA": "RGB", "P": "RGB", "L": "L", "LA": "L", "1": "L"}


@contextmanager
def _complete_images_only():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES (it tolerates damaged images in
    documents): while an upload is checked and decoded, a truncated file must fail instead of being
    stored with grey pixels. Web workers run one request per process (gunicorn sync workers)."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def validate_photo(upload):
    """Refuse, with a French message, anything but a JPEG or PNG of at most 8 MB and 6,000 px a side."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("Cette photo pèse %(size)s Mo : 8 Mo au plus."),
            params={"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            code="photo_too_heavy",
        )
    upload.seek(0)
    try:
        with _complete_images_only(), warnings.catch_warnings():
            # Above MAX_IMAGE_PIXELS Pillow only warns: treat it as the bomb it may be.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
                width, height = image.size
                if width > PHOTO_MAX_SIDE or height > PHOTO_MAX_SIDE:
                    raise _too_large(width, height)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("Cette image est beaucoup trop grande : 6 000 × 6 000 pixels au plus."), code="photo_too_large"
        ) from exc
    except UNREADABLE as exc:
        raise _unreadable() from exc
    finally:
        upload.seek(0)


def reencode_photo(upload):
    """The photo to store for an upload already checked by `validate_photo`: turned upright (its EXIF
    orientation applied), reduced to fit 800 × 800 pixels, saved as a JPEG of quality 85 or, when it has
    transparent pixels, as a PNG, with none of its metadata (only the colour profile is kept). Returns a
    `ContentFile` named "photo.jpg" or "photo.png"; raises `ValidationError` if its pixels do not
    decode (a truncated file whose header looked right)."""
    upload.seek(0)
    try:
        with _complete_images_only(), Image.open(upload, formats=list(PHOTO_FORMATS)) as original:
            # A JPEG is decoded directly at a reduced scale (still above 800 pixels a side): faster.
            original.draft(None, (PHOTO_STORED_SIDE, PHOTO_STORED_SIDE))
            icc_profile = original.info.get("icc_profile")
            image = ImageOps.exif_transpose(original)
            image.load()
    except UNREADABLE as exc:
        raise _unreadable() from exc
    finally:
        upload.seek(0)
    source_mode = image.mode
    transparent = image.has_transparency_data
    if transparent:
        image = image.convert("RGBA")
        transparent = image.getchannel("A").getextrema()[0] < 255  # an alpha channel left all opaque
    if not transparent and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((PHOTO_STORED_SIDE, PHOTO_STORED_SIDE), Image.Resampling.LANCZOS)
    image.info = {}  # what Pillow would otherwise copy (comments, XMP, EXIF): nothing but the pixels
    same_kind = COLOUR_KINDS.get(source_mode, source_mode) == COLOUR_KINDS.get(image.mode, image.mode)
    options = {"icc_profile": icc_profile} if icc_profile and same_kind else {}
    buffer = io.BytesIO()
    if transparent:
        image.save(buffer, format="PNG", optimize=True, **options)
        extension = "png"
    else:
        image.save(buffer, format="JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True, **options)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"photo.{extension}")


def _unreadable():
    return ValidationError(
        _("Ce fichier n'est pas une photo JPEG ou PNG lisible : choisissez une autre image."),
        code="photo_invalid",
    )


def _too_large(width, height):
    return ValidationError(
        _("Cette image mesure %(width)s × %(height)s pixels : 6 000 × 6 000 au plus."),
        params={"width": f"{width:,}".replace(",", " "), "height": f"{height:,}".replace(",", " ")},
        code="photo_too_large",
    )
