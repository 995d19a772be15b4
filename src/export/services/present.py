"""Serialising export records, and the facts the step gates read, built from what is recorded."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from export.domain import clocks, desk, shipping, steps
from export.models import Batch, Document, Order, OrderVehicle, ShippingEvent
from export.schemas import (
    BatchOut,
    ConsigneeOut,
    DeadlineOut,
    DocumentOut,
    EventOut,
    OrderOut,
    PaymentOut,
    VehicleOut,
)

INSPECTION_PAPERS = frozenset({"inspection_report", "standard_declaration"})


def registration(v: OrderVehicle) -> steps.Registration | None:
    if v.reg_first_registration is None or not v.reg_make or not v.reg_model:
        return None
    return steps.Registration(v.reg_make, v.reg_model, v.reg_first_registration, v.pending_export_on)


def licence_registration(data: dict[str, Any] | None) -> steps.Registration | None:
    if not data:
        return None
    pending = data.get("pending_export_on")
    return steps.Registration(
        data["make"],
        data["model"],
        date.fromisoformat(data["first_registration"]),
        date.fromisoformat(pending) if pending else None,
    )


def facts(
    v: OrderVehicle,
    doc_types: frozenset[str],
    batch: Batch | None,
    *,
    filing_valid: bool = True,
    filing_suspended: bool = False,
) -> steps.VehicleFacts:
    reg = registration(v) or steps.Registration(v.make, v.model, date.min, None)
    return steps.VehicleFacts(
        registration=reg,
        plate_issued=v.plate_issued,
        insurance_ends=v.insurance_ends,
        inspection=bool(v.inspection_standard) and bool(doc_types & INSPECTION_PAPERS),
        after_sales_confirmation="after_sales_confirmation" in doc_types,
        licence_data=licence_registration(v.licence_data),
        licence_issued=batch.licence_issued if batch else None,
        filing_valid=filing_valid,
        filing_suspended=filing_suspended,
        hs_code=v.hs_code or None,
        cleared=batch.cleared_on if batch else None,
        documents=doc_types,
    )


def deadline_out(d: clocks.Deadline, today: date) -> DeadlineOut:
    return DeadlineOut(what=d.what, due=d.due, state=d.state(today), days_left=d.days_left(today))


def seen(e: ShippingEvent) -> shipping.Seen:
    return shipping.Seen(e.id, e.event_type, e.classifier, e.event_time, e.retracts_id)


def eta_out(events: list[ShippingEvent]) -> dict[str, Any] | None:
    found = shipping.eta([seen(e) for e in events])
    if found is None:
        return None
    kind, at = found
    return {"kind": kind, "at": at.isoformat()}


def local_time(e: ShippingEvent) -> str:
    try:
        return e.event_time.astimezone(ZoneInfo(e.event_tz)).isoformat()
    except (KeyError, ValueError):
        return e.event_time.isoformat()


def event_out(e: ShippingEvent, retracted: set[int]) -> EventOut:
    return EventOut(
        id=e.id,
        batch_id=e.batch_id,
        vehicle_id=e.vehicle_id,
        event_type=e.event_type,
        classifier=e.classifier,
        event_time=e.event_time,
        time_zone=e.event_tz,
        local_time=local_time(e),
        recorded_at=e.recorded_at,
        location_code=e.location_code,
        location_name=e.location_name,
        retracts_event_id=e.retracts_id,
        retracted=e.id in retracted,
        note=e.note,
        source=e.source,
    )


def events_out(events: list[ShippingEvent]) -> list[EventOut]:
    retracted = {e.retracts_id for e in events if e.retracts_id is not None}
    return [event_out(e, retracted) for e in events]


def document_out(d: Document) -> DocumentOut:
    return DocumentOut(
        id=d.id,
        vehicle_id=d.vehicle_id,
        batch_id=d.batch_id,
        filing_id=d.filing_id,
        doc_type=d.doc_type,
        number=d.number,
        issued_on=d.issued_on,
        issuer=d.issuer,
        for_consignee=d.for_consignee,
        content_type=d.content_type,
        size_bytes=d.size_bytes,
        uploaded_by=d.uploaded_by,
        created_at=d.created_at,
    )


class Context:
    """Everything the vehicles of some orders need to be shown, loaded in a few queries."""

    def __init__(self) -> None:
        self.doc_types: dict[int, set[str]] = defaultdict(set)
        self.batches: dict[int, Batch] = {}
        self.events_by_vehicle: dict[int, list[ShippingEvent]] = defaultdict(list)
        self.events_by_batch: dict[int, list[ShippingEvent]] = defaultdict(list)

    @classmethod
    async def load(cls, vehicles: list[OrderVehicle]) -> Context:
        ctx = cls()
        ids = [v.id for v in vehicles]
        batch_ids = sorted({v.batch_id for v in vehicles if v.batch_id is not None})
        if ids:
            for vid, kind in await Document.filter(vehicle_id__in=ids).values_list("vehicle_id", "doc_type"):
                ctx.doc_types[int(vid)].add(str(kind))
            for e in await ShippingEvent.filter(vehicle_id__in=ids).order_by("id"):
                ctx.events_by_vehicle[int(e.vehicle_id or 0)].append(e)
        if batch_ids:
            ctx.batches = {b.id: b for b in await Batch.filter(id__in=batch_ids)}
            for e in await ShippingEvent.filter(batch_id__in=batch_ids, vehicle_id__isnull=True).order_by("id"):
                ctx.events_by_batch[int(e.batch_id or 0)].append(e)
        return ctx

    def journey(self, v: OrderVehicle) -> list[ShippingEvent]:
        own = self.events_by_vehicle.get(v.id, [])
        shared = self.events_by_batch.get(v.batch_id, []) if v.batch_id else []
        return sorted([*own, *shared], key=lambda e: e.id)


def vehicle_out(v: OrderVehicle, ctx: Context, today: date) -> VehicleOut:
    batch = ctx.batches.get(v.batch_id) if v.batch_id else None
    f = facts(v, frozenset(ctx.doc_types.get(v.id, set())), batch)
    found = steps.deadlines(v.step, f) if v.step in steps.STEPS else []
    st = desk.status(v.step, found, today, blocked=v.destination_block is not None)
    reg = registration(v)
    return VehicleOut(
        id=v.id,
        order_id=v.order_id,
        batch_id=v.batch_id,
        vehicle_id=v.vehicle_id,
        sale_id=v.sale_id,
        vin=v.vin,
        make=v.make,
        model=v.model,
        energy=v.energy,
        steering=v.steering,
        price_minor=v.price_minor,
        price_cny_fen=v.price_cny_fen,
        step=v.step,
        colour=st.colour,
        todo=st.todo,
        deadline=deadline_out(st.deadline, today) if st.deadline else None,
        deadlines=[deadline_out(d, today) for d in found],
        hs_code=v.hs_code,
        hs_derived=v.hs_derived,
        hs_reason=v.hs_reason,
        registration=(
            {
                "make": reg.make,
                "model": reg.model,
                "first_registration": reg.first_registration.isoformat(),
                "pending_export_on": reg.pending_export_on.isoformat() if reg.pending_export_on else None,
            }
            if reg
            else None
        ),
        plate=(
            {
                "plate_no": v.plate_no,
                "issued": v.plate_issued.isoformat(),
                "insurance_ends": v.insurance_ends.isoformat() if v.insurance_ends else None,
                "expires": clocks.plate_expires(v.plate_issued, v.insurance_ends).isoformat()
                if v.insurance_ends
                else None,
            }
            if v.plate_issued
            else None
        ),
        licence_data=v.licence_data,
        refund_fen=v.refund_fen,
        destination_block=v.destination_block,
        eta=eta_out(ctx.journey(v)),
        packing=v.packing,
    )


async def orders_out(orders: list[Order], today: date, *, consignee_pii: bool = True) -> list[OrderOut]:
    """The orders as the API shows them; without `consignee_pii` (a reader outside the dealer: platform staff) the
    consignee's name, address and contact are null."""
    ids = [o.id for o in orders]
    vehicles = await OrderVehicle.filter(order_id__in=ids).order_by("id") if ids else []
    ctx = await Context.load(vehicles)
    by_order: dict[int, list[OrderVehicle]] = defaultdict(list)
    for v in vehicles:
        by_order[v.order_id].append(v)
    from export.models import Payment

    payments: dict[int, list[Payment]] = defaultdict(list)
    for p in await Payment.filter(order_id__in=ids).order_by("id") if ids else []:
        payments[p.order_id].append(p)
    out = []
    for o in orders:
        vs = by_order.get(o.id, [])
        ps = payments.get(o.id, [])
        out.append(
            OrderOut(
                id=o.id,
                exporter_org_id=o.exporter_org_id,
                reference=o.reference,
                consignee=ConsigneeOut(
                    name=o.consignee_name if consignee_pii else None,
                    country=o.consignee_country,
                    address=o.consignee_address if consignee_pii else None,
                    contact=o.consignee_contact if consignee_pii else None,
                    legal_ground=o.legal_ground,
                    contract_no=o.contract_no,
                ),
                destination_country=o.destination_country,
                incoterm=o.incoterm,
                named_place=o.named_place,
                currency=o.currency,
                fx_rate=o.fx_rate,
                fx_source=o.fx_source,
                fx_date=o.fx_date,
                planned_shipment=o.planned_shipment,
                status=o.status,
                total_minor=sum(v.price_minor for v in vs),
                total_cny_fen=sum(v.price_cny_fen for v in vs),
                paid_minor=sum(p.amount_minor for p in ps),
                payments=[
                    PaymentOut(
                        id=p.id,
                        amount_minor=p.amount_minor,
                        currency=p.currency,
                        method=p.method,
                        reference=p.reference,
                        received_on=p.received_on,
                    )
                    for p in ps
                ],
                vehicles=[vehicle_out(v, ctx, today) for v in vs],
                created_at=o.created_at,
            )
        )
    return out


