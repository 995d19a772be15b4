"""The shipping event log of vehicles and batches: append-only, corrections retract, CSV imports idempotent.

Nothing here updates or deletes an event (the database refuses it too). An estimated arrival is checked
against the destination rules: a vehicle whose ETA breaks one (Kenya counts a car's age on arrival) is marked
blocked with the rule and its source, and the desk turns it red; the event itself is still recorded (it is a
fact the forwarder reported).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from export.domain import destinations, shipping
from export.models import Batch, Order, OrderVehicle, ShippingEvent
from export.schemas import EventIn, EventList, ImportError_, ImportReport
from export.services import access, rules
from export.services.orders import _car
from export.services.present import Context, eta_out, events_out
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, Conflict, ValidationFailed


def _zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


async def _check_eta(
    vehicles: list[OrderVehicle], country_of: dict[int, str], shipped_of: dict[int, date], arrival: date
) -> list[dict[str, Any]]:
    """Mark (or clear) each vehicle's block against its latest ETA; returns the violations found."""
    table = await rules.table()
    found_all = []
    for v in vehicles:
        found = destinations.check(table, country_of[v.id], _car(v), shipped=shipped_of[v.id], arrival=arrival)
        block = (
            {
                "when": "against the estimated arrival",
                "arrival": arrival.isoformat(),
                "violations": [rules.violation_out(x) for x in found],
            }
            if found
            else None
        )
        await OrderVehicle.filter(id=v.id).update(destination_block=block)
        if block:
            found_all.append({"order_vehicle_id": v.id, "vin": v.vin, **block})
    return found_all


async def _after_arrival_estimate(batch_id: int | None, vehicle_id: int | None) -> list[dict[str, Any]]:
    if batch_id is not None:
        vehicles = list(await OrderVehicle.filter(batch_id=batch_id))
    else:
        vehicles = list(await OrderVehicle.filter(id=vehicle_id))
    if not vehicles:
        return []
    ctx = await Context.load(vehicles)
    orders = {o.id: o for o in await Order.filter(id__in=list({v.order_id for v in vehicles}))}
    out = []
    for v in vehicles:
        eta = eta_out(ctx.journey(v))
        if eta is None:
            continue
        arrival = datetime.fromisoformat(eta["at"]).date()
        batch = ctx.batches.get(v.batch_id) if v.batch_id else None
        shipped = batch.planned_departure if batch else (orders[v.order_id].planned_shipment or arrival)
        out += await _check_eta([v], {v.id: orders[v.order_id].destination_country}, {v.id: shipped}, arrival)
    return out


async def record(
    principal: Principal, body: EventIn, *, batch_id: int | None = None, vehicle_id: int | None = None
) -> dict[str, Any]:
    if batch_id is not None:
        owner: Batch | OrderVehicle = await access.batch(principal, batch_id, write=True)
    else:
        owner = await access.vehicle(principal, int(vehicle_id or 0), write=True)
    org_id = owner.exporter_org_id
    if body.event_time.tzinfo is None:
        raise ValidationFailed(
            "event_time needs its UTC offset",
            code="event_time_needs_offset",
            details=[{"loc": ["body", "event_time"], "msg": "with a UTC offset"}],
        )
    if not _zone(body.time_zone):
        raise ValidationFailed(
            "unknown time zone", code="bad_time_zone", details=[{"loc": ["body", "time_zone"], "msg": "an IANA zone"}]
        )
    key = f"api:{body.idempotency_key}" if body.idempotency_key else f"api:{uuid.uuid4().hex}"
    existing = await ShippingEvent.get_or_none(exporter_org_id=org_id, source_key=key)
    if existing is None:
        if body.retracts_event_id is not None:
            await _check_retractable(org_id, body.retracts_event_id, batch_id, vehicle_id)
        try:
            async with in_transaction() as conn:
                existing = await ShippingEvent.create(
                    exporter_org_id=org_id,
                    batch_id=batch_id,
                    vehicle_id=vehicle_id,
                    event_type=body.event_type,
                    classifier=body.classifier,
                    event_time=body.event_time.astimezone(UTC),
                    event_tz=body.time_zone,
                    recorded_at=datetime.now(UTC),
                    location_code=body.location_code,
                    location_name=body.location_name,
                    retracts_id=body.retracts_event_id,
                    note=body.note,
                    source="manual",
                    source_key=key,
                    recorded_by=principal.user_id,
                    using_db=conn,
                )
                await audit(
                    "export.event_recorded", actor=principal.user_id, target=f"export_event:{existing.id}", conn=conn
                )
        except IntegrityError:
            existing = await ShippingEvent.get(exporter_org_id=org_id, source_key=key)
    blocks = await _after_arrival_estimate(batch_id, vehicle_id)
    listing = await list_events(principal, batch_id=batch_id, vehicle_id=vehicle_id)
    return {"event_id": existing.id, "events": listing, "destination_blocks": blocks}


