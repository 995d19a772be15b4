"""HTTP handlers for export orders: create, list, read, add vehicles, record payments."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.schemas import OrderIn, OrderList, OrderOut, OrderVehicleIn, PaymentIn
from export.services import orders
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


routes: list[BaseRoute] = [create, list_orders, get, add_vehicle, record_payment]
