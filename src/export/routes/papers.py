"""HTTP handlers of the export papers as PDFs (the order's commercial invoice, contract and packing list, a vehicle's
dossier):
for whoever reads the order or the vehicle; anyone else gets the 404 of a missing id. Rendered off the event loop."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from export.routes._common import TAG, now, pdf_response, today
from export.services import packing, papers
from marketplace.web.endpoint import Call, endpoint


@endpoint(
    "GET",
    "/api/export/orders/{id:int}/commercial-invoice.pdf",
    summary="The order's commercial invoice (商业发票) as a bilingual PDF: one used-vehicle line per car, in the "
    "order's currency",
    tag=TAG,
    errors=(404, 413),
)
async def commercial_invoice(call: Call[Any, Any]) -> Response:
    content = await papers.commercial_invoice(call.user, call.path_id(), today())
    return pdf_response(await papers.render(content), f"commercial-invoice-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/export/orders/{id:int}/contract.pdf",
    summary="The order's export contract (出口合同) as a bilingual PDF, the Chinese text prevailing",
    tag=TAG,
    errors=(404, 413),
)
async def contract(call: Call[Any, Any]) -> Response:
    content = await papers.export_contract(call.user, call.path_id(), today())
    return pdf_response(await papers.render(content), f"contract-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/export/orders/{id:int}/packing-list.pdf",
    summary="The order's packing list (装箱单) as a bilingual PDF: one package line per car with its weights, "
    "volume and marks, and the totals; 409 packing_incomplete while any car lacks its packing details",
    tag=TAG,
    errors=(404, 409, 413),
)
async def packing_list(call: Call[Any, Any]) -> Response:
    content = await packing.packing_list(call.user, call.path_id(), today())
    return pdf_response(await papers.render(content), f"packing-list-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/export/vehicles/{id:int}/dossier.pdf",
    summary="One vehicle's export dossier as a PDF: every step with its dates and state, every paper or MISSING",
    tag=TAG,
    errors=(404, 413),
)
async def dossier(call: Call[Any, Any]) -> Response:
    content = await papers.dossier(call.user, call.path_id(), now(), today())
    return pdf_response(await papers.render(content), f"dossier-{content.number}.pdf")


routes: list[BaseRoute] = [commercial_invoice, contract, packing_list, dossier]
