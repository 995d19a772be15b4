"""HTTP handlers for the exporter's filing (备案) and its verification by platform staff."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.schemas import DecisionIn, FilingFilter, FilingIn, FilingList, FilingOut, RenewIn
from export.services import filings
from marketplace.web.endpoint import Call, endpoint


@endpoint(
    "POST",
    "/api/export/dealers/{id:int}/filings",
    summary="Lodge the dealer's exporter filing (备案): "
    "valid one year from approval, at least three named appraisers; pending until platform staff verify it",
    tag=TAG,
    body=FilingIn,
    response=FilingOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def lodge(call: Call[FilingIn, Any]) -> FilingOut:
    return await filings.lodge(call.user, call.path_id(), call.body, today())


@endpoint(
    "GET",
    "/api/export/dealers/{id:int}/filings",
    summary="The dealer's filings, newest first",
    tag=TAG,
    response=FilingList,
    errors=(403, 404),
)
async def list_filings(call: Call[Any, Any]) -> FilingList:
    return await filings.list_for(call.user, call.path_id(), today())


@endpoint(
    "POST",
    "/api/export/filings/{id:int}/renew",
    summary="Renew a filing before it expires: a new filing (pending verification) naming the one it renews",
    tag=TAG,
    body=RenewIn,
    response=FilingOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def renew(call: Call[RenewIn, Any]) -> FilingOut:
    return await filings.renew(call.user, call.path_id(), call.body, today())


@endpoint(
    "GET",
    "/api/admin/export/filings",
    summary="Platform staff: filings to verify, by status",
    tag=TAG,
    query=FilingFilter,
    response=FilingList,
    errors=(403,),
)
async def staff_list(call: Call[Any, FilingFilter]) -> FilingList:
    return await filings.staff_list(call.user, call.query, today())


@endpoint(
    "POST",
    "/api/admin/export/filings/{id:int}/decision",
    summary="Platform staff: verify, suspend or cancel a filing (as dealers are verified)",
    tag=TAG,
    body=DecisionIn,
    response=FilingOut,
    errors=(403, 404, 409, 422),
)
async def decide(call: Call[DecisionIn, Any]) -> FilingOut:
    return await filings.decide(call.user, call.path_id(), call.body, today())


routes: list[BaseRoute] = [lodge, list_filings, renew, staff_list, decide]
