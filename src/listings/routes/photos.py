"""HTTP handlers for a listing's photos: upload, delete, serve (cacheable) and thumbnails."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from listings.routes._common import TAG
from listings.schemas import (
    PhotoOut,
)
from listings.services import photos
from marketplace.errors import ApiError
from marketplace.web.endpoint import Call, endpoint

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


@endpoint(
    "POST",
    "/api/listings/{id:int}/photos",
    summary="Upload a photo: the raw JPEG/PNG/WebP bytes as the body; EXIF is stripped, a thumbnail follows",
    tag=TAG,
    response=PhotoOut,
    status=201,
    errors=(403, 404, 409, 413, 415, 422),
)
async def upload_photo(call: Call[Any, Any]) -> PhotoOut:
    if call.content_type not in IMAGE_TYPES:
        raise ApiError("send the image bytes with Content-Type image/jpeg, image/png or image/webp",
                       code="unsupported_media_type", status=415)  # fmt: skip
    data = await call.request.body()
    settings = call.services.settings
    out = await photos.upload(call.services.files, call.user, call.path_id(), data, settings.max_body_bytes)
    call.services.relay.notify()
    return out


@endpoint(
    "DELETE",
    "/api/listings/{id:int}/photos/{photo_id:int}",
    summary="Delete a photo",
    tag=TAG,
    status=204,
    errors=(403, 404, 409),
)
async def delete_photo(call: Call[Any, Any]) -> None:
    await photos.delete(call.user, call.path_id(), call.path_id("photo_id"))


async def _serve_photo(call: Call[Any, Any], thumb: bool) -> Response:
    stored, etag, public = await photos.load(call.services.files, call.principal, call.path_id(), thumb)
    cache = "public, max-age=31536000, immutable" if public else "private, max-age=300"
    headers = {"Cache-Control": cache, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if call.request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(stored.data, media_type=stored.content_type, headers=headers)


@endpoint("GET", "/api/photos/{id:int}", summary="A photo (cacheable)", tag=TAG, auth="public", errors=(404,))
async def get_photo(call: Call[Any, Any]) -> Response:
    return await _serve_photo(call, thumb=False)


@endpoint(
    "GET",
    "/api/photos/{id:int}/thumb",
    summary="A photo's thumbnail (cacheable)",
    tag=TAG,
    auth="public",
    errors=(404,),
)
async def get_thumb(call: Call[Any, Any]) -> Response:
    return await _serve_photo(call, thumb=True)


routes: list[BaseRoute] = [
    upload_photo,
    delete_photo,
    get_photo,
    get_thumb,
]
