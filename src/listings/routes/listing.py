"""HTTP handlers for buyer search and one listing's life: create, read, edit, the transitions, the condition report."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from listings.domain.lifecycle import Transition
from listings.routes._common import TAG, now
from listings.schemas import (
    ConditionIn,
    ListingIn,
    ListingOut,
    ListingPatch,
    SearchIn,
    SearchOut,
)
from listings.services import inventory, saved
from listings.services import search as search_service
from listings.services.access import load_visible
from listings.services.present import listing_out
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.responses import FastJSONResponse


@endpoint(
    "GET",
    "/api/listings/search",
    summary="Search published listings: text (Chinese/English, synonyms, typos), filters, facets, sort, pages",
    tag=TAG,
    query=SearchIn,
    response=SearchOut,
    auth="public",
    errors=(422,),
)
async def search(call: Call[Any, SearchIn]) -> Response:
    return FastJSONResponse(await search_service.search(call.services.search, call.query))


@endpoint(
    "POST",
    "/api/listings",
    summary="Create a draft listing with its vehicle (VIN checked and decoded)",
    tag=TAG,
    body=ListingIn,
    response=ListingOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def create(call: Call[ListingIn, Any]) -> ListingOut:
    out = await inventory.create_listing(call.user, call.body, now())
    call.services.relay.notify()
    return out


@endpoint(
    "GET",
    "/api/listings/{id:int}",
    summary="A listing with its vehicle, photos, condition report and dealer",
    tag=TAG,
    response=ListingOut,
    auth="public",
    errors=(404,),
)
async def detail(call: Call[Any, Any]) -> ListingOut:
    listing = await load_visible(call.principal, call.path_id())
    out = await listing_out(listing)
    out.watching = await saved.is_watching(call.principal, listing.id)
    return out


@endpoint(
    "PATCH",
    "/api/listings/{id:int}",
    summary="Edit a listing (price, text, vehicle details); a price change alerts saved searches",
    tag=TAG,
    body=ListingPatch,
    response=ListingOut,
    errors=(403, 404, 409, 422),
)
async def edit(call: Call[ListingPatch, Any]) -> ListingOut:
    out = await inventory.update_listing(call.user, call.path_id(), call.body, now())
    call.services.relay.notify()
    return out


def _transition(t: Transition, summary: str) -> BaseRoute:
    @endpoint(
        "POST",
        f"/api/listings/{{id:int}}/{t.value}",
        summary=summary,
        tag=TAG,
        response=ListingOut,
        errors=(403, 404, 409),
    )
    async def run(call: Call[Any, Any]) -> ListingOut:
        out = await inventory.transition(call.user, call.path_id(), t, now(), now().date())
        call.services.relay.notify()
        return out

    run.name = f"listing_{t.value}"
    return run


@endpoint(
    "PUT",
    "/api/listings/{id:int}/condition",
    summary="Replace the vehicle's condition report (graded items with notes and photos)",
    tag=TAG,
    body=ConditionIn,
    response=ListingOut,
    errors=(403, 404, 409, 422),
)
async def condition(call: Call[ConditionIn, Any]) -> ListingOut:
    out = await inventory.set_condition(call.user, call.path_id(), call.body)
    call.services.relay.notify()
    return out


routes: list[BaseRoute] = [
    search,
    create,
    detail,
    edit,
    _transition(Transition.PUBLISH, "Publish (verified dealers with a valid agent certificate, or staff)"),
    _transition(Transition.WITHDRAW, "Withdraw from sale"),
    _transition(Transition.RESERVE, "Reserve for a buyer"),
    _transition(Transition.RELEASE, "Release a reservation: back on sale"),
    _transition(Transition.SELL, "Mark sold once the recorded sale is settled"),
    condition,
]
