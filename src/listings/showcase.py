"""What another package's page may show of a vehicle it offers (an auction lot): key specs, photos, condition items.

The caller decides who may see the vehicle (a published lot is public); this module only reads. Photos are
served through the caller's own route (`/api/lots/{id}/photos/{photo_id}`), because the listings photo route
makes a photo public only while its vehicle has a public listing, and a consigned vehicle usually has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from listings.models import ConditionItem, Photo, Vehicle
from marketplace.ports.files.base import FileStorage, StoredObject

MAX_PHOTOS = 30
MAX_ITEMS = 60
GRADES = "ABCDE"  # A best … E worst, as the listings condition report grades them


@dataclass(frozen=True)
class PhotoRef:
    id: int
    width: int
    height: int
    has_thumb: bool


@dataclass(frozen=True)
class Showcase:
    specs: dict[str, Any]
    photos: list[PhotoRef]
    condition_items: list[dict[str, str]]


def _specs(v: Vehicle) -> dict[str, Any]:
    return {
        "body_type": v.body_type,
        "transmission": v.transmission,
        "displacement_ml": v.displacement_ml,
        "battery_kwh": str(v.battery_kwh) if v.battery_kwh is not None else None,
        "emission_standard": v.emission_standard,
        "plate_prefix": v.plate_prefix,
        "usage": v.usage,
        "accident": v.accident,
        "flood": v.flood,
        "fire": v.fire,
    }


async def showcase(vehicle_id: int) -> Showcase | None:
    vehicle = await Vehicle.get_or_none(id=vehicle_id)
    if vehicle is None:
        return None
    photos = await Photo.filter(vehicle_id=vehicle_id).order_by("position", "id").limit(MAX_PHOTOS)
    items = await ConditionItem.filter(vehicle_id=vehicle_id).order_by("id").limit(MAX_ITEMS)
    return Showcase(
        specs=_specs(vehicle),
        photos=[PhotoRef(p.id, p.width, p.height, p.thumb_key is not None) for p in photos],
        condition_items=[{"item": c.item, "grade": c.grade, "note": c.note} for c in items],
    )


async def photo(files: FileStorage, vehicle_id: int, photo_id: int, thumb: bool) -> tuple[StoredObject, str] | None:
    """One of the vehicle's photos (or its thumbnail) with its ETag; None when it is not this vehicle's or not ready."""
    row = await Photo.get_or_none(id=photo_id, vehicle_id=vehicle_id)
    if row is None:
        return None
    key = row.thumb_key if thumb else row.key
    if key is None:
        return None
    stored = await files.load(key)
    if stored is None:
        return None
    return stored, f'"{row.sha256[:32]}{"t" if thumb else ""}"'
