"""Export orders: the consignee, the terms, the fixed rate, the vehicles (from inventory or a platform sale) and
the buyer's payments (bank transfers the dealer records)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from export.domain import destinations, hs
from export.models import Order, OrderVehicle, Payment
from export.schemas import OrderIn, OrderList, OrderOut, OrderVehicleIn, PaymentIn
from export.services import access, rules
from export.services.present import orders_out
from listings import vehicles
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.outbox.events import record_event

# ISO 4217 minor units of the currencies an order may be in (JPY has none).
MINOR_DIGITS = {"JPY": 0}
FINAL_STEPS = ("vat_refund_filed", "vat_not_applicable")


def cny_fen(price_minor: int, currency: str, rate: str) -> int:
    """The CNY equivalent in fen at the order's fixed rate, rounded half up to the fen (Decimal throughout)."""
    units = Decimal(price_minor).scaleb(-MINOR_DIGITS.get(currency, 2))
    return int((units * Decimal(rate) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def create(principal: Principal, org_id: int, body: OrderIn) -> OrderOut:
    access.require_exporter(principal, org_id, write=True)
    c = body.consignee
    try:
        async with in_transaction() as conn:
            order = await Order.create(
                exporter_org_id=org_id,
                reference=body.reference,
                consignee_name=c.name,
                consignee_country=c.country,
                consignee_address=c.address,
                consignee_contact=c.contact,
                legal_ground="contract",
                contract_no=body.contract_no,
                destination_country=body.destination_country,
                incoterm=body.incoterm,
                named_place=body.named_place,
                currency=body.currency,
                fx_rate=body.fx_rate,
                fx_source=body.fx_source,
                fx_date=body.fx_date,
                planned_shipment=body.planned_shipment,
                created_by=principal.user_id,
                using_db=conn,
            )
            await audit("export.order_created", actor=principal.user_id, target=f"export_order:{order.id}", conn=conn)
    except IntegrityError:
        raise Conflict("an order with this reference exists", code="order_reference_taken") from None
    return (await orders_out([order], body.fx_date))[0]


async def list_for(principal: Principal, org_id: int, today: date) -> OrderList:
    access.require_exporter(principal, org_id)
    orders = await Order.filter(exporter_org_id=org_id).order_by("-id").limit(200)
    return OrderList(items=await orders_out(orders, today, consignee_pii=access.sees_consignee(principal, org_id)))


async def get(principal: Principal, order_id: int, today: date) -> OrderOut:
    order = await access.order(principal, order_id)
    pii = access.sees_consignee(principal, order.exporter_org_id)
    return (await orders_out([order], today, consignee_pii=pii))[0]


async def _sale_vehicle(org_id: int, sale_id: int) -> int:
    # The sale record is settlement's (it learnt the sale from the auction's or listing's event); a sale counts
    # only when this dealer was its buyer. Asked through settlement's service, never its models.
    from marketplace.settlement.services.sales import won_sale

    sale = await won_sale(sale_id, org_id)
    if sale is None or sale.vehicle_id is None:
        raise NotFound("no such sale won by this dealer", code="sale_not_found")
    return sale.vehicle_id


def _car(v: OrderVehicle) -> destinations.Car:
    first = v.reg_first_registration or date.min
    return destinations.Car(v.steering, first, None, v.euro, frozenset(v.certificates))  # type: ignore[arg-type]


async def check_destination(
    v: OrderVehicle, country: str, shipped: date, when: str, arrival: date | None = None
) -> None:
    found = destinations.check(await rules.table(), country, _car(v), shipped=shipped, arrival=arrival)
    if found:
        raise rules.violations_error(found, when)


async def add_vehicle(principal: Principal, order_id: int, body: OrderVehicleIn, today: date) -> OrderOut:
    order = await access.order(principal, order_id, write=True)
    org_id = order.exporter_org_id
    if (body.vehicle_id is None) == (body.sale_id is None):
        raise ValidationFailed(
            "name the vehicle_id from your inventory or the sale_id of a sale you won, not both",
            details=[{"loc": ["body", "vehicle_id"], "msg": "exactly one of vehicle_id, sale_id"}],
        )
    if body.sale_id is not None:
        vehicle_id = await _sale_vehicle(org_id, body.sale_id)
        summary = await vehicles.describe(vehicle_id)
    else:
        vehicle_id = int(body.vehicle_id or 0)
        summary = await vehicles.describe(vehicle_id)
        if summary is not None and summary.owner_org_id != org_id:
            summary = None  # another dealer's car does not exist for this one
    full = await vehicles.get(vehicle_id) if summary is not None else None
    if summary is None or full is None:
        raise NotFound("no such vehicle", code="vehicle_not_found")
    busy = (
        await OrderVehicle.filter(exporter_org_id=org_id, vehicle_id=vehicle_id).exclude(step__in=FINAL_STEPS).exists()
    )
    if busy:
        raise Conflict("this vehicle is in an export order already", code="vehicle_in_another_order")
    try:  # derived now, shown for the declaration; overridable there with a reason
        heading = hs.heading(summary.energy_type, body.fuel, full.displacement_ml).code  # type: ignore[arg-type]
    except ValueError:
        heading = ""  # no cylinder capacity recorded: the declaration must override (hs_code_missing otherwise)
    v = OrderVehicle(
        order_id=order.id,
        exporter_org_id=org_id,
        vehicle_id=vehicle_id,
        sale_id=body.sale_id,
        vin=summary.vin,
        make=summary.make,
        model=summary.model,
        energy=summary.energy_type,
        fuel=body.fuel,
        steering=body.steering,
        displacement_ml=full.displacement_ml,
        euro=body.euro,
        certificates=sorted(set(body.certificates)),
        commercial=body.commercial,
        price_minor=body.price_minor,
        price_cny_fen=cny_fen(body.price_minor, order.currency, order.fx_rate),
        reg_make=summary.make,
        reg_model=summary.model,
        reg_first_registration=summary.first_registration,
        hs_code=heading,
    )
    await check_destination(v, order.destination_country, order.planned_shipment or today, "on entering the order")
    async with in_transaction() as conn:
        await v.save(using_db=conn)
        await audit("export.vehicle_added", actor=principal.user_id, target=f"export_vehicle:{v.id}", conn=conn)
        await record_event(conn, "export.vehicle_added", {"order_id": order.id, "order_vehicle_id": v.id})
    return await get(principal, order.id, today)


async def record_payment(principal: Principal, order_id: int, body: PaymentIn, today: date) -> OrderOut:
    """A bank transfer from the foreign buyer, as the dealer saw it on its statement (one row per bank
    reference: recording it twice changes nothing). Card payments arrive through settlement's hosted checkout as
    an event (`services/card_checkout.py`; docs/export.md, "Payments")."""
    order = await access.order(principal, order_id, write=True)
    if await Payment.exists(order_id=order.id, reference=body.reference):
        return await get(principal, order.id, today)
    try:
        async with in_transaction() as conn:
            p = await Payment.create(
                order_id=order.id,
                amount_minor=body.amount_minor,
                currency=order.currency,
                reference=body.reference,
                received_on=body.received_on,
                recorded_by=principal.user_id,
                using_db=conn,
            )
            await audit("export.payment_recorded", actor=principal.user_id, target=f"export_payment:{p.id}", conn=conn)
    except IntegrityError:
        pass  # recorded meanwhile by the same reference: the same payment
    return await get(principal, order.id, today)
