"""HTTP handlers of auctions: consignments (委托拍卖), a seller putting a vehicle in a house's hands."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.routing import BaseRoute

from auctions.schemas import (
    ConsignmentIn,
    ConsignmentOut,
)
from auctions.services import consignments
from auctions.services.consignments import ConsignmentPage, ConsignmentQuery
from marketplace.web.endpoint import Call, endpoint

TAG = "auctions"


@endpoint(
    "POST",
    "/api/consignments",
    summary="Consign one of your dealer's vehicles to a verified auction house (委托拍卖)",
    tag=TAG,
    body=ConsignmentIn,
    response=ConsignmentOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def consign(call: Call[ConsignmentIn, BaseModel]) -> ConsignmentOut:
    return await consignments.consign(call.user, call.body, call.client_ip)


@endpoint(
    "GET",
    "/api/consignments",
    summary="Your organisations' consignments, as the seller and as the house (the house's vehicle picker)",
    tag=TAG,
    query=ConsignmentQuery,
    response=ConsignmentPage,
    errors=(400,),
)
async def list_consignments(call: Call[BaseModel, ConsignmentQuery]) -> ConsignmentPage:
    return await consignments.list_consignments(call.user, call.query)


@endpoint(
    "POST",
    "/api/consignments/{id:int}/withdraw",
    summary="Withdraw a consignment the house has not yet put in a lot (the seller's staff)",
    tag=TAG,
    response=ConsignmentOut,
    errors=(403, 404, 409),
)
async def withdraw_consignment(call: Call[BaseModel, BaseModel]) -> ConsignmentOut:
    return await consignments.withdraw(call.user, call.path_id(), call.client_ip)


routes: list[BaseRoute] = [
    consign,
    list_consignments,
    withdraw_consignment,
]
