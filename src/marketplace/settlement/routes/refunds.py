"""HTTP handlers for buyer refunds (issue 10 §3–4, §11): the house's tasks and their completion by its staff, and a
buyer's own credits with the request to have one paid back. A buyer sees only their own credits; the house's list
reads as its books do; anyone else gets 404."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.settlement.models import BuyerRefund
from marketplace.settlement.routes.deposits import In, RefundIn, now
from marketplace.settlement.services import refunds
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"


def _latin_code(value: str) -> str:
    # pydantic matches a pattern before it upper-cases, so the shape is checked here, after: "ｃｎｙ" or "1AB"
    # would otherwise pass on their length alone.
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError("a currency is three Latin letters (ISO 4217), such as CNY")
    return value


Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=3, max_length=3),
    AfterValidator(_latin_code),
]


class BuyerRefundFilter(In):
    status: Literal["due", "done"] | None = None
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=100)


class BuyerRefundOut(BaseModel):
    id: int
    house_org_id: int
    user_id: int
    amount_fen: int
    currency: str
    source: str = Field(description="adjustment (a dispute's price adjustment) | unwind | request (the buyer's)")
    dispute_id: int | None
    sale_id: int | None
    status: str = Field(description="due | done")
    bank_reference: str | None
    created_at: datetime
    completed_at: datetime | None


class BuyerRefundList(BaseModel):
    items: list[BuyerRefundOut]


class BuyerRefundPage(BuyerRefundList):
    next_cursor: str | None = Field(description="the next page's cursor (oldest first); null on the last page")


class BuyerRefundDone(BuyerRefundOut):
    created: bool


class CreditOut(BaseModel):
    house_org_id: int
    house_name: str
    currency: str
    balance_fen: int = Field(description="the credit the house holds for you")
    refundable_fen: int = Field(description="what is not already in an open refund task")
    request_open: bool


class CreditList(BaseModel):
    items: list[CreditOut]


class CreditRefundIn(In):
    currency: Currency = "CNY"
    amount_fen: int | None = Field(default=None, ge=1, le=10**13, description="null: all that is refundable")


def buyer_refund_out(r: BuyerRefund) -> BuyerRefundOut:
    return BuyerRefundOut(
        id=r.id, house_org_id=r.house_org_id, user_id=r.user_id, amount_fen=r.amount_fen, currency=r.currency,
        source=r.source, dispute_id=r.dispute_id, sale_id=r.sale_id, status=r.status, bank_reference=r.bank_reference,
        created_at=r.created_at, completed_at=r.completed_at,
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/buyer-refunds",
    summary="Refunds owed to buyers (disputes, unwinds, credit requests): the tasks due, oldest first, and those done",
    tag=TAG,
    query=BuyerRefundFilter,
    response=BuyerRefundPage,
    errors=(400, 404, 422),
)
async def house_buyer_refunds(call: Call[Any, BuyerRefundFilter]) -> BuyerRefundPage:
    q = call.query
    rows, cursor = await refunds.house_refunds(call.user, call.path_id(), q.status, q.cursor, q.limit)
    return BuyerRefundPage(items=[buyer_refund_out(r) for r in rows], next_cursor=cursor)


@endpoint(
    "POST",
    "/api/houses/{id:int}/buyer-refunds/{refund:int}/complete",
    summary="Record the bank transfer that refunded a buyer (once; the same reference again changes nothing)",
    tag=TAG,
    body=RefundIn,
    response=BuyerRefundDone,
    status=201,
    errors=(403, 404, 409, 422),
)
async def complete_buyer_refund(call: Call[RefundIn, Any]) -> Response:
    task, created = await refunds.complete(
        call.user, call.path_id(), call.path_id("refund"), call.body.bank_reference, now()
    )
    call.services.relay.notify()
    out = BuyerRefundDone(**buyer_refund_out(task).model_dump(), created=created)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@endpoint(
    "GET",
    "/api/me/credits",
    summary="Your credits with houses (over-payments, dispute refunds) and what you may still ask back",
    tag=TAG,
    response=CreditList,
)
async def my_credits(call: Call[Any, Any]) -> CreditList:
    rows = await refunds.my_credits(call.user)
    return CreditList(items=[CreditOut(**c._asdict()) for c in rows])


@endpoint(
    "GET",
    "/api/me/buyer-refunds",
    summary="Your refunds: owed by a house, or paid with the bank reference",
    tag=TAG,
    response=BuyerRefundList,
)
async def my_buyer_refunds(call: Call[Any, Any]) -> BuyerRefundList:
    return BuyerRefundList(items=[buyer_refund_out(r) for r in await refunds.my_refunds(call.user)])


@endpoint(
    "POST",
    "/api/me/houses/{id:int}/credit-refund",
    summary="Ask a house to pay your credit back by bank transfer (one open request per house and currency)",
    tag=TAG,
    body=CreditRefundIn,
    response=BuyerRefundOut,
    status=201,
    errors=(404, 409, 422),
)
async def request_credit_refund(call: Call[CreditRefundIn, Any]) -> BuyerRefundOut:
    task = await refunds.request(call.user, call.path_id(), call.body.currency, call.body.amount_fen, now())
    return buyer_refund_out(task)


routes: list[BaseRoute] = [
    house_buyer_refunds, complete_buyer_refund, my_credits, my_buyer_refunds, request_credit_refund,
]  # fmt: skip
