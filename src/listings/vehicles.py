"""The vehicle's public face for other packages: engaging a vehicle in one listing or lot at a time."""

from __future__ import annotations

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
