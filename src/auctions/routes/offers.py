"""HTTP handlers for second-chance offers (after a default): the offeree sees, accepts or declines its own."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from starlette.routing import BaseRoute

from auctions.services import second_chance
from marketplace.web.endpoint import Call, endpoint

TAG = "auctions"


class OfferOut(BaseModel):
    offer_id: int
    default_id: int
    lot_id: int
    session_id: int
    house_org_id: int
    user_id: int
    paddle: str
    amount_fen: int
    deadline: datetime
    status: str


class OfferList(BaseModel):
    items: list[OfferOut]


@endpoint(
    "GET",
    "/api/me/second-chance-offers",
    summary="Second-chance offers made to you after another buyer's default, newest first",
    tag=TAG,
    response=OfferList,
)
async def my_offers(call: Call[BaseModel, BaseModel]) -> OfferList:
    rows = await second_chance.my_offers(call.user)
    return OfferList(items=[OfferOut.model_validate(second_chance.offer_out(o)) for o in rows])


@endpoint(
    "POST",
    "/api/second-chance-offers/{id:int}/accept",
    summary="Buy the lot at your last bid before the offer's deadline (a new sale and invoice)",
    tag=TAG,
    response=OfferOut,
    errors=(404, 409),
)
async def accept(call: Call[BaseModel, BaseModel]) -> OfferOut:
    return OfferOut.model_validate(second_chance.offer_out(await second_chance.accept(call.user, call.path_id())))


@endpoint(
    "POST",
    "/api/second-chance-offers/{id:int}/decline",
    summary="Decline a second-chance offer",
    tag=TAG,
    response=OfferOut,
    errors=(404, 409),
)
async def decline(call: Call[BaseModel, BaseModel]) -> OfferOut:
    return OfferOut.model_validate(second_chance.offer_out(await second_chance.decline(call.user, call.path_id())))


routes: list[BaseRoute] = [my_offers, accept, decline]
