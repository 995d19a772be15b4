"""HTTP handlers for the handover (the gate pass, the yard's scan) and the registration transfer (过户)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from marketplace.settlement.models import Transfer
from marketplace.settlement.routes.books import TAG, now, today
from marketplace.settlement.routes.documents import pdf_response
from marketplace.settlement.schemas import DocumentIn
from marketplace.settlement.schemas_handover import (
    BlockerIn,
    DocumentsIn,
    GatePassOut,
    HandoverOut,
    ProofQuery,
    ScanIn,
    TransferFilter,
    TransferList,
    TransferOut,
)
from marketplace.settlement.services import documents as papers
from marketplace.settlement.services import handover, transfers
from marketplace.web.endpoint import Call, endpoint


def transfer_out(t: Transfer) -> TransferOut:
    return TransferOut.model_validate(
        {
            "sale_id": t.sale_id, "house_org_id": t.house_org_id, "status": t.status, "delivered_at": t.delivered_at,
            "deadline": t.deadline, "overdue": t.status not in ("done", "cancelled") and today() > t.deadline,
            "from_province": t.from_province, "from_city": t.from_city, "documents": list(t.documents),
            "documents_handed_at": t.documents_handed_at, "filed_at": t.filed_at, "blockers": list(t.blockers),
            "new_province": t.new_province, "new_city": t.new_city, "new_plate": t.new_plate,
            "proof_uploaded": bool(t.proof_key), "proof_uploaded_at": t.proof_uploaded_at, "done_at": t.done_at,
            "outcome": t.outcome or None, "reminders": list(t.reminders),
        }
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/sales/{id:int}/gate-pass",
    summary="The sale's gate pass (提车): issued when the invoice is paid in full; for the buyer and the house",
    tag=TAG,
    response=GatePassOut,
    errors=(404,),
)
async def gate_pass(call: Call[Any, Any]) -> GatePassOut:
    g = await handover.gate_pass_for(call.user, call.path_id())
    return GatePassOut(sale_id=g.sale_id, pass_code=g.pass_code, issued_at=g.issued_at, handed_over_at=g.handed_over_at)


@endpoint(
    "GET",
    "/api/sales/{id:int}/gate-pass.pdf",
    summary="The gate pass (车辆出门证) as a PDF, its code as a Code 39 barcode; for the buyer and the house",
    tag=TAG,
    query=DocumentIn,
    errors=(404, 413, 422),
)
async def gate_pass_pdf(call: Call[Any, DocumentIn]) -> Response:
    content = await papers.gate_pass_content(
        call.user, call.path_id(), call.services.vehicles, bilingual=call.query.bilingual
    )
    return pdf_response(await papers.render(content), f"gate-pass-{content.number}.pdf")


@endpoint(
    "POST",
    "/api/houses/{id:int}/gate-passes/scan",
    summary="The yard scans or types a gate pass code: the vehicle is handed over (once); the 过户 clock starts",
    tag=TAG,
    body=ScanIn,
    response=HandoverOut,
    errors=(404, 409, 422),
)
async def scan(call: Call[ScanIn, Any]) -> HandoverOut:
    gate, sale = await handover.scan(call.user, call.path_id(), call.body.code, now())
    call.services.relay.notify()
    t = await Transfer.get(sale_id=sale.id)
    assert gate.handed_over_at is not None
    return HandoverOut(sale_id=sale.id, lot_id=sale.lot_id, listing_id=sale.listing_id, vehicle_id=sale.vehicle_id,
                       handed_over_at=gate.handed_over_at, transfer_deadline=t.deadline)  # fmt: skip


@endpoint(
    "GET",
    "/api/sales/{id:int}/transfer",
    summary="The sale's registration transfer (过户): steps, blockers, the 30-day deadline",
    tag=TAG,
    response=TransferOut,
    errors=(404,),
)
async def get_transfer(call: Call[Any, Any]) -> TransferOut:
    return transfer_out(await transfers.view(call.user, call.path_id()))


@endpoint(
    "POST",
    "/api/sales/{id:int}/transfer/documents",
    summary="House staff hand over documents (行驶证, 登记证书, invoice); all three: documents_handed",
    tag=TAG,
    body=DocumentsIn,
    response=TransferOut,
    errors=(403, 404, 409, 422),
)
async def documents(call: Call[DocumentsIn, Any]) -> TransferOut:
    b = call.body
    return transfer_out(
        await transfers.record_documents(
            call.user, call.path_id(), list(b.documents), b.from_province, b.from_city, now()
        )  # fmt: skip
    )


@endpoint(
    "POST",
    "/api/sales/{id:int}/transfer/blockers",
    summary="Record a blocker (a mortgage, a pending violation): the transfer cannot be filed until it is cleared",
    tag=TAG,
    body=BlockerIn,
    response=TransferOut,
    errors=(403, 404, 409, 422),
)
async def add_blocker(call: Call[BlockerIn, Any]) -> TransferOut:
    return transfer_out(await transfers.add_blocker(call.user, call.path_id(), call.body.kind, call.body.note, now()))


@endpoint(
    "POST",
    "/api/sales/{id:int}/transfer/blockers/{n:int}/clear",
    summary="Clear a blocker: n is its position in `blockers`, 1 for the first",
    tag=TAG,
    response=TransferOut,
    errors=(403, 404, 409),
)
async def clear_blocker(call: Call[Any, Any]) -> TransferOut:
    return transfer_out(await transfers.clear_blocker(call.user, call.path_id(), call.path_id("n"), now()))


@endpoint(
    "POST",
    "/api/sales/{id:int}/transfer/filed",
    summary="The transfer was filed at the vehicle office (the house's staff or the buyer); refused while blocked",
    tag=TAG,
    response=TransferOut,
    errors=(403, 404, 409),
)
async def filed(call: Call[Any, Any]) -> TransferOut:
    return transfer_out(await transfers.record_filed(call.user, call.path_id(), now()))


@endpoint(
    "POST",
    "/api/sales/{id:int}/transfer/proof",
    summary="The buyer uploads the proof (the raw JPEG/PNG/WebP/PDF body) with the new registration's place and plate",
    tag=TAG,
    query=ProofQuery,
    response=TransferOut,
    errors=(403, 404, 409, 413, 415, 422),
)
async def upload_proof(call: Call[Any, ProofQuery]) -> TransferOut:
    data = await call.request.body()
    q = call.query
    t = await transfers.upload_proof(
        call.services.files, call.user, call.path_id(), data, call.content_type, call.services.settings.max_body_bytes,
        q.province, q.city, q.plate.upper(), now(),
    )  # fmt: skip
    return transfer_out(t)


@endpoint(
    "GET",
    "/api/sales/{id:int}/transfer/proof",
    summary="The uploaded proof's bytes",
    tag=TAG,
    errors=(404,),
)
async def get_proof(call: Call[Any, Any]) -> Response:
    stored = await transfers.load_proof(call.services.files, call.user, call.path_id())
    return Response(stored.data, media_type=stored.content_type,
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})  # fmt: skip


@endpoint(
    "POST",
    "/api/sales/{id:int}/transfer/confirm",
    summary="The house confirms the proof: the transfer is done (none / in-province / cross-province)",
    tag=TAG,
    response=TransferOut,
    errors=(403, 404, 409),
)
async def confirm(call: Call[Any, Any]) -> TransferOut:
    t = await transfers.confirm(call.user, call.path_id(), now())
    call.services.relay.notify()
    return transfer_out(t)


@endpoint(
    "GET",
    "/api/houses/{id:int}/transfers",
    summary="The house's transfers, the nearest deadline first",
    tag=TAG,
    query=TransferFilter,
    response=TransferList,
    errors=(404, 422),
)
async def house_transfers(call: Call[Any, TransferFilter]) -> TransferList:
    rows = await transfers.house_transfers(call.user, call.path_id(), call.query.status)
    return TransferList(items=[transfer_out(t) for t in rows])


routes: list[BaseRoute] = [
    gate_pass, gate_pass_pdf, scan, get_transfer, documents, add_blocker, clear_blocker, filed, upload_proof,
    get_proof, confirm, house_transfers,
]  # fmt: skip
