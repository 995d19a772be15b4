"""The exporter's desk: its filing, open orders with each vehicle's state, nearest deadline, colour and what to
do, its batches, and how many vehicles are red, amber and green."""

from __future__ import annotations

from datetime import date

from export.models import Batch, Filing, Order, Reminder
from export.schemas import DeskOut, VehicleDetail
from export.services import access
from export.services.filings import filing_out, in_force_for
from export.services.present import Context, batches_out, document_out, events_out, orders_out, vehicle_out
from marketplace.accounts.domain import Principal


async def desk(principal: Principal, org_id: int, today: date) -> DeskOut:
    access.require_exporter(principal, org_id)
    filing = await in_force_for(org_id, today) or await Filing.filter(exporter_org_id=org_id).order_by("-id").first()
    orders = await orders_out(list(await Order.filter(exporter_org_id=org_id).order_by("-id").limit(100)), today,
                              consignee_pii=access.sees_consignee(principal, org_id))  # fmt: skip
    batches = await batches_out(list(await Batch.filter(exporter_org_id=org_id).order_by("-id").limit(100)))
    counts = {"red": 0, "amber": 0, "green": 0}
    for o in orders:
        for v in o.vehicles:
            counts[v.colour] += 1
    reminders = await Reminder.filter(exporter_org_id=org_id, due__gte=today).count()
    return DeskOut(
        exporter_org_id=org_id,
        today=today,
        filing=filing_out(filing, today) if filing else None,
        orders=orders,
        batches=batches,
        counts=counts,
        reminders=reminders,
    )


async def vehicle_detail(principal: Principal, vehicle_id: int, today: date) -> VehicleDetail:
    from export.models import Document, PlateRecord, StepRecord
    from export.schemas import PlateRecordOut, StepRecordOut

    v = await access.vehicle(principal, vehicle_id)
    ctx = await Context.load([v])
    records = await StepRecord.filter(vehicle_id=v.id).order_by("id")
    return VehicleDetail(
        vehicle=vehicle_out(v, ctx, today),
        steps=[
            StepRecordOut(step=r.step, on=r.on, data=r.data, recorded_by=r.recorded_by, recorded_at=r.recorded_at)
            for r in records
        ],
        documents=[document_out(d) for d in await Document.filter(vehicle_id=v.id).order_by("id")],
        events=events_out(ctx.journey(v)),
        plates=[
            PlateRecordOut(
                plate_no=p.plate_no,
                issued=p.issued,
                insurance_ends=p.insurance_ends,
                expires=p.expires,
                recorded_by=p.recorded_by,
                recorded_at=p.recorded_at,
            )
            for p in await PlateRecord.filter(vehicle_id=v.id).order_by("id")
        ],
    )
