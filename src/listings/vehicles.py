"""The vehicle's public face for other packages: engaging a vehicle in one listing or lot at a time.

An engagement is also what freezes the vehicle's data to its seller (`lock_for_edit`): a vehicle in an auction
lot, or reserved for a buyer by an accepted offer, must not change under the people bidding on or buying it.
Listings learns of that from its own table, without knowing what a lot is beyond the engagement's kind.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from listings.domain.lifecycle import Status
from listings.models import Listing, Vehicle, VehicleEngagement


class VehicleBusy(Exception):
    """The vehicle is already in an open listing or auction lot."""


class VehicleLocked(Exception):
    """The vehicle is in an auction lot or reserved for a buyer: its seller may not change its data."""

    code = "vehicle_locked"


async def _lock_row(conn: BaseDBAsyncClient, vehicle_id: int) -> None:
    # Engaging and editing take turns on the vehicle's row (FOR UPDATE on PostgreSQL; SQLite runs one writing
    # transaction at a time): an edit that read "not engaged" cannot commit after a lot engaged the vehicle.
    await Vehicle.filter(id=vehicle_id).select_for_update().using_db(conn).first()


async def lock_for_edit(conn: BaseDBAsyncClient, vehicle_id: int) -> None:
    """Inside the editing transaction: raise VehicleLocked if the vehicle's data is frozen to its seller.

    Frozen while it is in an auction lot (from the catalogue's draft to the sale or pass: bidders and the
    house rely on what the lot shows) or held by a reserved listing (an accepted offer: the buyer agreed to
    this car). A published listing's own engagement does not freeze it: the dealer may still correct it.
    """
    await _lock_row(conn, vehicle_id)
    engagement = await VehicleEngagement.filter(vehicle_id=vehicle_id).using_db(conn).first()
    if engagement is None:
        return
    if engagement.kind != "listing":
        raise VehicleLocked(f"vehicle {vehicle_id} is in an auction lot")
    if await Listing.filter(id=engagement.ref_id, status=Status.RESERVED).using_db(conn).exists():
        raise VehicleLocked(f"vehicle {vehicle_id} is reserved for a buyer")


async def locked_ids(vehicle_ids: list[int]) -> set[int]:
    """Which of these vehicles are frozen to their seller now (a check before an import writes anything)."""
    rows = await VehicleEngagement.filter(vehicle_id__in=vehicle_ids).values_list("vehicle_id", "kind", "ref_id")
    reserved = set(
        await Listing.filter(id__in=[r for _, k, r in rows if k == "listing"], status=Status.RESERVED).values_list(
            "id", flat=True
        )
    )
    return {v for v, k, r in rows if k != "listing" or r in reserved}


async def engage(conn: BaseDBAsyncClient, vehicle_id: int, kind: str, ref_id: int) -> None:
    """Claim the vehicle for a listing or lot, inside the caller's transaction (a no-op if it holds it already)."""
    await _lock_row(conn, vehicle_id)
    if await VehicleEngagement.exists(vehicle_id=vehicle_id, kind=kind, ref_id=ref_id, using_db=conn):
        return
    try:
        async with conn._in_transaction() as savepoint:  # a failed insert must not poison the caller's transaction
            await VehicleEngagement.create(vehicle_id=vehicle_id, kind=kind, ref_id=ref_id, using_db=savepoint)
    except IntegrityError:
        raise VehicleBusy(f"vehicle {vehicle_id} is already in an open listing or lot") from None


async def release(conn: BaseDBAsyncClient, vehicle_id: int, kind: str, ref_id: int) -> bool:
    deleted = await VehicleEngagement.filter(vehicle_id=vehicle_id, kind=kind, ref_id=ref_id).using_db(conn).delete()
    return bool(deleted)


async def engaged_by(vehicle_id: int) -> tuple[str, int] | None:
    """What holds the vehicle now: ("listing", listing id) or ("lot", lot id); None when it is free."""
    row = await VehicleEngagement.get_or_none(vehicle_id=vehicle_id)
    return (row.kind, row.ref_id) if row is not None else None


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


@dataclass(frozen=True)
class VehicleFacts:
    """What a sale's event tells the statistics about the vehicle (make, energy type, where it is registered)."""

    make: str
    make_en: str
    energy_type: str  # ICE | BEV | PHEV | HEV | FCEV (the statistics' spelling)
    registration_province: str
    registration_city: str
    model: str = ""
    series: str = ""

    @property
    def title(self) -> str:
        """How a lot of this vehicle is named (make, model, series), as the lot pages show it."""
        return " ".join(part for part in (self.make, self.model, self.series) if part)


async def facts_of(conn: BaseDBAsyncClient, vehicle_id: int) -> VehicleFacts | None:
    """Inside the caller's transaction: the vehicle's figures as they stand at the sale (None if it is gone)."""
    row = await Vehicle.filter(id=vehicle_id).using_db(conn).first()
    if row is None:
        return None
    return VehicleFacts(
        make=row.make,
        make_en=row.make_en,
        energy_type=(row.energy_type or "ice").upper(),
        registration_province=row.registration_province,
        registration_city=row.registration_city,
        model=row.model,
        series=row.series,
    )
