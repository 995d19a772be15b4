"""The vehicle's public face for other packages: engaging a vehicle in one listing or lot at a time."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from listings.models import Vehicle, VehicleEngagement


class VehicleBusy(Exception):
    """The vehicle is already in an open listing or auction lot."""


async def engage(conn: BaseDBAsyncClient, vehicle_id: int, kind: str, ref_id: int) -> None:
    """Claim the vehicle for a listing or lot, inside the caller's transaction."""
    try:
        async with conn._in_transaction() as savepoint:  # a failed insert must not poison the caller's transaction
            await VehicleEngagement.create(vehicle_id=vehicle_id, kind=kind, ref_id=ref_id, using_db=savepoint)
    except IntegrityError:
        raise VehicleBusy(f"vehicle {vehicle_id} is already in an open listing or lot") from None


async def release(conn: BaseDBAsyncClient, vehicle_id: int, kind: str, ref_id: int) -> bool:
    deleted = await VehicleEngagement.filter(vehicle_id=vehicle_id, kind=kind, ref_id=ref_id).using_db(conn).delete()
    return bool(deleted)


async def get(vehicle_id: int) -> Vehicle | None:
    return await Vehicle.get_or_none(id=vehicle_id)


@dataclass(frozen=True)
class VehicleSummary:
    """What another package (an auction lot) may show about a vehicle."""

    id: int
    vin: str
    owner_org_id: int
    make: str
    model: str
    series: str
    energy_type: str
    model_year: int | None
    first_registration: date | None
    mileage_km: int
    transfers: int
    colour: str
    registration_city: str


def _summary(v: Vehicle) -> VehicleSummary:
    return VehicleSummary(
        v.id,
        v.vin,
        v.owner_org_id,
        v.make,
        v.model,
        v.series,
        v.energy_type,
        v.model_year,
        v.first_registration,
        v.mileage_km,
        v.transfers,
        v.colour,
        v.registration_city,
    )


async def describe(vehicle_id: int) -> VehicleSummary | None:
    vehicle = await Vehicle.get_or_none(id=vehicle_id)
    return _summary(vehicle) if vehicle is not None else None


async def describe_many(vehicle_ids: list[int]) -> dict[int, VehicleSummary]:
    return {v.id: _summary(v) for v in await Vehicle.filter(id__in=vehicle_ids)}


async def describe_vin(vin: str, owner_org_ids: Collection[int]) -> VehicleSummary | None:
    """The vehicle with this VIN in one of these organisations' inventories (a VIN is unique per owner)."""
    vehicle = await Vehicle.filter(vin=vin.strip().upper(), owner_org_id__in=list(owner_org_ids)).order_by("id").first()
    return _summary(vehicle) if vehicle is not None else None
