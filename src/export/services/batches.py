"""Batches: one licence, one declaration, one shipment (ro-ro, container, rail), holding vehicles of one or
several orders of one exporter bound for one country; the bill of lading per batch. Booking a vehicle into a
batch checks the destination rules for its planned departure."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from export.models import Batch, Order, OrderVehicle
from export.schemas import BatchIn, BatchList, BatchOut, BillOfLadingIn
from export.services import access
from export.services.orders import check_destination
from export.services.present import batches_out
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound


async def create(principal: Principal, org_id: int, body: BatchIn) -> BatchOut:
    access.require_exporter(principal, org_id, write=True)
    ids = sorted(set(body.order_vehicle_ids))
    vehicles = await OrderVehicle.filter(id__in=ids, exporter_org_id=org_id)
    if len(vehicles) != len(ids):
        raise NotFound("no such vehicle", code="vehicle_not_found")  # another exporter's vehicle does not exist
    if any(v.batch_id is not None for v in vehicles):
        raise Conflict("a vehicle is already in a batch", code="vehicle_in_batch")
    orders = {o.id: o for o in await Order.filter(id__in=list({v.order_id for v in vehicles}))}
    countries = {orders[v.order_id].destination_country for v in vehicles}
    if len(countries) != 1:
        raise Conflict("a batch ships to one destination country", code="batch_destination_mismatch")
    country = countries.pop()
    for v in vehicles:
        await check_destination(v, country, body.planned_departure, "at booking")
    try:
        async with in_transaction() as conn:
            batch = await Batch.create(
                exporter_org_id=org_id,
                reference=body.reference,
                mode=body.mode,
                destination_country=country,
                planned_departure=body.planned_departure,
                created_by=principal.user_id,
                using_db=conn,
            )
            changed = await OrderVehicle.filter(id__in=ids, batch_id=None).using_db(conn).update(batch_id=batch.id)
            if changed != len(ids):
                raise Conflict("a vehicle is already in a batch", code="vehicle_in_batch")
            await audit("export.batch_created", actor=principal.user_id, target=f"export_batch:{batch.id}", conn=conn)
    except IntegrityError:
        raise Conflict("a batch with this reference exists", code="batch_reference_taken") from None
    return (await batches_out([batch]))[0]


async def list_for(principal: Principal, org_id: int) -> BatchList:
    access.require_exporter(principal, org_id)
    return BatchList(items=await batches_out(list(await Batch.filter(exporter_org_id=org_id).order_by("-id"))))


async def get(principal: Principal, batch_id: int) -> BatchOut:
    return (await batches_out([await access.batch(principal, batch_id)]))[0]


async def record_bill_of_lading(principal: Principal, batch_id: int, body: BillOfLadingIn) -> BatchOut:
    batch = await access.batch(principal, batch_id, write=True)
    data = body.model_dump(mode="json")
    async with in_transaction() as conn:
        await Batch.filter(id=batch.id).using_db(conn).update(bill_of_lading=data)
        await audit(
            "export.bill_of_lading_recorded",
            actor=principal.user_id,
            target=f"export_batch:{batch.id}",
            details={"number": body.number},
            conn=conn,
        )
    return await get(principal, batch.id)
