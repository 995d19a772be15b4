"""HTTP handlers of auctions: sessions and their catalogue, registration and deposits, the houses, the
results export."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from auctions.schemas import (
    AuctionHouseOut,
    LotIn,
    RegistrationIn,
    RegistrationOut,
    SessionIn,
    SessionOut,
)
from auctions.services import catalogue, consignments, results
from marketplace.web.endpoint import Call, endpoint

TAG = "auctions"


class SessionList(BaseModel):
    items: list[SessionOut]


class RegistrationList(BaseModel):
    items: list[RegistrationOut]


class AuctionHouseList(BaseModel):
    items: list[AuctionHouseOut]


@endpoint(
    "POST",
    "/api/auction-sessions",
    summary="Create an auction session (auction-house staff)",
    tag=TAG,
    body=SessionIn,
    response=SessionOut,
    status=201,
    errors=(403, 422),
)
async def create_session(call: Call[SessionIn, BaseModel]) -> SessionOut:
    return await catalogue.create_session(call.user, call.body)


@endpoint(
    "GET",
    "/api/auction-sessions",
    summary="Auction calendar: published sessions (and your house's drafts)",
    tag=TAG,
    response=SessionList,
    auth="public",
)
async def list_sessions(call: Call[BaseModel, BaseModel]) -> SessionList:
    return SessionList(items=await catalogue.list_sessions(call.principal))


@endpoint(
    "GET",
    "/api/auction-sessions/{id:int}",
    summary="A session's catalogue with its lots",
    tag=TAG,
    response=SessionOut,
    auth="public",
    errors=(404,),
)
async def get_session(call: Call[BaseModel, BaseModel]) -> SessionOut:
    return await catalogue.get_session(call.principal, call.path_id())


@endpoint(
    "POST",
    "/api/auction-sessions/{id:int}/lots",
    summary="Add a lot to a draft session: the house's own vehicle or one consigned to it (else vehicle_not_found)",
    tag=TAG,
    body=LotIn,
    status=201,
    errors=(403, 404, 409, 422),
)
async def add_lot(call: Call[LotIn, BaseModel]) -> Response:
    return JSONResponse(await catalogue.add_lot(call.user, call.path_id(), call.body), status_code=201)


@endpoint(
    "DELETE",
    "/api/lots/{id:int}",
    summary="Remove a lot from a draft catalogue (the vehicle and its consignment are free again)",
    tag=TAG,
    status=204,
    errors=(403, 404, 409),
)
async def remove_lot(call: Call[BaseModel, BaseModel]) -> None:
    await catalogue.remove_lot(call.user, call.path_id())


@endpoint(
    "POST",
    "/api/auction-sessions/{id:int}/publish",
    summary="Publish the catalogue and schedule the lots",
    tag=TAG,
    response=SessionOut,
    errors=(403, 404, 409),
)
async def publish(call: Call[BaseModel, BaseModel]) -> SessionOut:
    return await catalogue.publish(call.user, call.path_id())


@endpoint(
    "POST",
    "/api/auction-sessions/{id:int}/registrations",
    summary="Register to bid; lodge the deposit",
    tag=TAG,
    body=RegistrationIn,
    response=RegistrationOut,
    status=201,
    errors=(403, 404, 409),
)
async def register(call: Call[RegistrationIn, BaseModel]) -> RegistrationOut:
    return await catalogue.register(call.user, call.path_id(), call.body.org_id, call.services.payments)


@endpoint(
    "GET",
    "/api/auction-sessions/{id:int}/registration",
    summary="Your registration and deposit status",
    tag=TAG,
    response=RegistrationOut,
    errors=(404,),
)
async def my_registration(call: Call[BaseModel, BaseModel]) -> RegistrationOut:
    return await catalogue.my_registration(call.user, call.path_id(), call.services.payments)


@endpoint(
    "GET",
    "/api/auction-sessions/{id:int}/registrations",
    summary="Registrations of a session (house staff)",
    tag=TAG,
    response=RegistrationList,
    errors=(403, 404),
)
async def list_registrations(call: Call[BaseModel, BaseModel]) -> RegistrationList:
    return RegistrationList(items=await catalogue.list_registrations(call.user, call.path_id()))


@endpoint(
    "POST",
    "/api/auction-registrations/{id:int}/confirm-deposit",
    summary="Confirm a deposit's bank transfer arrived (house staff)",
    tag=TAG,
    response=RegistrationOut,
    errors=(403, 404),
)
async def confirm_deposit(call: Call[BaseModel, BaseModel]) -> RegistrationOut:
    return await catalogue.confirm_deposit(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/auction-houses",
    summary="Verified auction houses a dealer may consign to (names only)",
    tag=TAG,
    response=AuctionHouseList,
    auth="public",
)
async def auction_houses(call: Call[BaseModel, BaseModel]) -> AuctionHouseList:
    return AuctionHouseList(items=await consignments.auction_houses())


@endpoint(
    "GET",
    "/api/auction-sessions/{id:int}/results/export",
    summary="A session's results as CSV, one row per lot (house staff): formula-safe cells, amounts in yuan",
    tag=TAG,
    errors=(403, 404),
)
async def export_results(call: Call[BaseModel, BaseModel]) -> Response:
    session_id = call.path_id()
    data = await results.export_results(call.user, session_id)
    headers = {
        "Content-Disposition": f'attachment; filename="session-{session_id}-results.csv"',
        "Cache-Control": "no-store",
    }
    return Response(data, media_type="text/csv; charset=utf-8", headers=headers)


routes: list[BaseRoute] = [
    create_session,
    list_sessions,
    get_session,
    add_lot,
    remove_lot,
    publish,
    register,
    my_registration,
    list_registrations,
    confirm_deposit,
    auction_houses,
    export_results,
]
