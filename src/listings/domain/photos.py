"""Photo rules: accepted formats, size and pixel limits, and safe re-encoding (Pillow, bytes in, bytes out).

Decoding is pure computation on bytes (no files, no clock), so it lives with the domain rules.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb or a mistake
MIN_SIDE = 200
MAX_SIDE = 12_000
THUMB_SIDE = 480


class PhotoError(ValueError):
    def __init__(self, message: str, code: str = "invalid_image") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    format: str
    content_type: str
    width: int
    height: int


def clean(data: bytes, max_bytes: int) -> CleanPhoto:
    """Check and re-encode an upload: the output carries no EXIF (GPS), XMP or text chunks."""
    if not data:
        raise PhotoError("the upload is empty")
    if len(data) > max_bytes:
        raise PhotoError(f"a photo may have at most {max_bytes} bytes", code="payload_too_large")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; here that is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _clean(data)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PhotoError(f"the photo has more than {MAX_PIXELS:,} pixels", code="image_too_large") from None


def _clean(data: bytes) -> CleanPhoto:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size  # from the header, before any pixel is decoded
            if fmt not in FORMATS:
                raise PhotoError("only JPEG, PNG and WebP photos are accepted", code="unsupported_image")
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise PhotoError(
                    f"the photo is {width}×{height}: at most {MAX_PIXELS:,} pixels", code="image_too_large"
                )
            if min(width, height) < MIN_SIDE:
                raise PhotoError(f"the photo is {width}×{height}: at least {MIN_SIDE} pixels a side")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)  # keep the orientation the EXIF asked for, then drop EXIF
            if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            if fmt == "PNG":
                upright.save(out, format="PNG", optimize=False)
            else:
                upright.save(out, format=fmt, quality=88)
            w, h = upright.size
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"the file is not a readable image ({type(exc).__name__})") from None
    return CleanPhoto(out.getvalue(), fmt, FORMATS[fmt], w, h)


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMB_SIDE pixels a side, from an already cleaned photo."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        small = img.convert("RGB")
        small.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=80)
        return out.getvalue()
