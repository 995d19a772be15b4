"""Inventory import (CSV/XLSX): validate every row first, then write all of it (or only the good rows) at once.

Idempotent on VIN: a row whose VIN the dealer already has updates that vehicle and its open listing, unless
the vehicle is frozen to its seller (in an auction lot or reserved for a buyer): that row is refused
(`vehicle_locked`), like any other bad row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from tortoise.transactions import in_transaction

from listings import vehicles
from listings.domain import lifecycle, sheets
from listings.models import Listing, Vehicle
from listings.schemas import ListingIn
from listings.services.access import require_dealer
from listings.services.inventory import default_title, record_change, vehicle_fields
from marketplace import offload, spreadsheets
from marketplace.accounts.domain import Principal
from marketplace.accounts.organisations import trading_refusal
from marketplace.errors import Conflict, Forbidden

# A full 5,000-row sheet reads and validates in about 2 s of CPU; the bounds in `sheets` keep hostile files
# far below this, which is only the backstop.
IMPORT_CPU_SECONDS = 15.0


class RowError(BaseModel):
    line: int
    column: str
    reason: str
    code: str  # stable (row_required, row_too_long, vehicle_locked, …), worded in both languages by the UI


class ImportReport(BaseModel):
    imported: bool
    rows: int
    created: int
    updated: int
    errors: list[RowError]


def _read_and_validate(data: bytes, fmt: str, org_id: int) -> tuple[int, list[tuple[int, ListingIn]], list[RowError]]:
    """Parse and check every row: pure CPU work, run in a worker process (see `marketplace.offload`)."""
    rows = sheets.read(data, fmt)
    good, errors = _validate(org_id, rows)
    return len(rows), good, errors


async def _read_off_loop(data: bytes, fmt: str, org_id: int) -> tuple[int, list[tuple[int, ListingIn]], list[RowError]]:
    return await spreadsheets.read_off_loop(_read_and_validate, data, fmt, org_id, cpu_seconds=IMPORT_CPU_SECONDS)


def _validate(
    org_id: int, rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[tuple[int, ListingIn]], list[RowError]]:
    good: list[tuple[int, ListingIn]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        data, problems = sheets.row_to_input(row)
        row_errors = [RowError(line=line, column=p.column, reason=p.reason, code=p.code) for p in problems]
        if not row_errors:
            try:
                parsed = ListingIn.model_validate({**data, "dealer_org_id": org_id})
            except ValidationError as exc:
                for err in exc.errors(include_url=False, include_input=False):
                    loc = [str(p) for p in err["loc"] if p != "vehicle"]
                    column = "price_yuan" if loc[:1] == ["price_fen"] else (loc[0] if loc else "")
                    code = sheets.schema_code(err["type"])
                    row_errors.append(RowError(line=line, column=column, reason=err["msg"], code=code))
            else:
                if parsed.vehicle.vin in seen:
                    row_errors.append(
                        RowError(
                            line=line,
                            column="vin",
                            reason=f"the same VIN is on line {seen[parsed.vehicle.vin]}",
                            code="row_duplicate_vin",
                        )
                    )
                else:
                    seen[parsed.vehicle.vin] = line
                    good.append((line, parsed))
        errors.extend(row_errors)
    return good, errors


async def import_inventory(
    principal: Principal,
    org_id: int,
    data: bytes,
    fmt: Literal["csv", "xlsx"],
    good_rows_only: bool,
    now: datetime,
) -> ImportReport:
    require_dealer(principal, org_id, selling=True)
    if not principal.is_platform_admin:
        # Importing lists cars for sale: the same rule as publishing (a verified dealer, a certificate in
        # force), checked before the file costs anything, so an unvetted account cannot send work.
        refusal = await trading_refusal(principal.user_id, org_id, now.date())
        if refusal is not None:
            raise Forbidden(f"the dealer may not import: {refusal.replace('_', ' ')}", code=refusal)
    row_count, good, errors = await _read_off_loop(data, fmt, org_id)
    own = {v.vin: v.id for v in await Vehicle.filter(vin__in=[p.vehicle.vin for _, p in good], owner_org_id=org_id)}
    frozen = await vehicles.locked_ids(list(own.values()))
    for line, parsed in good:
        if own.get(parsed.vehicle.vin) in frozen:
            errors.append(
                RowError(
                    line=line,
                    column="vin",
                    reason="this vehicle is in an auction lot or reserved for a buyer: its details cannot change now",
                    code=vehicles.VehicleLocked.code,
                )
            )
    good = [(line, p) for line, p in good if own.get(p.vehicle.vin) not in frozen]
    errors.sort(key=lambda e: (e.line, e.column))
    if errors and not good_rows_only:
        return ImportReport(imported=False, rows=row_count, created=0, updated=0, errors=errors)
    created = updated = 0
    async with in_transaction() as conn:
        for _, parsed in good:
            fields = vehicle_fields(parsed.vehicle, latest_year=now.year + 1)
            vehicle = await Vehicle.filter(vin=fields["vin"], owner_org_id=org_id).using_db(conn).first()
            listing: Listing | None = None
            if vehicle is None:
                vehicle = await Vehicle.create(owner_org_id=org_id, **fields, using_db=conn)
            else:
                try:  # checked above; again under the row lock, in case a lot took the vehicle meanwhile
                    await vehicles.lock_for_edit(conn, vehicle.id)
                except vehicles.VehicleLocked as exc:
                    raise Conflict(
                        f"vehicle {vehicle.vin} was put in an auction lot meanwhile", code=exc.code
                    ) from None
                await Vehicle.filter(id=vehicle.id).using_db(conn).update(**fields)
                listing = (
                    await Listing.filter(vehicle_id=vehicle.id, status__in=[s.value for s in lifecycle.EDITABLE])
                    .using_db(conn)
                    .order_by("-id")
                    .first()
                )
            listing_fields: dict[str, Any] = {
                "price_fen": parsed.price_fen,
                "negotiable": parsed.negotiable,
                "title": parsed.title or default_title(fields),
                "description": parsed.description,
                "location_city": parsed.location_city or fields.get("registration_city", ""),
                "location_province": fields.get("registration_province", ""),
            }
            if listing is None:
                listing = await Listing.create(
                    vehicle_id=vehicle.id, dealer_org_id=org_id, created_by=principal.user_id, **listing_fields,
                    using_db=conn,
                )  # fmt: skip
                created += 1  # a draft: it holds no vehicle until published (lifecycle.OPEN)
            else:
                await Listing.filter(id=listing.id).using_db(conn).update(version=listing.version + 1, **listing_fields)
                listing.version += 1
                updated += 1
            await record_change(conn, listing, "edited")
    return ImportReport(imported=True, rows=row_count, created=created, updated=updated, errors=errors)


def _export_row(listing: Listing) -> dict[str, Any]:
    v = listing.vehicle
    return {
        **{c: getattr(v, c) for c in sheets.COLUMNS if hasattr(v, c) and c not in ("model",)},
        "model": v.model,
        "battery_kwh": str(v.battery_kwh) if v.battery_kwh is not None else "",
        "first_registration": v.first_registration.isoformat() if v.first_registration else "",
        "price_yuan": f"{listing.price_fen // 100}.{listing.price_fen % 100:02d}",
        "negotiable": "yes" if listing.negotiable else "no",
        "title": listing.title,
        "description": listing.description,
        "location_city": listing.location_city,
        "accident": "yes" if v.accident else "no",
        "flood": "yes" if v.flood else "no",
        "fire": "yes" if v.fire else "no",
    }


EXPORT_BATCH = 500


async def export_inventory(principal: Principal, org_id: int, fmt: Literal["csv", "xlsx"]) -> bytes:
    require_dealer(principal, org_id)
    data: list[dict[str, Any]] = []
    last_id = 0
    while True:
        # In batches: building thousands of ORM objects at once would hold the event loop as long as the
        # spreadsheet writing does; each batch's query gives the loop back.
        batch = await (
            Listing.filter(dealer_org_id=org_id, id__gt=last_id).select_related("vehicle").order_by("id")
            .limit(EXPORT_BATCH)
        )  # fmt: skip
        data.extend({k: ("" if val is None else val) for k, val in _export_row(r).items()} for r in batch)
        if len(batch) < EXPORT_BATCH:
            break
        last_id = batch[-1].id
    return await offload.run(sheets.write_xlsx if fmt == "xlsx" else sheets.write_csv, data, cpu_seconds=60)