async def retract(principal: Principal, event_id: int, reason: str) -> dict[str, Any]:
    """Withdraw an event without a replacement: a new event of type `retraction` names it (history kept)."""
    event = await ShippingEvent.get_or_none(id=event_id)
    if event is None or not (principal.is_platform_admin or principal.roles_in(event.exporter_org_id)):
        from marketplace.errors import NotFound

        raise NotFound("not found")
    access.require_exporter(principal, event.exporter_org_id, write=True)
    await _check_retractable(event.exporter_org_id, event.id, event.batch_id, event.vehicle_id)
    try:
        async with in_transaction() as conn:
            await ShippingEvent.create(
                exporter_org_id=event.exporter_org_id,
                batch_id=event.batch_id,
                vehicle_id=event.vehicle_id,
                event_type="retraction",
                classifier=event.classifier,
                event_time=event.event_time,
                event_tz=event.event_tz,
                recorded_at=datetime.now(UTC),
                retracts_id=event.id,
                note=reason[:500],
                source="manual",
                source_key=f"retract:{event.id}",
                recorded_by=principal.user_id,
                using_db=conn,
            )
            await audit(
                "export.event_recorded",
                actor=principal.user_id,
                target=f"export_event:{event.id}",
                details={"retracted": True},
                conn=conn,
            )
    except IntegrityError:
        raise Conflict("that event was already retracted", code="event_already_retracted") from None
    blocks = await _after_arrival_estimate(event.batch_id, event.vehicle_id)
    listing = await list_events(principal, batch_id=event.batch_id, vehicle_id=event.vehicle_id)
    return {"event_id": event.id, "events": listing, "destination_blocks": blocks}


async def _check_retractable(org_id: int, target_id: int, batch_id: int | None, vehicle_id: int | None) -> None:
    target = await ShippingEvent.get_or_none(id=target_id, exporter_org_id=org_id)
    if target is None or target.batch_id != batch_id or target.vehicle_id != vehicle_id:
        raise ApiError("the event to retract is not in this journey", code="event_retracts_unknown", status=422)
    if target.event_type == "retraction" or await ShippingEvent.exists(retracts_id=target_id):
        raise Conflict("that event was already retracted", code="event_already_retracted")


async def list_events(principal: Principal, *, batch_id: int | None = None, vehicle_id: int | None = None) -> EventList:
    if batch_id is not None:
        await access.batch(principal, batch_id)
        events = list(await ShippingEvent.filter(batch_id=batch_id, vehicle_id__isnull=True).order_by("id"))
    else:
        v = await access.vehicle(principal, int(vehicle_id or 0))
        ctx = await Context.load([v])
        events = ctx.journey(v)
    return EventList(items=events_out(events), eta=eta_out(events))


# --- the forwarder's CSV -------------------------------------------------------------------------------------
def _parse(data: bytes) -> tuple[list[shipping.Row], list[shipping.RowError]]:
    return shipping.parse_csv(data.decode("utf-8-sig"))


