"""HTTP handlers of the auctions package: catalogue management, registration, and the bid fallback."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from auctions import offer_routes
from auctions.schemas import (
    AuctionHouseOut,
    BidIn,
    ConsignmentIn,
    ConsignmentOut,
    ControlIn,
    DecisionIn,
    LotIn,
    MaterialChangeIn,
    RegistrationIn,
    RegistrationOut,
    SessionIn,
    SessionOut,
)
from auctions.services import actions, bidder, catalogue, consignments, lot_page, results
from auctions.services.bidder import MyAuctionsPage, MyAuctionsQuery, SaleRecordOut
from auctions.services.clock import now_ms
from auctions.services.consignments import ConsignmentPage, ConsignmentQuery
from auctions.services.live import PROTOCOL_VERSION
from auctions.services.present import events_after
from marketplace.errors import ApiError, BadRequest
from marketplace.web.endpoint import Call, endpoint

TAG = "auctions"
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class SessionList(BaseModel):
    items: list[SessionOut]


class RegistrationList(BaseModel):
    items: list[RegistrationOut]


class AuctionHouseList(BaseModel):
    items: list[AuctionHouseOut]


class AfterQuery(BaseModel):
    after_seq: int = 0


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


def _bid_answer(result: dict[str, Any]) -> Response:
    """The socket's `bid_result`, envelope included (`v`, `server_time`), so one client parses both."""
    if result.get("reason") == actions.KEY_REUSED:
        # Stripe's rule: a key reused with other parameters is the client's error, never the first receipt.
        raise ApiError(
            "this Idempotency-Key was already used for a different bid (another lot, amount or kind)",
            code=actions.KEY_REUSED,
            status=422,
        )
    return _envelope(result)


def _envelope(result: dict[str, Any]) -> Response:
    return JSONResponse({"v": PROTOCOL_VERSION, **result, "server_time": now_ms()})


@endpoint(
    "POST",
    "/api/lots/{id:int}/bids",
    summary="Place a bid over HTTP (fallback for a stalled socket); needs an Idempotency-Key header",
    tag=TAG,
    body=BidIn,
    scope="bid",
    errors=(400, 404, 422),
)
async def place_bid(call: Call[BidIn, BaseModel]) -> Response:
    key = call.request.headers.get("idempotency-key", "")
    if not _KEY.match(key):
        raise BadRequest("send an Idempotency-Key header of 8-64 characters [A-Za-z0-9_.:-]", code="idempotency_key")
    now = now_ms()
    result = await actions.place_bid(
        call.services, call.user, call.path_id(), key, call.body.amount, now, proxy=call.body.proxy
    )
    return _bid_answer(result)


@endpoint(
    "POST",
    "/api/lots/{id:int}/buy-now",
    summary="Buy a timed lot now (needs an Idempotency-Key header)",
    tag=TAG,
    scope="bid",
    errors=(400, 404, 422),
)
async def buy_now(call: Call[BaseModel, BaseModel]) -> Response:
    key = call.request.headers.get("idempotency-key", "")
    if not _KEY.match(key):
        raise BadRequest("send an Idempotency-Key header of 8-64 characters [A-Za-z0-9_.:-]", code="idempotency_key")
    result = await actions.place_bid(call.services, call.user, call.path_id(), key, 0, now_ms(), buy_now=True)
    return _bid_answer(result)


@endpoint(
    "POST",
    "/api/lots/{id:int}/control",
    summary="Auctioneer control of a live lot",
    tag=TAG,
    body=ControlIn,
    errors=(404,),
)
async def control(call: Call[ControlIn, BaseModel]) -> Response:
    body = call.body.model_dump()
    return _envelope(await actions.control(call.services, call.user, call.path_id(), body, now_ms()))


@endpoint(
    "POST",
    "/api/lots/{id:int}/decision",
    summary="Conditional sale: accept, decline or counter",
    tag=TAG,
    body=DecisionIn,
    errors=(404,),
)
async def decision(call: Call[DecisionIn, BaseModel]) -> Response:
    result = await actions.decide(
        call.services, call.user, call.path_id(), call.body.action, call.body.amount, now_ms()
    )
    return _envelope(result)


@endpoint(
    "GET",
    "/api/lots/{id:int}/events",
    summary="A lot's public event log after a sequence number",
    tag=TAG,
    query=AfterQuery,
    auth="public",
    errors=(404,),
)
async def lot_events(call: Call[BaseModel, AfterQuery]) -> Response:
    lot_id = call.path_id()
    return JSONResponse({"lot_id": lot_id, "events": (await events_after(lot_id, call.query.after_seq))[:500]})


@endpoint(
    "GET",
    "/api/lots/{id:int}/sale",
    summary="The binding sale record (成交确认书) of a sold lot: its buyer sees the deposit, the balance due and "
    "the next steps; the seller and the house see it too",
    tag=TAG,
    response=SaleRecordOut,
    errors=(404,),
)
async def sale_record(call: Call[BaseModel, BaseModel]) -> SaleRecordOut:
    return await bidder.sale_record(call.user, call.path_id())


@endpoint(
    "POST",
    "/api/lots/{id:int}/condition-report",
    summary="Correct a lot's condition report (house staff); cancels standing proxies and tells their bidders",
    tag=TAG,
    body=MaterialChangeIn,
    errors=(404,),
)
async def change_condition_report(call: Call[MaterialChangeIn, BaseModel]) -> Response:
    result = await actions.change_material_data(
        call.services, call.user, call.path_id(), call.body.condition_report, now_ms()
    )
    return _envelope(result)


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
    "/api/me/auctions",
    summary="My auctions: your registrations, newest first, each with the lots you bid on and where you stand "
    "(leading, outbid, pending, won, lost) and, for a lot you won, what is left to pay",
    tag=TAG,
    query=MyAuctionsQuery,
    response=MyAuctionsPage,
    errors=(400,),
)
async def my_auctions(call: Call[BaseModel, MyAuctionsQuery]) -> MyAuctionsPage:
    return await bidder.my_auctions(call.user, call.query, now_ms())


@endpoint(
    "GET",
    "/api/lots/{id:int}",
    summary="A lot's page: its state (as the snapshot shows it to you), the car's key specs, photos and the "
    "condition report's summary",
    tag=TAG,
    auth="public",
    errors=(404,),
)
async def get_lot(call: Call[BaseModel, BaseModel]) -> Response:
    return JSONResponse(await lot_page.lot_page(call.principal, call.path_id()))


class PhotoQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: Literal["full", "thumb"] = "full"


@endpoint(
    "GET",
    "/api/lots/{id:int}/photos/{photo_id:int}",
    summary="A photo of a lot's vehicle (as visible as the lot; ?size=thumb for the thumbnail)",
    tag=TAG,
    query=PhotoQuery,
    auth="public",
    errors=(404,),
)
async def lot_photo(call: Call[BaseModel, PhotoQuery]) -> Response:
    thumb = call.query.size == "thumb"
    stored, etag = await lot_page.lot_photo(
        call.services.files, call.principal, call.path_id(), call.path_id("photo_id"), thumb
    )
    headers = {"Cache-Control": "private, max-age=300", "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if call.request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(stored.data, media_type=stored.content_type, headers=headers)


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
    change_condition_report,
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
    place_bid,
    buy_now,
    control,
    decision,
    lot_events,
    sale_record,
    consign,
    list_consignments,
    withdraw_consignment,
    auction_houses,
    my_auctions,
    get_lot,
    lot_photo,
    export_results,
    *offer_routes.routes,  # second-chance offers after a default
]
