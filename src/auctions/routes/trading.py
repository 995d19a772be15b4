"""HTTP handlers of auctions' lot room: bids and buy-now (the socket's fallback), controls, decisions,
events, the sale record, a material change, the lot page and its photos, a bidder's auctions."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from auctions.schemas import (
    BidIn,
    ControlIn,
    DecisionIn,
    MaterialChangeIn,
)
from auctions.services import actions, bidder, lot_page
from auctions.services.bidder import MyAuctionsPage, MyAuctionsQuery, SaleRecordOut
from auctions.services.clock import now_ms
from auctions.services.live import PROTOCOL_VERSION
from auctions.services.present import events_after
from marketplace.errors import ApiError, BadRequest
from marketplace.web.endpoint import Call, endpoint

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
TAG = "auctions"


class AfterQuery(BaseModel):
    after_seq: int = 0


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


routes: list[BaseRoute] = [
    change_condition_report,
    place_bid,
    buy_now,
    control,
    decision,
    lot_events,
    sale_record,
    my_auctions,
    get_lot,
    lot_photo,
]