async def import_csv(principal: Principal, org_id: int, data: bytes) -> ImportReport:
    """Good rows are recorded, bad rows reported (line, column, code); each row's key makes a second import of
    the same file record nothing (`unchanged`), and a fixed file adds only the rows that were bad."""
    access.require_exporter(principal, org_id, write=True)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError("the file is not UTF-8 text", code="csv_not_utf8", status=422) from None
    rows, errors = await asyncio.to_thread(_parse, data)
    vins = {r.vin for r in rows if r.vin}
    refs = {r.batch for r in rows if r.batch}
    vehicles: dict[str, OrderVehicle] = {}
    for v in await OrderVehicle.filter(exporter_org_id=org_id, vin__in=list(vins)).order_by("id") if vins else []:
        vehicles[v.vin] = v  # the latest order's vehicle with this VIN
    batches = (
        {b.reference: b for b in await Batch.filter(exporter_org_id=org_id, reference__in=list(refs))} if refs else {}
    )
    known = {
        k: int(i)
        for k, i in await ShippingEvent.filter(exporter_org_id=org_id, source_key__startswith="csv").values_list(
            "source_key", "id"
        )
    }
    good: list[tuple[shipping.Row, int | None, int | None]] = []
    in_file: dict[str, tuple[int | None, int | None]] = {}
    unchanged = 0
    for r in rows:
        problems = []
        vehicle_id = batch_id = None
        if r.vin:
            found_vehicle = vehicles.get(r.vin)
            if found_vehicle is None:
                problems.append(shipping.RowError(r.line, "vin", "csv_unknown_vehicle", "no vehicle with this VIN"))
            else:
                vehicle_id = found_vehicle.id
        elif r.batch:
            found_batch = batches.get(r.batch)
            if found_batch is None:
                problems.append(shipping.RowError(r.line, "batch", "csv_unknown_batch", "no batch with this reference"))
            else:
                batch_id = found_batch.id
        if not _zone(r.time_zone):
            problems.append(shipping.RowError(r.line, "time_zone", "csv_bad_time_zone", "an IANA zone"))
        if r.retracts:
            rkey = "csv:" + r.retracts[:70]
            if rkey not in known and rkey not in in_file:
                problems.append(
                    shipping.RowError(
                        r.line, "retracts_event_id", "csv_unknown_retracted", "no earlier event with this id"
                    )
                )
        if problems:
            errors.extend(problems)
            continue
        if r.key in known or r.key in in_file:
            unchanged += 1
            continue
        in_file[r.key] = (vehicle_id, batch_id)
        good.append((r, vehicle_id, batch_id))
    now = datetime.now(UTC)
    imported = 0
    if good:
        async with in_transaction() as conn:
            for r, vehicle_id, batch_id in good:
                retracts = None
                if r.retracts:
                    rkey = "csv:" + r.retracts[:70]
                    retracts = known.get(rkey)
                try:
                    async with conn._in_transaction() as savepoint:
                        e = await ShippingEvent.create(
                            exporter_org_id=org_id,
                            batch_id=batch_id,
                            vehicle_id=vehicle_id,
                            event_type=r.event_type,
                            classifier=r.classifier,
                            event_time=r.event_time.astimezone(UTC),
                            event_tz=r.time_zone,
                            recorded_at=now,
                            location_code=r.location_code,
                            location_name=r.location_name,
                            retracts_id=retracts,
                            note=r.note,
                            source="csv",
                            source_key=r.key,
                            recorded_by=principal.user_id,
                            using_db=savepoint,
                        )
                except IntegrityError:
                    unchanged += 1  # the same file imported concurrently
                    continue
                known[r.key] = e.id
                imported += 1
            await audit(
                "export.events_imported",
                actor=principal.user_id,
                target=f"org:{org_id}",
                details={"imported": imported, "errors": len(errors)},
                conn=conn,
            )
        for touched_batch, touched_vehicle in {(b, v) for _, v, b in good}:
            await _after_arrival_estimate(touched_batch, touched_vehicle)
    errors.sort(key=lambda e: (e.line, e.column))
    return ImportReport(
        rows=len(rows) + len({e.line for e in errors if e.line > 1} - {r.line for r in rows}),
        imported=imported,
        unchanged=unchanged,
        errors=[ImportError_(line=e.line, column=e.column, code=e.code, message=e.message) for e in errors],
    )
