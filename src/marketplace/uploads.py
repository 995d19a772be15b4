"""A photo uploaded beside other papers (dispute evidence, a transfer proof, an export paper), checked and encoded
again off the event loop: the refusal is an API error with the image check's code."""

from __future__ import annotations

import asyncio

from marketplace import images
from marketplace.errors import ApiError


async def cleaned_photo(data: bytes, declared_type: str, max_bytes: int, code: str = "invalid_file") -> bytes:
    """The photo's fresh encoding: no bytes behind the signature, no decompression bomb, no EXIF (a phone's GPS
    position) for whoever downloads it. `code` is the refusal when the pixels are not the declared type."""
    try:
        photo = await asyncio.to_thread(images.clean, data, max_bytes)
    except images.ImageError as exc:
        raise ApiError(str(exc), code=exc.code, status=413 if exc.code == "payload_too_large" else 422) from None
    if photo.content_type != declared_type:
        raise ApiError("the file's content is not the declared type", code=code, status=422)
    return photo.data
