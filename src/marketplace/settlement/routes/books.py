"""HTTP handlers of settlement: fee schedules and the estimator, invoices, receipts, the books.

The books (`/api/houses/{id}/…`) belong to an organisation: an auction house, or a dealer for its own listing
sales. Its staff read them; anyone else gets 404, as if they did not exist. The estimator is public: fees are
part of a sale's published terms.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.settlement.models import FeeSchedule
from marketplace.settlement.schemas import (
    ChargeOut,
    CurrencyIn,
    EstimateIn,
    EstimateOut,
    FeeScheduleIn,
    FeeScheduleList,
    FeeScheduleOut,
    InvoiceFilter,
    InvoiceOut,
    InvoicePage,
    ReceiptIn,
    ReceiptOut,
    StatementIn,
    StatementOut,
    TrialBalanceOut,
    VoidIn,
)
from marketplace.settlement.services import books, fees, invoices
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"
LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(LOCAL).date()


def schedule_out(row: FeeSchedule) -> FeeScheduleOut:
    return FeeScheduleOut(
        id=row.id, house_org_id=row.house_org_id, version=row.version, effective_from=row.effective_from,
        rules=row.rules, note=row.note, created_at=row.created_at,
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/fee-schedules",
    summary="The house's fee schedule versions, newest first (the house's staff)",
    tag=TAG,
    response=FeeScheduleList,
    errors=(404,),
)
async def list_schedules(call: Call[Any, Any]) -> FeeScheduleList:
    house = call.path_id()
    fees.require_books(call.user, house)
    return FeeScheduleList(items=[schedule_out(r) for r in await fees.versions(house)])


@endpoint(
    "POST",
    "/api/houses/{id:int}/fee-schedules",
    summary="Publish a new fee schedule version, effective now or later (the house's administrators)",
    tag=TAG,
    body=FeeScheduleIn,
    response=FeeScheduleOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def create_schedule(call: Call[FeeScheduleIn, Any]) -> FeeScheduleOut:
    b = call.body
    at = now()
    row = await fees.create_version(call.user, call.path_id(), b.rules, b.effective_from or at, b.note, at)
    return schedule_out(row)


@endpoint(
    "GET",
    "/api/houses/{id:int}/fee-schedules/{schedule:int}",
    summary="One fee schedule version",
    tag=TAG,
    response=FeeScheduleOut,
    errors=(404,),
)
async def get_schedule(call: Call[Any, Any]) -> FeeScheduleOut:
    return schedule_out(await fees.version_for(call.user, call.path_id(), call.path_id("schedule")))


@endpoint(
    "DELETE",
    "/api/houses/{id:int}/fee-schedules/{schedule:int}",
    summary="Withdraw a version before it takes effect, if no session pinned it",
    tag=TAG,
    status=204,
    errors=(403, 404, 409),
)
async def withdraw_schedule(call: Call[Any, Any]) -> None:
    await fees.withdraw(call.user, call.path_id(), call.path_id("schedule"), now())


@endpoint(
    "GET",
    "/api/houses/{id:int}/fee-estimate",
    summary="What a hammer price costs the buyer and nets the seller, by the code that invoices (public)",
    tag=TAG,
    query=EstimateIn,
    response=EstimateOut,
    auth="public",
    errors=(404, 422),
)
async def estimate(call: Call[Any, EstimateIn]) -> EstimateOut:
    est, schedule, basis = await fees.estimate(call.path_id(), call.query.amount, now(), call.query.session_id)
    premium = next((c.amount_fen for c in est.buyer_charges if c.kind == "buyer_premium"), 0)
    return EstimateOut(
        currency=est.currency, hammer_fen=est.hammer_fen, buyer_premium_fen=premium,
        buyer_charges=[ChargeOut(kind=c.kind, amount_fen=c.amount_fen, vat_fen=c.vat_fen) for c in est.buyer_charges],
        total_due_fen=est.total_due_fen,
        seller_charges=[ChargeOut(kind=c.kind, amount_fen=c.amount_fen, vat_fen=c.vat_fen) for c in est.seller_charges],
        seller_net_fen=est.seller_net_fen, fee_schedule_id=schedule.id if schedule else None,
        fee_schedule_version=schedule.version if schedule else None, basis=basis,  # type: ignore[arg-type]
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/invoices",
    summary="The house's invoices, newest first, optionally of one status",
    tag=TAG,
    query=InvoiceFilter,
    response=InvoicePage,
    errors=(400, 404, 422),
)
async def house_invoices(call: Call[Any, InvoiceFilter]) -> InvoicePage:
    items, cursor = await books.house_invoices(call.user, call.path_id(), call.query, today())
    return InvoicePage(items=items, next_cursor=cursor)


@endpoint(
    "GET",
    "/api/invoices/{id:int}",
    summary="One invoice (结算单): for its house's staff and its buyer",
    tag=TAG,
    response=InvoiceOut,
    errors=(404,),
)
async def invoice_detail(call: Call[Any, Any]) -> InvoiceOut:
    invoice = await invoices.visible_invoice(call.user, call.path_id())
    return (await books.invoices_out([invoice], today()))[0]


@endpoint(
    "POST",
    "/api/invoices/{id:int}/void",
    summary="Void an invoice nobody has paid into: a credit note reverses its postings; the number stays",
    tag=TAG,
    body=VoidIn,
    response=InvoiceOut,
    errors=(403, 404, 409, 422),
)
async def void_invoice(call: Call[VoidIn, Any]) -> InvoiceOut:
    invoice = await invoices.void_invoice(call.user, call.path_id(), call.body.reason, now())
    call.services.relay.notify()
    return (await books.invoices_out([invoice], today()))[0]


@endpoint(
    "GET",
    "/api/me/invoices",
    summary="Your invoices as a buyer, newest first",
    tag=TAG,
    query=InvoiceFilter,
    response=InvoicePage,
    errors=(400, 422),
)
async def my_invoices(call: Call[Any, InvoiceFilter]) -> InvoicePage:
    items, cursor = await books.my_invoices(call.user, call.query, today())
    return InvoicePage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/houses/{id:int}/receipts",
    summary="Record a bank receipt for an invoice (fees first, then the price, the rest a credit); once per reference",
    tag=TAG,
    body=ReceiptIn,
    response=ReceiptOut,
    status=201,
    errors=(403, 404, 409, 422),
)
async def record_receipt(call: Call[ReceiptIn, Any]) -> ReceiptOut | Response:
    b = call.body
    receipt, created = await invoices.record_receipt(
        call.user, call.path_id(), b.invoice_id, b.reference, b.amount_fen, b.received_on, now()
    )
    call.services.relay.notify()
    out = ReceiptOut(
        id=receipt.id, invoice_id=receipt.invoice_id, reference=receipt.reference, amount_fen=receipt.amount_fen,
        currency=receipt.currency, applied_fen=receipt.applied_fen, credit_fen=receipt.credit_fen,
        allocation=[(str(k), int(v)) for k, v in receipt.allocation], received_on=receipt.received_on,
        created=created,
    )  # fmt: skip
    return out if created else JSONResponse(out.model_dump(mode="json"), status_code=200)


@endpoint(
    "GET",
    "/api/houses/{id:int}/trial-balance",
    summary="Every account's balance in one currency, from running balances; debits equal credits",
    tag=TAG,
    query=CurrencyIn,
    response=TrialBalanceOut,
    errors=(404, 422),
)
async def trial_balance(call: Call[Any, CurrencyIn]) -> TrialBalanceOut:
    return await books.trial_balance(call.user, call.path_id(), call.query.currency)


@endpoint(
    "GET",
    "/api/houses/{id:int}/accounts/{account:int}/entries",
    summary="An account's statement: its entries newest first, each with the balance after it",
    tag=TAG,
    query=StatementIn,
    response=StatementOut,
    errors=(400, 404, 422),
)
async def statement(call: Call[Any, StatementIn]) -> StatementOut:
    return await books.statement(call.user, call.path_id(), call.path_id("account"), call.query)


routes: list[BaseRoute] = [
    list_schedules,
    create_schedule,
    get_schedule,
    withdraw_schedule,
    estimate,
    house_invoices,
    invoice_detail,
    void_invoice,
    my_invoices,
    record_receipt,
    trial_balance,
    statement,
]
