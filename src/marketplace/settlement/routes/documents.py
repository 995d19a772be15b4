"""HTTP handlers of settlement's documents: a sale's PDFs and the house's payment instructions printed on them.

A PDF is for whoever sees the invoice (its buyer, the buyer organisation's members, the house's staff, platform
staff); anyone else gets 404 `invoice_not_found`, exactly as for a missing invoice. Rendering runs in the
offload workers, never on the event loop.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from marketplace.settlement.models import PaymentInstructions
from marketplace.settlement.schemas import DocumentIn, PaymentInstructionsIn, PaymentInstructionsOut
from marketplace.settlement.services import documents
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={
            # A download of someone's invoice is private: never kept by a shared cache.
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@endpoint(
    "GET",
    "/api/invoices/{id:int}/invoice.pdf",
    summary="The invoice / 结算单 as a PDF, with the house's bank instructions and the payment reference",
    tag=TAG,
    query=DocumentIn,
    errors=(404, 413, 422),
)
async def invoice_pdf(call: Call[Any, DocumentIn]) -> Response:
    content = await documents.invoice_content(
        call.user, call.path_id(), call.services.vehicles, bilingual=call.query.bilingual
    )
    return pdf_response(await documents.render(content), f"invoice-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/invoices/{id:int}/confirmation.pdf",
    summary="The sale confirmation (成交确认书) of an auction sale as a PDF",
    tag=TAG,
    query=DocumentIn,
    errors=(404, 413, 422),
)
async def confirmation_pdf(call: Call[Any, DocumentIn]) -> Response:
    content = await documents.confirmation_content(
        call.user, call.path_id(), call.services.vehicles, bilingual=call.query.bilingual
    )
    return pdf_response(await documents.render(content), f"confirmation-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/invoices/{id:int}/contract.pdf",
    summary="The used-vehicle sale contract (二手车买卖合同) of the sale as a PDF",
    tag=TAG,
    query=DocumentIn,
    errors=(404, 413, 422),
)
async def contract_pdf(call: Call[Any, DocumentIn]) -> Response:
    content = await documents.contract_content(
        call.user, call.path_id(), call.services.vehicles, bilingual=call.query.bilingual
    )
    return pdf_response(await documents.render(content), f"contract-{content.number}.pdf")


def instructions_out(row: PaymentInstructions) -> PaymentInstructionsOut:
    return PaymentInstructionsOut(
        house_org_id=row.house_org_id, account_name=row.account_name, bank_name=row.bank_name, branch=row.branch,
        account_number=row.account_number, swift=row.swift, note=row.note, updated_at=row.updated_at,
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/payment-instructions",
    summary="The house's bank account printed on its invoices (the house's staff)",
    tag=TAG,
    response=PaymentInstructionsOut,
    errors=(404,),
)
async def get_instructions(call: Call[Any, Any]) -> PaymentInstructionsOut:
    return instructions_out(await documents.instructions(call.user, call.path_id()))


@endpoint(
    "PUT",
    "/api/houses/{id:int}/payment-instructions",
    summary="Set the house's bank account printed on its invoices, replacing the last (the house's administrators)",
    tag=TAG,
    body=PaymentInstructionsIn,
    response=PaymentInstructionsOut,
    errors=(403, 404, 422),
)
async def set_instructions(call: Call[PaymentInstructionsIn, Any]) -> PaymentInstructionsOut:
    row = await documents.set_instructions(call.user, call.path_id(), call.body.model_dump(), datetime.now(UTC))
    return instructions_out(row)


routes: list[BaseRoute] = [invoice_pdf, confirmation_pdf, contract_pdf, get_instructions, set_instructions]
