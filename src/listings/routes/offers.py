"""HTTP handlers for offers on fixed-price listings: make, list, decide (accept, counter, decline, withdraw)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.routing import BaseRoute

from listings.routes._common import TAG, now
from listings.services import offers
from listings.services.offers import DealerOffersIn, DecisionIn, OfferIn, OfferOut
from marketplace.web.endpoint import Call, endpoint


class OfferList(BaseModel):
    items: list[OfferOut]


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: str | None


@endpoint(
    "POST",
    "/api/listings/{id:int}/offers",
    summary="Make an offer on a negotiable listing (expires after OFFER_TTL_HOURS)",
    tag=TAG,
    body=OfferIn,
    response=OfferOut,
    status=201,
    errors=(403, 404, 409),
)
async def make_offer(call: Call[OfferIn, Any]) -> OfferOut:
    ttl = call.services.settings.offer_ttl_hours
    out = await offers.make_offer(call.user, call.path_id(), call.body, now(), ttl)
    call.services.relay.notify()
    return out


@endpoint(
    "GET",
    "/api/listings/{id:int}/offers",
    summary="Offers on a listing: all for its dealer, your own for a buyer",
    tag=TAG,
    response=OfferList,
    errors=(404,),
)
async def listing_offers(call: Call[Any, Any]) -> OfferList:
    return OfferList(items=await offers.list_for_listing(call.user, call.path_id()))


@endpoint("GET", "/api/me/offers", summary="Your offers", tag=TAG, response=OfferList)
async def my_offers(call: Call[Any, Any]) -> OfferList:
    return OfferList(items=await offers.my_offers(call.user))


@endpoint(
    "GET",
    "/api/dealers/{id:int}/offers",
    summary="Every offer on the dealer's listings, newest first, optionally of one status (the dealer's members only)",
    tag=TAG,
    query=DealerOffersIn,
    response=OfferPage,
    errors=(400, 403, 404, 422),
)
async def dealer_offers(call: Call[Any, DealerOffersIn]) -> OfferPage:
    items, cursor = await offers.dealer_offers(call.user, call.path_id(), call.query)
    return OfferPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/offers/{id:int}/decision",
    summary="Accept, decline or counter (dealer); accept a counter or withdraw (buyer). Acceptance reserves "
    "the listing and records the sale",
    tag=TAG,
    body=DecisionIn,
    response=OfferOut,
    errors=(403, 404, 409, 422),
)
async def decide_offer(call: Call[DecisionIn, Any]) -> OfferOut:
    out = await offers.decide(call.user, call.path_id(), call.body, now())
    call.services.relay.notify()
    return out


routes: list[BaseRoute] = [
    make_offer,
    listing_offers,
    my_offers,
    dealer_offers,
    decide_offer,
]
