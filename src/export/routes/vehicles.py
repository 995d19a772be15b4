"""HTTP handlers for one export vehicle: its detail and timeline, registration facts, steps, papers, events."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import Response
from starlette.routing import BaseRoute

from export.routes._common import TAG, today
from export.schemas import (
    DocumentList,
    DocumentOut,
    DocumentQuery,
    EventIn,
    EventList,
    PackingIn,
    PlateIn,
    RegistrationIn,
    StepIn,
    VehicleDetail,
)
from export.services import desk, documents, events, packing, plates, steps
from marketplace.web.endpoint import Call, endpoint


class EventAnswer(BaseModel):
    event_id: int
    events: EventList
    destination_blocks: list[dict[str, Any]]


@endpoint(
    "GET",
    "/api/export/vehicles/{id:int}",
    summary="A vehicle of an order: state, deadlines, colour and "
    "what to do, its step records (who, when, what), papers and shipping events",
    tag=TAG,
    response=VehicleDetail,
    errors=(404,),
)
async def detail(call: Call[Any, Any]) -> VehicleDetail:
    return await desk.vehicle_detail(call.user, call.path_id(), today())


@endpoint(
    "PUT",
    "/api/export/vehicles/{id:int}/registration",
    summary="Record the registration certificate "
    "(登记证书): make, model, first registration, 待出口 date — the licence application must match it",
    tag=TAG,
    body=RegistrationIn,
    response=VehicleDetail,
    errors=(403, 404, 409, 422),
)
async def registration(call: Call[RegistrationIn, Any]) -> VehicleDetail:
    await steps.record_registration(call.user, call.path_id(), call.body)
    return await desk.vehicle_detail(call.user, call.path_id(), today())


@endpoint(
    "PUT",
    "/api/export/vehicles/{id:int}/packing",
    summary="Record the vehicle's packing details for the order's packing list (装箱单): gross/net kg, "
    "L×W×H mm, packages, ro_ro|container|rail and, in a container, its ISO 6346 number and seal; until it departs",
    tag=TAG,
    body=PackingIn,
    response=VehicleDetail,
    errors=(403, 404, 409, 422),
)
async def record_packing(call: Call[PackingIn, Any]) -> VehicleDetail:
    await packing.record(call.user, call.path_id(), call.body)
    return await desk.vehicle_detail(call.user, call.path_id(), today())


@endpoint(
    "POST",
    "/api/export/vehicles/{id:int}/steps",
    summary="Record the vehicle's next step with its facts; "
    "a gate that fails refuses with its code (409), an illegal transition with illegal_transition",
    tag=TAG,
    body=StepIn,
    response=VehicleDetail,
    status=201,
    errors=(403, 404, 409, 422),
)
async def record_step(call: Call[StepIn, Any]) -> VehicleDetail:
    await steps.record_step(call.user, call.path_id(), call.body, today())
    call.services.relay.notify()
    return await desk.vehicle_detail(call.user, call.path_id(), today())


@endpoint(
    "POST",
    "/api/export/vehicles/{id:int}/plate",
    summary="Record a new temporary plate (临时号牌) for a car whose plate ran out or is about to: valid 60 days "
    "counting the issue day and never past the compulsory insurance; every plate is kept (who, when)",
    tag=TAG,
    body=PlateIn,
    response=VehicleDetail,
    status=201,
    errors=(403, 404, 409, 422),
)
async def record_plate(call: Call[PlateIn, Any]) -> VehicleDetail:
    await plates.renew(call.user, call.path_id(), call.body, today())
    return await desk.vehicle_detail(call.user, call.path_id(), today())


@endpoint(
    "POST",
    "/api/export/vehicles/{id:int}/documents",
    summary="Upload a paper of the vehicle: the raw "
    "PDF/JPEG/PNG as the body, its type, number, date and issuer in the query",
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
        vehicle_id=call.path_id(),
        q=call.query,
        content_type=call.content_type,
        data=data,
        max_bytes=call.services.settings.max_body_bytes,
    )


@endpoint(
    "GET",
    "/api/export/vehicles/{id:int}/documents",
    summary="The vehicle's papers",
    tag=TAG,
    response=DocumentList,
    errors=(404,),
)
async def list_documents(call: Call[Any, Any]) -> DocumentList:
    return await documents.list_for_vehicle(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/export/vehicles/{id:int}/events",
    summary="The vehicle's journey: its own events and its batch's, oldest first, retracted ones marked, and the ETA",
    tag=TAG,
    response=EventList,
    errors=(404,),
)
async def list_events(call: Call[Any, Any]) -> EventList:
    return await events.list_events(call.user, vehicle_id=call.path_id())


@endpoint(
    "POST",
    "/api/export/vehicles/{id:int}/events",
    summary="Record a shipping event of one vehicle (a correction names the event it retracts)",
    tag=TAG,
    body=EventIn,
    response=EventAnswer,
    status=201,
    errors=(403, 404, 409, 422),
)
async def record_event(call: Call[EventIn, Any]) -> EventAnswer:
    return EventAnswer(**await events.record(call.user, call.body, vehicle_id=call.path_id()))


@endpoint(
    "GET",
    "/api/export/documents/{id:int}",
    summary="Download a paper (the exporter's members and staff)",
    tag=TAG,
    errors=(404,),
)
async def download(call: Call[Any, Any]) -> Response:
    doc, stored = await documents.load(call.services.files, call.user, call.path_id())
    return _file(doc.id, doc.key, stored.data, stored.content_type)


def _file(doc_id: int, key: str, data: bytes, content_type: str) -> Response:
    ext = key.rsplit(".", 1)[-1]
    headers = {
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="document-{doc_id}.{ext}"',
    }
    return Response(data, media_type=content_type, headers=headers)


routes: list[BaseRoute] = [
    detail,
    registration,
    record_packing,
    record_step,
    record_plate,
    upload,
    list_documents,
    list_events,
    record_event,
    download,
]
