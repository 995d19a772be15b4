"""Photos people upload, checked and re-encoded (Pillow, bytes in, bytes out): listing photos and a buyer's
dispute evidence. The format is read from the decoded image, never from the name or a declared type; the pixel
count is bounded from the header before any pixel is decoded (a decompression bomb); the output is a fresh
encoding of the pixels, so it carries no EXIF (the phone's GPS), XMP or text chunks, and no bytes smuggled after
a valid signature. Pure computation; callers run it off the event loop.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb or a mistake
MAX_SIDE = 12_000


class ImageError(ValueError):
    def __init__(self, message: str, code: str = "invalid_image") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str
    content_type: str
    width: int
    height: int


def clean(data: bytes, max_bytes: int, min_side: int = 1) -> CleanImage:
    """Check and re-encode an upload: the output carries no EXIF (GPS), XMP or text chunks."""
    if not data:
        raise ImageError("the upload is empty")
    if len(data) > max_bytes:
        raise ImageError(f"a photo may have at most {max_bytes} bytes", code="payload_too_large")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; here that is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _clean(data, min_side)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageError(f"the photo has more than {MAX_PIXELS:,} pixels", code="image_too_large") from None


def _clean(data: bytes, min_side: int) -> CleanImage:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size  # from the header, before any pixel is decoded
            if fmt not in FORMATS:
                raise ImageError("only JPEG, PNG and WebP photos are accepted", code="unsupported_image")
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise ImageError(
                    f"the photo is {width}×{height}: at most {MAX_PIXELS:,} pixels", code="image_too_large"
                )
            if min(width, height) < min_side:
                raise ImageError(f"the photo is {width}×{height}: at least {min_side} pixels a side")
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
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"the file is not a readable image ({type(exc).__name__})") from None
    return CleanImage(out.getvalue(), fmt, FORMATS[fmt], w, h)
