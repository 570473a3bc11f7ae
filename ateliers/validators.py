"""Checks on what people upload for the booklet: a speaker's photo.

A photo is printed in a PDF rendered by the worker, so it must be an image Pillow really reads, in a
format every renderer knows (JPEG or PNG), and of a reasonable size. The pixel count is checked from the
header (`Image.open` reads no pixel data) before `verify`, with Pillow's decompression-bomb guard on, so
a 20,000 × 20,000 image is refused without being decoded.
"""

import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 6000
PHOTO_ACCEPT = "image/jpeg,image/png"
PHOTO_HELP = _("Une photo JPEG ou PNG, 8 Mo et 6 000 × 6 000 pixels au plus.")


def photo_extension(upload):
    """The extension of an upload already checked by `validate_photo` ("jpg" or "png")."""
    upload.seek(0)
    with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
        extension = PHOTO_FORMATS[image.format]
    upload.seek(0)
    return extension


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
        with warnings.catch_warnings():
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
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("Ce fichier n'est pas une photo JPEG ou PNG lisible : choisissez une autre image."),
            code="photo_invalid",
        ) from exc
    finally:
        upload.seek(0)


def _too_large(width, height):
    return ValidationError(
        _("Cette image mesure %(width)s × %(height)s pixels : 6 000 × 6 000 au plus."),
        params={"width": f"{width:,}".replace(",", " "), "height": f"{height:,}".replace(",", " ")},
        code="photo_too_large",
    )
