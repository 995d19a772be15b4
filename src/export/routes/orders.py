"""HTTP handlers for export orders: create, list, read, add vehicles, record payments, card checkout."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.schemas import (
    CardCheckoutOut,
    CardCheckoutStateOut,
    OrderIn,
    OrderList,
    OrderOut,
    OrderVehicleIn,
    PaymentIn,
)
from export.services import card_checkout, orders
from marketplace.settlement.services.checkout import Checkout
from marketplace.web.endpoint import Call, endpoint


@endpoint(
    "POST",
    "/api/export/dealers/{id:int}/orders",
    summary="Create an export order: foreign consignee "
    "(legal ground: the contract), incoterm and named place, currency and the CNY rate fixed for the order",
    tag=TAG,
    body=OrderIn,
    response=OrderOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def create(call: Call[OrderIn, Any]) -> OrderOut:
    return await orders.create(call.user, call.path_id(), call.body)


@endpoint(
    "GET",
    "/api/export/dealers/{id:int}/orders",
    summary="The dealer's export orders with their vehicles",
    tag=TAG,
    response=OrderList,
    errors=(403, 404),
)
async def list_orders(call: Call[Any, Any]) -> OrderList:
    return await orders.list_for(call.user, call.path_id(), today())


@endpoint(
    "GET",
    "/api/export/orders/{id:int}",
    summary="One export order with its vehicles, states, deadlines",
    tag=TAG,
    response=OrderOut,
    errors=(404,),
)
async def get(call: Call[Any, Any]) -> OrderOut:
    return await orders.get(call.user, call.path_id(), today())


@endpoint(
    "POST",
    "/api/export/orders/{id:int}/vehicles",
    summary="Add a vehicle from the dealer's inventory "
    "(vehicle_id) or from a sale it won on the platform (sale_id); destination rules are checked",
    tag=TAG,
    body=OrderVehicleIn,
    response=OrderOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def add_vehicle(call: Call[OrderVehicleIn, Any]) -> OrderOut:
    out = await orders.add_vehicle(call.user, call.path_id(), call.body, today())
    call.services.relay.notify()
    return out


@endpoint(
    "POST",
    "/api/export/orders/{id:int}/payments",
    summary="Record the buyer's bank transfer (idempotent by bank reference)",
    tag=TAG,
    body=PaymentIn,
    response=OrderOut,
    status=201,
    errors=(403, 404, 422),
)
async def record_payment(call: Call[PaymentIn, Any]) -> OrderOut:
    return await orders.record_payment(call.user, call.path_id(), call.body, today())


def _checkout_out(c: Checkout) -> CardCheckoutOut:
    return CardCheckoutOut(operation_id=c.operation_id, status=c.status, amount_minor=c.amount, currency=c.currency,
                           url=c.url)  # fmt: skip


@endpoint(
    "POST",
    "/api/export/orders/{id:int}/card-checkout",
    summary="Open (or resume) Stripe's hosted checkout for the order's balance, for the foreign buyer to pay by "
    "card (USD, EUR or HKD, never CNY); returns the page's URL to send the buyer",
    tag=TAG,
    response=CardCheckoutOut,
    errors=(403, 404, 409, 503),
)
async def open_card_checkout(call: Call[Any, Any]) -> CardCheckoutOut:
    opened = await card_checkout.open_checkout(call.user, call.path_id())
    call.services.relay.notify()
    return _checkout_out(opened)


@endpoint(
    "GET",
    "/api/export/orders/{id:int}/card-checkout",
    summary="Whether the order may be paid by card through Stripe's hosted checkout (and why not), and its latest "
    "session as Stripe has it now",
    tag=TAG,
    response=CardCheckoutStateOut,
    errors=(404, 503),
)
async def card_checkout_state(call: Call[Any, Any]) -> CardCheckoutStateOut:
    reason, latest = await card_checkout.checkout_state(call.user, call.path_id())
    call.services.relay.notify()
    return CardCheckoutStateOut(
        available=reason is None, reason=reason, checkout=_checkout_out(latest) if latest else None
    )


routes: list[BaseRoute] = [
    create, list_orders, get, add_vehicle, record_payment, open_card_checkout, card_checkout_state,
]  # fmt: skip
