"""HTTP handlers for the exporter's filing (备案) and its verification by platform staff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.schemas import (
    DecisionIn,
    DocumentList,
    DocumentOut,
    FilingDocumentQuery,
    FilingFilter,
    FilingIn,
    FilingList,
    FilingOut,
    RenewIn,
)
from export.services import documents, filings, payee
from marketplace.settlement.routes.payees import payee_out, state_out
from marketplace.settlement.schemas_rails import CardPayeeIn, CardPayeeOut, CardPayeeStateOut
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
    "POST",
    "/api/export/filings/{id:int}/documents",
    summary="Upload a paper of the filing (its 备案 certificate or approval scan, an appraiser's certificate): "
    "the raw PDF, JPEG or PNG as the body with its Content-Type, at most 10 MB",
    tag=TAG,
    query=FilingDocumentQuery,
    response=DocumentOut,
    status=201,
    errors=(403, 404, 413, 415, 422),
)
async def upload_document(call: Call[Any, FilingDocumentQuery]) -> DocumentOut:
    return await documents.upload_for_filing(
        call.services.files,
        call.user,
        call.path_id(),
        q=call.query,
        content_type=call.content_type,
        data=await call.request.body(),
        max_bytes=call.services.settings.max_body_bytes,
    )


@endpoint(
    "GET",
    "/api/export/filings/{id:int}/documents",
    summary="The filing's papers (download each from /api/export/documents/{id})",
    tag=TAG,
    response=DocumentList,
    errors=(403, 404),
)
async def list_documents(call: Call[Any, Any]) -> DocumentList:
    return await documents.list_for_filing(call.user, call.path_id())


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
    summary="Platform staff: verify, suspend (a reason; blocks new licences), reinstate or cancel a filing; "
    "each decision is kept with who, when and why",
    tag=TAG,
    body=DecisionIn,
    response=FilingOut,
    errors=(403, 404, 409, 422),
)
async def decide(call: Call[DecisionIn, Any]) -> FilingOut:
    return await filings.decide(call.user, call.path_id(), call.body, today())


@endpoint(
    "GET",
    "/api/export/dealers/{id:int}/card-payee",
    summary="The exporter's Stripe connected account, where its foreign buyers' card payments for export orders go",
    tag=TAG,
    response=CardPayeeStateOut,
    errors=(403, 404),
)
async def get_payee(call: Call[Any, Any]) -> CardPayeeStateOut:
    return await state_out(await payee.history(call.user, call.path_id()), call.path_id())


@endpoint(
    "PUT",
    "/api/export/dealers/{id:int}/card-payee",
    summary="Set the exporter's Stripe connected account (acct_…; the dealer's administrators, once its filing is "
    "lodged); Stripe is asked at once whether it takes charges. New order checkouts take it",
    tag=TAG,
    body=CardPayeeIn,
    response=CardPayeeOut,
    errors=(403, 404, 409, 422),
)
async def set_payee(call: Call[CardPayeeIn, Any]) -> CardPayeeOut:
    return payee_out(await payee.set_account(call.user, call.path_id(), call.body.account, datetime.now(UTC)))


@endpoint(
    "POST",
    "/api/export/dealers/{id:int}/card-payee/verify",
    summary="Ask Stripe again about the exporter's connected account",
    tag=TAG,
    response=CardPayeeOut,
    errors=(403, 404, 409),
)
async def verify_payee(call: Call[Any, Any]) -> CardPayeeOut:
    return payee_out(await payee.verify_again(call.user, call.path_id(), datetime.now(UTC)))


routes: list[BaseRoute] = [
    lodge, list_filings, renew, upload_document, list_documents, staff_list, decide, get_payee, set_payee,
    verify_payee,
]  # fmt: skip