async def batches_out(batches: list[Batch]) -> list[BatchOut]:
    ids = [b.id for b in batches]
    members: dict[int, list[int]] = defaultdict(list)
    events: dict[int, list[ShippingEvent]] = defaultdict(list)
    if ids:
        for vid, bid in await OrderVehicle.filter(batch_id__in=ids).order_by("id").values_list("id", "batch_id"):
            members[int(bid)].append(int(vid))
        for e in await ShippingEvent.filter(batch_id__in=ids, vehicle_id__isnull=True).order_by("id"):
            events[int(e.batch_id or 0)].append(e)
    return [
        BatchOut(
            id=b.id,
            exporter_org_id=b.exporter_org_id,
            reference=b.reference,
            mode=b.mode,
            destination_country=b.destination_country,
            planned_departure=b.planned_departure,
            licence_no=b.licence_no,
            licence_issued=b.licence_issued,
            licence_expires=clocks.licence_expires(b.licence_issued) if b.licence_issued else None,
            licensed_quantity=b.licensed_quantity,
            declaration_no=b.declaration_no,
            declared_on=b.declared_on,
            cleared_on=b.cleared_on,
            bill_of_lading=b.bill_of_lading,
            vehicle_ids=members.get(b.id, []),
            eta=eta_out(events.get(b.id, [])),
        )
        for b in batches
    ]
