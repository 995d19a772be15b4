"""Small real photos for upload tests: the server decodes and re-encodes what people send (marketplace.images),
so a signature followed by padding is refused as the unreadable image it is."""

from __future__ import annotations

import io

from PIL import Image


def photo(fmt: str = "PNG", size: tuple[int, int] = (32, 24), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format=fmt)
    return buf.getvalue()


PNG = photo("PNG")
JPEG = photo("JPEG")
