"""A new temporary plate (临时号牌) for a vehicle whose plate ran out or is about to.

The vehicle administration issues a new plate on the compulsory insurance; the dealer records it here. The
vehicle's row holds the current plate (the gates and the desk read it); every plate is also kept in
`export_plate_records`, append-only, with who recorded it and when. The first plate comes with the
"转让登记待出口" transfer step; a renewal is recorded from then until the car leaves (departed: it is off the road).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from export.domain import clocks
from export.models import OrderVehicle, PlateRecord
from export.schemas import PlateIn
from export.services import access
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, Conflict, ValidationFailed

# The steps at which the car is still driven at home on its temporary plate.
RENEWABLE_AT = ("transfer_registered", "inspected", "licensed", "declared", "loaded")


def _invalid(field: str, msg: str) -> ValidationFailed:
    return ValidationFailed(msg, details=[{"loc": ["body", field], "msg": msg}])


async def add_record(
    conn: BaseDBAsyncClient, vehicle_id: int, plate_no: str, issued: date, insurance_ends: date, user_id: int
) -> None:
    await PlateRecord.create(
        vehicle_id=vehicle_id,
        plate_no=plate_no,
        issued=issued,
        insurance_ends=insurance_ends,
        expires=clocks.plate_expires(issued, insurance_ends),
        recorded_by=user_id,
        recorded_at=datetime.now(UTC),
        using_db=conn,
    )


async def renew(principal: Principal, vehicle_id: int, body: PlateIn, today: date) -> OrderVehicle:
    v = await access.vehicle(principal, vehicle_id, write=True)
    if v.step not in RENEWABLE_AT:
        raise Conflict(
            "a temporary plate is recorded from the 待出口 transfer until the car departs", code="illegal_transition"
        )
    if body.issued > today:
        raise _invalid("issued", "not in the future")
    if body.insurance_ends < body.issued:
        raise _invalid("insurance_ends", "the compulsory insurance must cover the plate's first day")
    if v.plate_issued is not None and body.issued < v.plate_issued:
        raise _invalid("issued", "not before the current plate's issue")
    expires = clocks.plate_expires(body.issued, body.insurance_ends)
    if expires < today:
        # A plate that is already spent would leave the car as red as before: refuse it rather than record it.
        raise ApiError("this plate has expired already", code="plate_expired", status=409)
    async with in_transaction() as conn:
        changed = (
            await OrderVehicle.filter(id=v.id, version=v.version)
            .using_db(conn)
            .update(
                plate_no=body.plate_no,
                plate_issued=body.issued,
                insurance_ends=body.insurance_ends,
                version=v.version + 1,
            )
        )
        if changed != 1:
            raise Conflict("the vehicle changed meanwhile; reload and retry", code="stale")
        await add_record(conn, v.id, body.plate_no, body.issued, body.insurance_ends, principal.user_id)
        await audit(
            "export.plate_recorded",
            actor=principal.user_id,
            target=f"export_vehicle:{v.id}",
            details={"plate_no": body.plate_no, "issued": body.issued.isoformat(), "expires": expires.isoformat()},
            conn=conn,
        )
    return await OrderVehicle.get(id=v.id)
