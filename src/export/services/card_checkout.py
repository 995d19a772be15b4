"""The foreign buyer pays an export order by card through Stripe's hosted checkout (settlement's offshore rail).

The dealer's selling staff open the checkout for the order's balance (the price of its vehicles less what was paid)
and send the page's address to the buyer; settlement owns the session, its idempotency key and the webhook. When
the session is paid, settlement publishes `settlement.checkout_paid`, and the job here records it as the order's
payment, keyed by the PaymentIntent the session made (a redelivered event records nothing new). Stripe settles no
CNY for a mainland business: an order in CNY (or JPY, …) is paid by bank transfer, recorded by the dealer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from export.models import Order, OrderVehicle, Payment
from export.services import access
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict
from marketplace.settlement.services import checkout
from marketplace.settlement.services.checkout import Checkout

SUBJECT_PREFIX = "export_order:"


async def due_minor(order: Order) -> int:
    """What the buyer still owes: the vehicles' prices less the payments recorded (minor units)."""
    priced = await OrderVehicle.filter(order_id=order.id).values_list("price_minor", flat=True)
    paid = await Payment.filter(order_id=order.id).values_list("amount_minor", flat=True)
    return sum(int(p) for p in priced) - sum(int(p) for p in paid)  # type: ignore[call-overload]


async def open_checkout(principal: Principal, order_id: int) -> Checkout:
    """Open (or resume) the hosted checkout for the order's balance (the dealer's selling staff)."""
    order = await access.order(principal, order_id, write=True)  # a rival's order: the same 404 as a missing one
    reason = await checkout.configured_for(order.currency, order.exporter_org_id)
    if reason == "card_rail_unavailable":
        raise Conflict("card payments are not configured here: record a bank transfer", code=reason)
    due = await due_minor(order)
    if due <= 0:
        raise Conflict("nothing is owed on the order", code="order_nothing_due")
    return await checkout.checkout_order(order.exporter_org_id, order.id, due, order.currency, principal.user_id)


async def checkout_state(principal: Principal, order_id: int) -> tuple[str | None, Checkout | None]:
    """Why the order cannot be paid by card now (or None), and its latest session."""
    order = await access.order(principal, order_id)
    latest = await checkout.order_checkout(order.id)
    reason = await checkout.configured_for(order.currency, order.exporter_org_id)
    if reason is None and await due_minor(order) <= 0:
        reason = "order_nothing_due"
    return reason, latest


def _beijing_today(now: datetime) -> date:
    return now.astimezone(ZoneInfo("Asia/Shanghai")).date()


async def record_card_payment(payload: dict[str, Any]) -> None:
    """The job on `settlement.checkout_paid`: the order's payment, once per PaymentIntent."""
    subject = str(payload.get("subject", ""))
    if not subject.startswith(SUBJECT_PREFIX):
        return  # an invoice's session: settlement posted its receipt
    order = await Order.get_or_none(id=int(subject.removeprefix(SUBJECT_PREFIX)))
    reference = str(payload["payment_id"])[:60]
    if order is None or await Payment.exists(order_id=order.id, reference=reference):
        return
    try:
        async with in_transaction() as conn:
            p = await Payment.create(
                order_id=order.id, amount_minor=int(payload["amount_minor"]), currency=str(payload["currency"]),
                method="card", reference=reference, received_on=_beijing_today(datetime.now(UTC)),
                recorded_by=int(payload.get("user_id") or 0), using_db=conn,
            )  # fmt: skip
            await audit("export.card_payment_recorded", actor=p.recorded_by or None, target=f"export_payment:{p.id}",
                        conn=conn)  # fmt: skip
    except IntegrityError:
        pass  # the same event delivered twice at once: the other run recorded it
