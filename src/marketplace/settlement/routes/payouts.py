"""HTTP handlers for the consignor's payout: its state per sale, recording it, the statement per seller."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.settlement.routes.books import TAG, now
from marketplace.settlement.routes.documents import pdf_response
from marketplace.settlement.schemas import DocumentIn
from marketplace.settlement.schemas_handover import (
    FiguresOut,
    PayoutFilter,
    PayoutIn,
    PayoutOut,
    PayoutPage,
    PayoutRowOut,
    PayoutStatementOut,
)
from marketplace.settlement.services import documents, payout_list, payouts
from marketplace.web.endpoint import Call, endpoint


def payout_out(st: payouts.PayoutStatus, created: bool | None = None) -> PayoutOut:
    p = st.payout
    if p is not None:
        figures = FiguresOut(
            hammer_fen=p.hammer_fen, commission_fen=p.commission_fen, seller_fees_fen=p.seller_fees_fen,
            adjustments_fen=p.adjustments_fen, set_off_fen=p.set_off_fen, amount_fen=p.amount_fen,
        )  # fmt: skip
    else:
        figures = FiguresOut(**asdict(st.figures))
    return PayoutOut(
        sale_id=st.sale_id, house_org_id=st.house_org_id, seller_org_id=st.seller_org_id, currency=st.currency,
        state=st.state, waiting=[w.value for w in st.waiting], figures=figures,  # type: ignore[arg-type]
        bank_reference=p.bank_reference if p else None, paid_on=p.paid_on if p else None, created=created,
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/sales/{id:int}/payout",
    summary="The consignor's payout for a sale: due, waiting (and why) or paid; for the house and the seller",
    tag=TAG,
    response=PayoutOut,
    errors=(404,),
)
async def sale_payout(call: Call[Any, Any]) -> PayoutOut:
    return payout_out(await payouts.sale_payout(call.user, call.path_id(), now()))


@endpoint(
    "POST",
    "/api/sales/{id:int}/payout",
    summary="Record the bank transfer paying the consignor (once per sale; the same reference again changes nothing)",
    tag=TAG,
    body=PayoutIn,
    response=PayoutOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def record_payout(call: Call[PayoutIn, Any]) -> PayoutOut | Response:
    st, created = await payouts.record_payout(call.user, call.path_id(), call.body.bank_reference, call.body.paid_on,
                                              now())  # fmt: skip
    call.services.relay.notify()
    out = payout_out(st, created)
    return out if created else JSONResponse(out.model_dump(mode="json"), status_code=200)


@endpoint(
    "GET",
    "/api/houses/{id:int}/sellers/{seller:int}/payout-statement",
    summary="A seller's payout statement with the house: every sale, its figures and payout; for both sides",
    tag=TAG,
    response=PayoutStatementOut,
    errors=(404,),
)
async def statement(call: Call[Any, Any]) -> PayoutStatementOut:
    data = await payouts.payout_statement(call.user, call.path_id(), call.path_id("seller"), now())
    return PayoutStatementOut.model_validate(asdict(data))


@endpoint(
    "GET",
    "/api/sales/{id:int}/payout-statement.pdf",
    summary="The consignor's payout statement of the sale (卖方结算单) as a PDF; for the house and the seller",
    tag=TAG,
    query=DocumentIn,
    errors=(404, 413, 422),
)
async def payout_pdf(call: Call[Any, DocumentIn]) -> Response:
    content = await documents.payout_content(
        call.user, call.path_id(), call.services.vehicles, now(), bilingual=call.query.bilingual
    )
    return pdf_response(await documents.render(content), f"payout-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/houses/{id:int}/sellers/{seller:int}/payout-statement.pdf",
    summary="A seller's statement with the house (委托人对账单) as a PDF: every sale and payout; for both sides",
    tag=TAG,
    query=DocumentIn,
    errors=(404, 413, 422),
)
async def statement_pdf(call: Call[Any, DocumentIn]) -> Response:
    content = await documents.seller_statement_content(
        call.user, call.path_id(), call.path_id("seller"), call.services.vehicles, now(),
        bilingual=call.query.bilingual,
    )  # fmt: skip
    return pdf_response(await documents.render(content), f"statement-{content.number}.pdf")


@endpoint(
    "GET",
    "/api/houses/{id:int}/payouts",
    summary="The house's consignor payouts, newest sale first, optionally of one state (due, waiting, paid, unwound)",
    tag=TAG,
    query=PayoutFilter,
    response=PayoutPage,
    errors=(400, 404, 422),
)
async def house_payouts(call: Call[Any, PayoutFilter]) -> PayoutPage:
    q = call.query
    rows, cursor = await payout_list.house_payouts(call.user, call.path_id(), q.state, q.cursor, q.limit, now())
    return PayoutPage(items=[PayoutRowOut.model_validate(asdict(r)) for r in rows], next_cursor=cursor)


routes: list[BaseRoute] = [sale_payout, record_payout, statement, payout_pdf, statement_pdf, house_payouts]
