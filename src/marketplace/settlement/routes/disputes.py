"""HTTP handlers for disputes (争议): opening, evidence, the house's answer, escalation, the lists."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from marketplace.errors import ApiError
from marketplace.settlement.models import Dispute, DisputeEvidence
from marketplace.settlement.routes.books import TAG, now
from marketplace.settlement.schemas_handover import (
    AnswerIn,
    DisputeFilter,
    DisputeIn,
    DisputeList,
    DisputeOut,
    EscalateIn,
    EvidenceOut,
    PolicyIn,
    PolicyOut,
)
from marketplace.settlement.services import disputes
from marketplace.web.endpoint import Call, endpoint

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


async def dispute_out(rows: list[Dispute]) -> list[DisputeOut]:
    photos: dict[int, list[int]] = {}
    for e in await DisputeEvidence.filter(dispute_id__in=[d.id for d in rows]).order_by("id"):
        photos.setdefault(e.dispute_id, []).append(e.id)
    return [
        DisputeOut.model_validate(
            {
                "id": d.id,
                "sale_id": d.sale_id,
                "house_org_id": d.house_org_id,
                "reason": d.reason,
                "description": d.description,
                "status": d.status,
                "level": d.level,
                "answer": d.answer,
                "answer_note": d.answer_note,
                "refunded_fen": d.refunded_fen,
                "opened_at": d.opened_at,
                "answered_at": d.answered_at,
                "evidence": photos.get(d.id, []),
                "history": list(d.history),
            }
        )  # fmt: skip
        for d in rows
    ]


@endpoint(
    "POST",
    "/api/sales/{id:int}/disputes",
    summary="The buyer opens a dispute within the house's window after the handover; the sale's clocks pause",
    tag=TAG,
    body=DisputeIn,
    response=DisputeOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def open_dispute(call: Call[DisputeIn, Any]) -> DisputeOut:
    d = await disputes.open_dispute(call.user, call.path_id(), call.body.reason, call.body.description, now())
    call.services.relay.notify()
    return (await dispute_out([d]))[0]


@endpoint(
    "GET",
    "/api/sales/{id:int}/dispute",
    summary="The sale's dispute, if it has one: for its buyer, seller and house",
    tag=TAG,
    response=DisputeOut,
    errors=(404,),
)
async def sale_dispute(call: Call[Any, Any]) -> DisputeOut:
    return (await dispute_out([await disputes.sale_dispute(call.user, call.path_id())]))[0]


@endpoint(
    "GET",
    "/api/disputes/{id:int}",
    summary="One dispute: for its house, buyer and seller, and the association's staff once escalated",
    tag=TAG,
    response=DisputeOut,
    errors=(404,),
)
async def get_dispute(call: Call[Any, Any]) -> DisputeOut:
    d, _, _ = await disputes.visible_dispute(call.user, call.path_id())
    return (await dispute_out([d]))[0]


@endpoint(
    "POST",
    "/api/disputes/{id:int}/evidence",
    summary="The buyer adds an evidence photo (the raw JPEG/PNG/WebP bytes as the body) while the dispute is open",
    tag=TAG,
    response=EvidenceOut,
    status=201,
    errors=(403, 404, 409, 413, 415, 422),
)
async def add_evidence(call: Call[Any, Any]) -> EvidenceOut:
    ctype = call.content_type
    if ctype not in IMAGE_TYPES:
        raise ApiError("send the image bytes with Content-Type image/jpeg, image/png or image/webp",
                       code="unsupported_media_type", status=415)  # fmt: skip
    data = await call.request.body()
    e = await disputes.add_evidence(call.services.files, call.user, call.path_id(), data, ctype,
                                    call.services.settings.max_body_bytes)  # fmt: skip
    return EvidenceOut(id=e.id, dispute_id=e.dispute_id, content_type=e.content_type, size_bytes=e.size_bytes)


@endpoint(
    "GET",
    "/api/disputes/{id:int}/evidence/{photo:int}",
    summary="An evidence photo's bytes",
    tag=TAG,
    errors=(404,),
)
async def get_evidence(call: Call[Any, Any]) -> Response:
    stored = await disputes.load_evidence(call.services.files, call.user, call.path_id(), call.path_id("photo"))
    return Response(stored.data, media_type=stored.content_type,
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})  # fmt: skip


@endpoint(
    "POST",
    "/api/disputes/{id:int}/answer",
    summary="The house answers: rejected, price_adjustment (refund_fen, through the ledger) or unwind (full refund)",
    tag=TAG,
    body=AnswerIn,
    response=DisputeOut,
    errors=(403, 404, 409, 422),
)
async def answer(call: Call[AnswerIn, Any]) -> DisputeOut:
    b = call.body
    d = await disputes.answer(call.user, call.path_id(), b.answer, b.note, b.refund_fen, now())
    call.services.relay.notify()
    return (await dispute_out([d]))[0]


@endpoint(
    "POST",
    "/api/disputes/{id:int}/escalate",
    summary="The buyer escalates an answered dispute: the house → the association → the authorities",
    tag=TAG,
    body=EscalateIn,
    response=DisputeOut,
    errors=(403, 404, 409, 422),
)
async def escalate(call: Call[EscalateIn, Any]) -> DisputeOut:
    d = await disputes.escalate(call.user, call.path_id(), call.body.note, now())
    call.services.relay.notify()
    return (await dispute_out([d]))[0]


@endpoint(
    "GET",
    "/api/houses/{id:int}/disputes",
    summary="The house's disputes, newest first",
    tag=TAG,
    query=DisputeFilter,
    response=DisputeList,
    errors=(404, 422),
)
async def house_disputes(call: Call[Any, DisputeFilter]) -> DisputeList:
    return DisputeList(items=await dispute_out(await disputes.house_disputes(call.user, call.path_id(),
                                                                             call.query.status)))  # fmt: skip


@endpoint(
    "GET",
    "/api/association/disputes",
    summary="Disputes escalated to the association or beyond, of every house (the association's staff)",
    tag=TAG,
    response=DisputeList,
    errors=(404,),
)
async def association_disputes(call: Call[Any, Any]) -> DisputeList:
    return DisputeList(items=await dispute_out(await disputes.escalated_disputes(call.user)))


@endpoint(
    "PUT",
    "/api/houses/{id:int}/dispute-policy",
    summary="Set the house's dispute window (days after the handover; default 7)",
    tag=TAG,
    body=PolicyIn,
    response=PolicyOut,
    errors=(403, 404, 422),
)
async def set_policy(call: Call[PolicyIn, Any]) -> PolicyOut:
    row = await disputes.set_window(call.user, call.path_id(), call.body.window_days, now())
    return PolicyOut(house_org_id=row.house_org_id, window_days=row.window_days)


routes: list[BaseRoute] = [
    open_dispute, sale_dispute, get_dispute, add_evidence, get_evidence, answer, escalate, house_disputes,
    association_disputes, set_policy,
]  # fmt: skip
