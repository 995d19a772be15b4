"""HTTP handlers for the desk, reminders, destination rules and the consignee's link."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.routes.vehicles import _file
from export.schemas import DeskOut, LinkOut, ReminderList, RuleIn, RuleList, RuleOut, TrackOut
from export.services import desk, links, reminders, rules
from marketplace.web.endpoint import Call, endpoint

TOKEN_HEADER = "x-consignee-token"
SESSION_HEADER = "x-checkout-session"


def _private(view: TrackOut, header: str) -> Response:
    # The page is public (no session) but the consignee's own: its name, address and payment. The answer depends on
    # a request header no cache keys on by default, so a shared cache must neither keep it nor hand it to the next
    # caller of the same address.
    return JSONResponse(view.model_dump(mode="json"), headers={"Cache-Control": "private, no-store", "Vary": header})


class LinkList(BaseModel):
    items: list[LinkOut]


@endpoint(
    "GET",
    "/api/export/dealers/{id:int}/desk",
    summary="The exporter's desk: filing, orders with each "
    "vehicle's state, nearest deadline, red/amber/green and what to do, batches, counts",
    tag=TAG,
    response=DeskOut,
    errors=(403, 404),
)
async def get_desk(call: Call[Any, Any]) -> DeskOut:
    return await desk.desk(call.user, call.path_id(), today())


@endpoint(
    "GET",
    "/api/export/dealers/{id:int}/reminders",
    summary="The reminders posted for the exporter's deadlines (in-app; each is also mailed once)",
    tag=TAG,
    response=ReminderList,
    errors=(403, 404),
)
async def list_reminders(call: Call[Any, Any]) -> ReminderList:
    return await reminders.list_for(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/export/destination-rules",
    summary="Destination rules: the shipped table and staff "
    "versions, each with its source, effective date and whether it is in force today",
    tag=TAG,
    response=RuleList,
)
async def list_rules(call: Call[Any, Any]) -> RuleList:
    return await rules.list_rules(today())


@endpoint(
    "POST",
    "/api/admin/export/destination-rules",
    summary="Platform staff: add a version of a country's rule, in force from its effective date (today or later)",
    tag=TAG,
    body=RuleIn,
    response=RuleOut,
    status=201,
    errors=(403, 422),
)
async def add_rule(call: Call[RuleIn, Any]) -> RuleOut:
    return await rules.add_version(call.user, call.body, today())


@endpoint(
    "POST",
    "/api/export/orders/{id:int}/consignee-links",
    summary="Create the consignee's read-only link (the token is shown once; only its hash is kept)",
    tag=TAG,
    response=LinkOut,
    status=201,
    errors=(403, 404),
)
async def create_link(call: Call[Any, Any]) -> LinkOut:
    return await links.create(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/export/orders/{id:int}/consignee-links",
    summary="The order's consignee links (no tokens)",
    tag=TAG,
    response=LinkList,
    errors=(404,),
)
async def list_links(call: Call[Any, Any]) -> LinkList:
    return LinkList(items=await links.list_for(call.user, call.path_id()))


@endpoint(
    "DELETE",
    "/api/export/consignee-links/{id:int}",
    summary="Revoke a consignee link",
    tag=TAG,
    status=204,
    errors=(403, 404),
)
async def revoke_link(call: Call[Any, Any]) -> None:
    await links.revoke(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/export/consignee",
    summary="The consignee's read-only English view of its order (token "
    "in the X-Consignee-Token header): status, papers addressed to them, ETA",
    tag=TAG,
    response=TrackOut,
    auth="public",
    errors=(404,),
)
async def consignee_view(call: Call[Any, Any]) -> Response:
    return _private(await links.view(call.request.headers.get(TOKEN_HEADER)), TOKEN_HEADER)


@endpoint(
    "GET",
    "/api/export/consignee/checkout",
    summary="The foreign buyer's page back from Stripe's hosted checkout (the session id Stripe put in the return "
    "address, in the X-Checkout-Session header): that order's status and its payment as Stripe has it now",
    tag=TAG,
    response=TrackOut,
    auth="public",
    errors=(404,),
)
async def consignee_after_checkout(call: Call[Any, Any]) -> Response:
    view = await links.view_after_checkout(call.request.headers.get(SESSION_HEADER))
    call.services.relay.notify()  # a session found paid just now owes the order's payment (its outbox event)
    return _private(view, SESSION_HEADER)


@endpoint(
    "GET",
    "/api/export/consignee/documents/{id:int}",
    summary="Download a paper addressed to the consignee (token in the X-Consignee-Token header)",
    tag=TAG,
    auth="public",
    errors=(404,),
)
async def consignee_document(call: Call[Any, Any]) -> Response:
    doc, stored = await links.document(call.services.files, call.request.headers.get(TOKEN_HEADER), call.path_id())
    response = _file(doc.id, doc.key, stored.data, stored.content_type)
    response.headers["Vary"] = TOKEN_HEADER
    return response


routes: list[BaseRoute] = [
    get_desk,
    list_reminders,
    list_rules,
    add_rule,
    create_link,
    list_links,
    revoke_link,
    consignee_view,
    consignee_after_checkout,
    consignee_document,
]
