"""HTTP handlers of the listings package: parse, call one service, serialise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import BaseRoute

from listings.domain.lifecycle import Transition
from listings.routes_more import routes as more_routes
from listings.schemas import (
    ConditionIn,
    InventoryFilter,
    ListingIn,
    ListingOut,
    ListingPage,
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

TAG = "listings"


def _now() -> datetime:
    return datetime.now(UTC)


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
    out = await inventory.create_listing(call.user, call.body, _now())
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
    out = await inventory.update_listing(call.user, call.path_id(), call.body, _now())
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
        out = await inventory.transition(call.user, call.path_id(), t, _now(), _now().date())
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
    errors=(403, 404, 422),
)
async def condition(call: Call[ConditionIn, Any]) -> ListingOut:
    out = await inventory.set_condition(call.user, call.path_id(), call.body)
    call.services.relay.notify()
    return out


@endpoint(
    "GET",
    "/api/dealers/{id:int}/inventory",
    summary="The dealer's inventory, every status, newest first (members and platform staff only)",
    tag=TAG,
    query=InventoryFilter,
    response=ListingPage,
    errors=(403, 404),
)
async def inventory_list(call: Call[Any, InventoryFilter]) -> ListingPage:
    items, cursor = await inventory.list_inventory(call.user, call.path_id(), call.query)
    return ListingPage(items=items, next_cursor=cursor)


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "xlsx"] = "csv"


@endpoint(
    "GET",
    "/api/dealers/{id:int}/inventory/export",
    summary="Export the dealer's inventory as CSV or XLSX (the import's columns)",
    tag=TAG,
    query=ExportQuery,
    errors=(403, 404),
)
async def export(call: Call[Any, ExportQuery]) -> Response:
    from listings.services.imports import export_inventory

    fmt = call.query.format
    data = await export_inventory(call.user, call.path_id(), fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="inventory.{fmt}"', "Cache-Control": "no-store"}
    return Response(data, media_type=media, headers=headers)


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
    inventory_list,
    export,
    *more_routes,
]
