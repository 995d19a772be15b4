"""Vehicle photos: upload (cleaned before storing), thumbnails in a job, serving with cache headers."""

from __future__ import annotations

import asyncio
import hashlib

from tortoise.transactions import in_transaction

from listings.domain import photos
from listings.models import Listing, Photo
from listings.schemas import PhotoOut
from listings.services.access import PUBLIC, load_managed, manages
from listings.services.inventory import lock_vehicle
from listings.services.present import photo_out
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, Conflict, NotFound
from marketplace.outbox.events import record_event
from marketplace.ports.files.base import FileStorage, StoredObject

MAX_PHOTOS = 30


async def upload(files: FileStorage, principal: Principal, listing_id: int, data: bytes, max_bytes: int) -> PhotoOut:
    listing = await load_managed(principal, listing_id)
    try:
        clean = await asyncio.to_thread(photos.clean, data, max_bytes)
    except photos.PhotoError as exc:
        status = 413 if exc.code == "payload_too_large" else 422
        raise ApiError(str(exc), code=exc.code, status=status) from None
    if await Photo.filter(vehicle_id=listing.vehicle_id).count() >= MAX_PHOTOS:
        raise Conflict(f"a vehicle has at most {MAX_PHOTOS} photos", code="too_many_photos")
    digest = hashlib.sha256(clean.data).hexdigest()
    key = f"photos/{listing.vehicle_id}/{digest}.{photos.EXTENSIONS[clean.format]}"
    await files.save(key, clean.data, clean.content_type)  # content-addressed: an orphan is harmless
    async with in_transaction() as conn:
        await lock_vehicle(conn, listing.vehicle_id)  # bidders and a reserved buyer rely on the photos too
        position = await Photo.filter(vehicle_id=listing.vehicle_id).using_db(conn).count()
        photo = await Photo.create(
            vehicle_id=listing.vehicle_id,
            position=position,
            key=key,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.data),
            sha256=digest,
            using_db=conn,
        )
        await record_event(conn, "listing.photo_added", {"photo_id": photo.id, "vehicle_id": listing.vehicle_id})
    return photo_out(photo)


async def make_thumbnail(files: FileStorage, photo_id: int) -> bool:
    photo = await Photo.get_or_none(id=photo_id)
    if photo is None or photo.thumb_key:
        return False  # deleted meanwhile, or done by an earlier run
    original = await files.load(photo.key)
    if original is None:
        return False
    thumb = await asyncio.to_thread(photos.thumbnail, original.data)
    key = f"thumbs/{photo.vehicle_id}/{photo.sha256}.jpg"
    await files.save(key, thumb, "image/jpeg")
    await Photo.filter(id=photo.id).update(thumb_key=key)
    async with in_transaction() as conn:  # let the search card pick up the thumbnail
        for listing in await Listing.filter(vehicle_id=photo.vehicle_id, status="published").using_db(conn):
            await record_event(conn, "listing.changed", {"listing_id": listing.id, "change": "photo"})
    return True


async def load(
    files: FileStorage, principal: Principal | None, photo_id: int, thumb: bool
) -> tuple[StoredObject, str, bool]:
    """The photo's bytes, its ETag, and whether it is public (then caches may keep it)."""
    photo = await Photo.get_or_none(id=photo_id).select_related("vehicle")
    if photo is None:
        raise NotFound("not found")
    public = await Listing.filter(vehicle_id=photo.vehicle_id, status__in=[s.value for s in PUBLIC]).exists()
    if not public and not manages(principal, photo.vehicle.owner_org_id):
        raise NotFound("not found")
    key = photo.thumb_key if thumb else photo.key
    if key is None:
        raise NotFound("the thumbnail is not ready yet", code="thumbnail_pending")
    stored = await files.load(key)
    if stored is None:
        raise NotFound("not found")
    return stored, f'"{photo.sha256[:32]}{"t" if thumb else ""}"', public


async def delete(principal: Principal, listing_id: int, photo_id: int) -> None:
    listing = await load_managed(principal, listing_id)
    async with in_transaction() as conn:
        await lock_vehicle(conn, listing.vehicle_id)
        deleted = await Photo.filter(id=photo_id, vehicle_id=listing.vehicle_id).using_db(conn).delete()
    if not deleted:
        raise NotFound("no such photo on this listing")
