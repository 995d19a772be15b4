"""Photo rules: accepted formats, size and pixel limits, and safe re-encoding (Pillow, bytes in, bytes out).

Decoding is pure computation on bytes (no files, no clock), so it lives with the domain rules.
"""

from __future__ import annotations

import io

from PIL import Image

from marketplace import images

FORMATS = images.FORMATS
EXTENSIONS = images.EXTENSIONS
MAX_PIXELS = images.MAX_PIXELS
MIN_SIDE = 200
MAX_SIDE = images.MAX_SIDE
THUMB_SIDE = 480

# The checks and the re-encoding are shared with the other photos people upload (marketplace.images).
PhotoError = images.ImageError
CleanPhoto = images.CleanImage


def clean(data: bytes, max_bytes: int) -> CleanPhoto:
    """Check and re-encode an upload: the output carries no EXIF (GPS), XMP or text chunks."""
    return images.clean(data, max_bytes, MIN_SIDE)


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMB_SIDE pixels a side, from an already cleaned photo."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        small = img.convert("RGB")
        small.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=80)
        return out.getvalue()
