"""HTTP handlers for batches: booking, licence, declaration, clearance, shipment steps, bill of lading, papers,
events, and the forwarder's CSV of events."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.routes.vehicles import EventAnswer
from export.schemas import (
    BatchIn,
    BatchList,
    BatchOut,
    BatchStepIn,
    BillOfLadingIn,
    ClearanceIn,
    DeclarationIn,
    DocumentList,
    DocumentOut,
    DocumentQuery,
    EventIn,
    EventList,
    ImportReport,
    In,
    LicenceIn,
)
from export.services import batches, documents, events, steps
from marketplace.web.endpoint import Call, endpoint


class RetractIn(In):
    reason: Annotated[str, Field(max_length=500)] = ""


@endpoint(
    "POST",
    "/api/export/dealers/{id:int}/batches",
    summary="Book vehicles (of one or several orders, one "
    "destination) into a batch: one licence, one declaration, one shipment; destination rules are checked "
    "for the planned departure",
    tag=TAG,
    body=BatchIn,
    response=BatchOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def create(call: Call[BatchIn, Any]) -> BatchOut:
    return await batches.create(call.user, call.path_id(), call.body)


@endpoint(
    "GET",
    "/api/export/dealers/{id:int}/batches",
    summary="The dealer's batches",
    tag=TAG,
    response=BatchList,
    errors=(403, 404),
)
async def list_batches(call: Call[Any, Any]) -> BatchList:
    return await batches.list_for(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/export/batches/{id:int}",
    summary="A batch: licence (and its expiry), declaration, clearance, bill of lading, vehicles, ETA",
    tag=TAG,
    response=BatchOut,
    errors=(404,),
)
async def get(call: Call[Any, Any]) -> BatchOut:
    return await batches.get(call.user, call.path_id())


@endpoint(
    "POST",
    "/api/export/batches/{id:int}/licence",
    summary="Record the batch's export licence (出口许可证, "
    "goods state 旧): its quantity equals the batch's vehicles; each vehicle's licence data must match its "
    "registration certificate; the exporter's filing must be in force",
    tag=TAG,
    body=LicenceIn,
    response=BatchOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def licence(call: Call[LicenceIn, Any]) -> BatchOut:
    b = await steps.record_licence(call.user, call.path_id(), call.body, today())
    call.services.relay.notify()
    return await batches.get(call.user, b.id)


@endpoint(
    "POST",
    "/api/export/batches/{id:int}/declaration",
    summary="Record the customs declaration (报关): the "
    "declared VINs equal the licensed quantity; HS headings derived, overridable with a reason",
    tag=TAG,
    body=DeclarationIn,
    response=BatchOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def declaration(call: Call[DeclarationIn, Any]) -> BatchOut:
    b = await steps.record_declaration(call.user, call.path_id(), call.body, today())
    call.services.relay.notify()
    return await batches.get(call.user, b.id)


@endpoint(
    "POST",
    "/api/export/batches/{id:int}/clearance",
    summary="Record customs clearance of the whole batch (starts the 2-month deregistration clock)",
    tag=TAG,
    body=ClearanceIn,
    response=BatchOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def clearance(call: Call[ClearanceIn, Any]) -> BatchOut:
    b = await steps.record_clearance(call.user, call.path_id(), call.body, today())
    return await batches.get(call.user, b.id)


@endpoint(
    "POST",
    "/api/export/batches/{id:int}/steps",
    summary="Move every vehicle of the batch to loaded, departed, arrived or delivered (all or none)",
    tag=TAG,
    body=BatchStepIn,
    response=BatchOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def batch_step(call: Call[BatchStepIn, Any]) -> BatchOut:
    b = await steps.record_batch_step(call.user, call.path_id(), call.body, today())
    call.services.relay.notify()
    return await batches.get(call.user, b.id)


@endpoint(
    "PUT",
    "/api/export/batches/{id:int}/bill-of-lading",
    summary="Record the batch's bill of lading",
    tag=TAG,
    body=BillOfLadingIn,
    response=BatchOut,
    errors=(403, 404, 422),
)
async def bill_of_lading(call: Call[BillOfLadingIn, Any]) -> BatchOut:
    return await batches.record_bill_of_lading(call.user, call.path_id(), call.body)


@endpoint(
    "POST",
    "/api/export/batches/{id:int}/documents",
    summary="Upload a paper of the batch (licence, "
    "declaration, bill of lading …): raw PDF/JPEG/PNG body, metadata in the query",
    tag=TAG,
    query=DocumentQuery,
    response=DocumentOut,
    status=201,
    errors=(403, 404, 413, 415, 422),
)
async def upload(call: Call[Any, DocumentQuery]) -> DocumentOut:
    data = await call.request.body()
    return await documents.upload(
        call.services.files,
        call.user,
        batch_id=call.path_id(),
        q=call.query,
        content_type=call.content_type,
        data=data,
        max_bytes=call.services.settings.max_body_bytes,
    )


@endpoint(
    "GET",
    "/api/export/batches/{id:int}/documents",
    summary="The batch's papers",
    tag=TAG,
    response=DocumentList,
    errors=(404,),
)
async def list_documents(call: Call[Any, Any]) -> DocumentList:
    return await documents.list_for_batch(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/export/batches/{id:int}/events",
    summary="The batch's journey (shipment events), oldest first, retracted ones marked, and the ETA",
    tag=TAG,
    response=EventList,
    errors=(404,),
)
async def list_events(call: Call[Any, Any]) -> EventList:
    return await events.list_events(call.user, batch_id=call.path_id())


@endpoint(
    "POST",
    "/api/export/batches/{id:int}/events",
    summary="Record a shipping event of the batch (a "
    "correction names the event it retracts); an estimated arrival is checked against destination rules",
    tag=TAG,
    body=EventIn,
    response=EventAnswer,
    status=201,
    errors=(403, 404, 409, 422),
)
async def record_event(call: Call[EventIn, Any]) -> EventAnswer:
    return EventAnswer(**await events.record(call.user, call.body, batch_id=call.path_id()))


@endpoint(
    "POST",
    "/api/export/events/{id:int}/retract",
    summary="Retract an event without a replacement (a new event of type retraction names it; history is never edited)",
    tag=TAG,
    body=RetractIn,
    response=EventAnswer,
    status=201,
    errors=(403, 404, 409, 422),
)
async def retract(call: Call[RetractIn, Any]) -> EventAnswer:
    return EventAnswer(**await events.retract(call.user, call.path_id(), call.body.reason))


@endpoint(
    "POST",
    "/api/export/dealers/{id:int}/events/import",
    summary="Import a freight forwarder's CSV of "
    "events (raw text/csv body): good rows recorded, bad rows reported with line, column and code; "
    "importing the same rows again records nothing",
    tag=TAG,
    response=ImportReport,
    errors=(403, 404, 413, 422),
)
async def import_events(call: Call[Any, Any]) -> ImportReport:
    return await events.import_csv(call.user, call.path_id(), await call.request.body())


routes: list[BaseRoute] = [
    create,
    list_batches,
    get,
    licence,
    declaration,
    clearance,
    batch_step,
    bill_of_lading,
    upload,
    list_documents,
    list_events,
    record_event,
    retract,
    import_events,
]
