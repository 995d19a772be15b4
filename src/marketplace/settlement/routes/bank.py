"""HTTP handlers of the bank rail: statement layouts, statement import, the queue of lines, reconciliation.

House staff only (`house_admin`, `auctioneer`; a dealer's staff for its own books); platform staff read the lines
and the reconciliation; anyone else gets 404 as if the house did not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute

from marketplace.settlement.domain.statements import Mapping
from marketplace.settlement.models import BankImport, BankLine
from marketplace.settlement.schemas import CurrencyIn
from marketplace.settlement.schemas_rails import (
    BankLineFilter,
    BankLineOut,
    BankLinePage,
    BankReconciliationOut,
    LayoutIn,
    LayoutList,
    LayoutOut,
    PreviewQuery,
    ResolveIn,
    StatementImportOut,
    StatementImportQuery,
    StatementListQuery,
    StatementPage,
    StatementPreviewOut,
    StatementRowOut,
)
from marketplace.settlement.services import reconciliation, statement_files, statements
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"


def now() -> datetime:
    return datetime.now(UTC)


def line_out(line: BankLine) -> BankLineOut:
    return BankLineOut(
        id=line.id, serial=line.serial, booked_at=line.booked_at, amount_fen=line.amount_fen,
        balance_fen=line.balance_fen, currency=line.currency, payer=line.payer, reference=line.reference,
        status=line.status, reason=line.reason, invoices=line.invoices, balance_break=line.balance_break,
        expected_balance_fen=line.expected_balance_fen, note=line.note,
    )  # fmt: skip


def import_out(row: BankImport, created: bool) -> StatementImportOut:
    return StatementImportOut(
        id=row.id, created=created, layout=row.layout, lines_total=row.lines_total, lines_new=row.lines_new,
        outcomes=row.summary.get("outcomes", {}), balance_breaks=row.summary.get("breaks", []),
    )  # fmt: skip


@endpoint(
    "GET",
    "/api/houses/{id:int}/bank/layouts",
    summary="Statement layouts: the built-in ones (icbc-csv, ccb-xlsx) and the house's saved column mappings",
    tag=TAG,
    response=LayoutList,
    errors=(403, 404),
)
async def list_layouts(call: Call[Any, Any]) -> LayoutList:
    rows = await statement_files.mappings(call.user, call.path_id())
    return LayoutList(items=[LayoutOut(name=n, mapping=m, builtin=b) for n, m, b in rows])


@endpoint(
    "POST",
    "/api/houses/{id:int}/bank/layouts",
    summary="Save a column mapping for the house's bank export, by name (saving the same name replaces it)",
    tag=TAG,
    body=LayoutIn,
    response=LayoutOut,
    errors=(403, 404, 409, 422),
)
async def save_layout(call: Call[LayoutIn, Any]) -> LayoutOut:
    row = await statement_files.save_mapping(
        call.user, call.path_id(), call.body.name, Mapping(**call.body.mapping.model_dump())
    )
    return LayoutOut(name=row.name, mapping=row.mapping, builtin=False)


@endpoint(
    "POST",
    "/api/houses/{id:int}/bank/statements",
    summary="Import a bank statement (the raw CSV or XLSX file as the body): each line once, matched to invoices "
    "by their number; the same file again changes nothing (200, created false)",
    tag=TAG,
    query=StatementImportQuery,
    response=StatementImportOut,
    status=201,
    errors=(403, 404, 409, 413, 422),
)
async def import_statement(call: Call[Any, StatementImportQuery]) -> StatementImportOut | JSONResponse:
    data = await call.request.body()
    row, created = await statements.import_statement(
        call.user, call.path_id(), data, call.query.layout, call.query.filename, now()
    )
    call.services.relay.notify()
    out = import_out(row, created)
    return out if created else JSONResponse(out.model_dump(mode="json"), status_code=200)


@endpoint(
    "POST",
    "/api/houses/{id:int}/bank/statements/preview",
    summary="Read a statement file's first rows (the raw CSV or XLSX as the body) to map its columns before "
    "saving a layout; nothing is stored",
    tag=TAG,
    query=PreviewQuery,
    response=StatementPreviewOut,
    errors=(403, 404, 413, 422),
)
async def preview_statement(call: Call[Any, PreviewQuery]) -> StatementPreviewOut:
    data = await call.request.body()
    rows = await statement_files.preview(call.user, call.path_id(), data, call.query.format)
    return StatementPreviewOut(format=call.query.format, rows=rows)


@endpoint(
    "GET",
    "/api/houses/{id:int}/bank/statements",
    summary="The imported statements, newest first, with their lines matched, unmatched and excluded as they stand",
    tag=TAG,
    query=StatementListQuery,
    response=StatementPage,
    errors=(400, 404, 422),
)
async def list_statements(call: Call[Any, StatementListQuery]) -> StatementPage:
    q = call.query
    rows, cursor = await reconciliation.statement_imports(call.user, call.path_id(), q.cursor, q.limit)
    return StatementPage(items=[StatementRowOut.model_validate(r) for r in rows], next_cursor=cursor)


@endpoint(
    "GET",
    "/api/houses/{id:int}/bank/lines",
    summary="Statement lines, newest first, optionally of one status (queued and flagged: the work queue)",
    tag=TAG,
    query=BankLineFilter,
    response=BankLinePage,
    errors=(400, 404, 422),
)
async def list_lines(call: Call[Any, BankLineFilter]) -> BankLinePage:
    q = call.query
    rows, cursor = await statements.lines(call.user, call.path_id(), q.status, q.cursor, q.limit)
    return BankLinePage(items=[line_out(r) for r in rows], next_cursor=cursor)


@endpoint(
    "POST",
    "/api/houses/{id:int}/bank/lines/{line:int}/resolve",
    summary="Decide a queued or flagged line: apply it to an invoice (or several it pays exactly), or exclude it",
    tag=TAG,
    body=ResolveIn,
    response=BankLineOut,
    errors=(403, 404, 409, 422),
)
async def resolve_line(call: Call[ResolveIn, Any]) -> BankLineOut:
    b = call.body
    line = await statements.resolve_line(
        call.user, call.path_id(), call.path_id("line"), b.action, b.invoices, b.note, now()
    )
    call.services.relay.notify()
    return line_out(line)


@endpoint(
    "GET",
    "/api/houses/{id:int}/reconciliation/bank",
    summary="The bank rail reconciled: lines by outcome, the unmatched, breaks in the running balance, bank "
    "clearing (zero when every receipt has been seen on a statement)",
    tag=TAG,
    query=CurrencyIn,
    response=BankReconciliationOut,
    errors=(404, 422),
)
async def bank_reconciliation(call: Call[Any, CurrencyIn]) -> BankReconciliationOut:
    return BankReconciliationOut.model_validate(
        await reconciliation.bank_view(call.user, call.path_id(), call.query.currency)
    )


routes: list[BaseRoute] = [
    list_layouts,
    save_layout,
    import_statement,
    preview_statement,
    list_statements,
    list_lines,
    resolve_line,
    bank_reconciliation,
]
