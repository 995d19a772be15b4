"""HTTP handlers for deposits, refunds, clocks, notices and defaults (issue 10 §3–5).

House actions need the house's own staff (recording a refund) or administrators (a default, closing one); the
house's books read as everywhere in settlement (its staff, platform staff read only); a bidder or buyer sees only
their own deposits, notices and invoices; anyone else gets 404, as if the record did not exist.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.settlement.models import Default, Deposit, DepositRefund, Notice
from marketplace.settlement.services import clocks, defaults, deposits, invoices, notices
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


def now() -> datetime:
    return datetime.now(UTC)


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class DepositFilter(In):
    status: Literal["held", "refund_due", "refunded", "spent", "forfeited"] | None = None


class RefundFilter(In):
    status: Literal["due", "done"] | None = None


class RefundOut(BaseModel):
    id: int
    deposit_id: int
    user_id: int
    amount_fen: int
    currency: str
    rail: str
    due_on: date
    status: str
    bank_reference: str | None
    completed_at: datetime | None


class DepositOut(BaseModel):
    id: int
    house_org_id: int
    session_id: int
    user_id: int
    org_id: int | None
    paddle: str
    amount_fen: int
    currency: str
    rail: str = Field(description="bank (transfer, refunded by house staff) or stripe (a card hold)")
    status: str = Field(description="held | refund_due | refunded | spent (applied to invoices) | forfeited")
    refund: RefundOut | None = None


class DepositList(BaseModel):
    items: list[DepositOut]


class RefundList(BaseModel):
    items: list[RefundOut]


class RefundIn(In):
    bank_reference: Reference = Field(description="the bank's reference (流水号) of the refund transfer")


class RefundDone(RefundOut):
    created: bool


class DefaultIn(In):
    reason: str = Field(min_length=1, max_length=200)


class CloseIn(In):
    resale_hammer_fen: int | None = Field(
        default=None, ge=0, le=10**13, description="the hammer price of the relisted vehicle; null: no re-sale"
    )


class DefaultOut(BaseModel):
    id: int
    house_org_id: int
    invoice_id: int
    sale_id: int
    lot_id: int | None
    buyer_user_id: int
    buyer_org_id: int | None
    hammer_fen: int
    forfeited_fen: int
    house_costs_fen: int
    shortfall_fen: int
    rest_fen: int
    rest_to: str
    status: str
    declared_by_user_id: int | None
    declared_at: datetime
    second_chance_until: datetime | None
    resale_sale_id: int | None
    resale_hammer_fen: int | None


class DefaultList(BaseModel):
    items: list[DefaultOut]


class NoticeFilter(In):
    unread: bool = False


class NoticeOut(BaseModel):
    id: int
    kind: str
    invoice_id: int | None
    data: dict[str, Any]
    subject_zh: str
    subject_en: str
    body_zh: str = Field(description="the notice's text, as its mail says it")
    body_en: str
    read_at: datetime | None
    created_at: datetime


class NoticeList(BaseModel):
    items: list[NoticeOut]


class ReadIn(In):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(default=None, max_length=200)


class ReadOut(BaseModel):
    marked: int


class ChargeLine(BaseModel):
    kind: str
    ordinal: int
    day: date
    amount_fen: int


class ClocksOut(BaseModel):
    invoice_id: int
    due_on: date
    reminder_on: date
    late_on: date
    default_on: date
    storage_free_until: date | None
    paused: bool
    paused_working_days: int
    collected_at: datetime | None
    charges: list[ChargeLine]


def refund_out(r: DepositRefund) -> RefundOut:
    return RefundOut(
        id=r.id, deposit_id=r.deposit_id, user_id=r.user_id, amount_fen=r.amount_fen, currency=r.currency, rail=r.rail,
        due_on=r.due_on, status=r.status, bank_reference=r.bank_reference, completed_at=r.completed_at,
    )  # fmt: skip


def deposit_out(d: Deposit, refund: DepositRefund | None = None) -> DepositOut:
    return DepositOut(
        id=d.id, house_org_id=d.house_org_id, session_id=d.session_id, user_id=d.user_id, org_id=d.org_id,
        paddle=d.paddle, amount_fen=d.amount_fen, currency=d.currency, rail=d.rail, status=d.status,
        refund=refund_out(refund) if refund else None,
    )  # fmt: skip


def default_out(d: Default) -> DefaultOut:
    return DefaultOut(
        id=d.id, house_org_id=d.house_org_id, invoice_id=d.invoice_id, sale_id=d.sale_id, lot_id=d.lot_id,
        buyer_user_id=d.buyer_user_id, buyer_org_id=d.buyer_org_id, hammer_fen=d.hammer_fen,
        forfeited_fen=d.forfeited_fen, house_costs_fen=d.house_costs_fen, shortfall_fen=d.shortfall_fen,
        rest_fen=d.rest_fen, rest_to=d.rest_to, status=d.status, declared_by_user_id=d.declared_by_user_id,
        declared_at=d.declared_at, second_chance_until=d.second_chance_until, resale_sale_id=d.resale_sale_id,
        resale_hammer_fen=d.resale_hammer_fen,
    )  # fmt: skip


def notice_out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.id, kind=n.kind, invoice_id=n.invoice_id, data=n.data, read_at=n.read_at, created_at=n.created_at,
        **notices.texts(n.kind, n.data)._asdict(),
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/deposits",
    summary="Deposits lodged with the house, newest first (the house's staff)",
    tag=TAG,
    query=DepositFilter,
    response=DepositList,
    errors=(404, 422),
)
async def house_deposits(call: Call[Any, DepositFilter]) -> DepositList:
    rows = await deposits.house_deposits(call.user, call.path_id(), call.query.status)
    return DepositList(items=[deposit_out(d) for d in rows])


@endpoint(
    "GET",
    "/api/me/deposits",
    summary="Your deposits (保证金) and their refunds",
    tag=TAG,
    response=DepositList,
)
async def my_deposits(call: Call[Any, Any]) -> DepositList:
    return DepositList(items=[deposit_out(d, r) for d, r in await deposits.my_deposits(call.user)])


@endpoint(
    "GET",
    "/api/houses/{id:int}/deposit-refunds",
    summary="Deposit refunds: the tasks due, earliest first, and those done (the house's staff)",
    tag=TAG,
    query=RefundFilter,
    response=RefundList,
    errors=(404, 422),
)
async def house_refunds(call: Call[Any, RefundFilter]) -> RefundList:
    rows = await deposits.house_refunds(call.user, call.path_id(), call.query.status)
    return RefundList(items=[refund_out(r) for r in rows])


@endpoint(
    "POST",
    "/api/houses/{id:int}/deposit-refunds/{refund:int}/complete",
    summary="Record the bank transfer that refunded a deposit (once; the same reference again changes nothing)",
    tag=TAG,
    body=RefundIn,
    response=RefundDone,
    status=201,
    errors=(403, 404, 409, 422),
)
async def complete_refund(call: Call[RefundIn, Any]) -> Response:
    refund, created = await deposits.complete_refund(
        call.user, call.path_id(), call.path_id("refund"), call.body.bank_reference, now()
    )
    call.services.relay.notify()
    out = RefundDone(**refund_out(refund).model_dump(), created=created)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


@endpoint(
    "GET",
    "/api/invoices/{id:int}/clocks",
    summary="An invoice's deadlines (due, reminder, late fee, default, storage) and the charges posted",
    tag=TAG,
    response=ClocksOut,
    errors=(404,),
)
async def invoice_clocks(call: Call[Any, Any]) -> ClocksOut:
    invoice = await invoices.visible_invoice(call.user, call.path_id())
    d, clock, sale, charges = await clocks.invoice_clocks(invoice)
    return ClocksOut(
        invoice_id=invoice.id, due_on=d.due_on, reminder_on=d.reminder_on, late_on=d.late_on, default_on=d.default_on,
        storage_free_until=d.storage_free_until, paused=sale.clocks_paused_since is not None,
        paused_working_days=clock.paused_working_days if clock else 0,
        collected_at=clock.collected_at if clock else None,
        charges=[ChargeLine(kind=c.kind, ordinal=c.ordinal, day=c.day, amount_fen=c.amount_fen) for c in charges],
    )  # fmt: skip


@endpoint(
    "POST",
    "/api/invoices/{id:int}/default",
    summary="Declare a default (悔拍) on an invoice unpaid after its grace period (the house's administrators)",
    tag=TAG,
    body=DefaultIn,
    response=DefaultOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def declare_default(call: Call[DefaultIn, Any]) -> DefaultOut:
    d = await defaults.declare(call.user, call.path_id(), call.body.reason, now())
    call.services.relay.notify()
    return default_out(d)


@endpoint(
    "GET",
    "/api/houses/{id:int}/defaults",
    summary="The house's defaults, newest first (the house's staff)",
    tag=TAG,
    response=DefaultList,
    errors=(404,),
)
async def house_defaults(call: Call[Any, Any]) -> DefaultList:
    return DefaultList(items=[default_out(d) for d in await defaults.house_defaults(call.user, call.path_id())])


@endpoint(
    "POST",
    "/api/houses/{id:int}/defaults/{default:int}/close",
    summary="Close a default: the re-sale's price (or none) shares the rest of the forfeited deposit",
    tag=TAG,
    body=CloseIn,
    response=DefaultOut,
    errors=(403, 404, 409, 422),
)
async def close_default(call: Call[CloseIn, Any]) -> DefaultOut:
    d = await defaults.close(call.user, call.path_id(), call.path_id("default"), call.body.resale_hammer_fen, now())
    return default_out(d)


@endpoint(
    "GET",
    "/api/me/settlement-notices",
    summary="Your payment reminders, overdue notices, default and refund notices, newest first",
    tag=TAG,
    query=NoticeFilter,
    response=NoticeList,
)
async def my_notices(call: Call[Any, NoticeFilter]) -> NoticeList:
    rows = await notices.my_notices(call.user.user_id, call.query.unread)
    return NoticeList(items=[notice_out(n) for n in rows])


@endpoint(
    "POST",
    "/api/me/settlement-notices/read",
    summary="Mark your notices read (all, or the ids given)",
    tag=TAG,
    body=ReadIn,
    response=ReadOut,
    errors=(422,),
)
async def read_notices(call: Call[ReadIn, Any]) -> ReadOut:
    return ReadOut(marked=await notices.mark_read(call.user.user_id, call.body.ids, now()))


routes: list[BaseRoute] = [
    house_deposits, my_deposits, house_refunds, complete_refund, invoice_clocks, declare_default, house_defaults,
    close_default, my_notices, read_notices,
]  # fmt: skip
