"""A bank statement file: read off the event loop under a column mapping (a built-in layout or one the house
saved), bounded as it streams; and the preview a person maps the columns from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any, TypeVar

from marketplace import spreadsheets
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.settlement.domain import access
from marketplace.settlement.domain import statements as rules
from marketplace.settlement.models import BankMapping

IMPORT_CPU_SECONDS = 15.0
MAX_LINES = 5_000  # filled lines per statement file
MAX_SHEET_ROWS = 2 * MAX_LINES  # rows read in all, blank ones and the bank's title rows included
HEADER_SEARCH_ROWS = 20  # banks print the account and period above the header
PREVIEW_ROWS = 30  # rows shown while a person maps the columns: the bank's title rows, the header, a few lines
PREVIEW_CELL = 80  # longest text of a previewed cell
# C0 control characters other than tab, line feed and carriage return, as the API refuses them in JSON: a bank's
# export padded with NULs must not reach PostgreSQL's text columns, which refuse NUL (a 500). A statement's text
# is the payer's words, so they are dropped rather than the file refused.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
T = TypeVar("T")


def require_keeper(principal: Principal, house_org_id: int) -> None:
    if not access.keeps_books(principal, house_org_id):
        if access.reads_books(principal, house_org_id):
            raise Forbidden("the house's own staff import its statements", code="not_house_staff")
        raise NotFound("not found")


# --- reading (in a worker process) ------------------------------------------------------------------


def read_statement(data: bytes, mapping: dict[str, Any]) -> list[rules.Line]:
    """Every line of a statement file under a mapping; the header is the first row holding all mapped columns.
    A row with no booking time (a bank's 合计 total or a footer) is skipped; any other bad row refuses the file."""
    m = rules.Mapping(**mapping)
    rows = _rows(data, m.format)
    header: list[str] | None = None
    lines: list[rules.Line] = []
    for n, values in enumerate(rows, start=1):
        if n > MAX_SHEET_ROWS:
            raise spreadsheets.SheetTooLarge(f"the statement goes past row {MAX_SHEET_ROWS:,}")
        if any(v.strip() for v in values[spreadsheets.MAX_COLUMNS :]):
            raise spreadsheets.SheetTooLarge(f"at most {spreadsheets.MAX_COLUMNS} columns")
        if header is None:
            if not rules.missing_columns(m, values):
                header = [v.strip().lower() for v in values]
            elif n >= HEADER_SEARCH_ROWS:
                missing = rules.missing_columns(m, values)
                raise spreadsheets.SheetError(f"no header row with the mapped columns (missing: {', '.join(missing)})")
            continue
        if not any(v.strip() for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        if not row.get(m.booked_at.strip().lower(), "").strip():
            continue
        if len(lines) >= MAX_LINES:
            raise spreadsheets.SheetTooLarge(f"at most {MAX_LINES:,} lines per statement")
        lines.append(rules.to_line(m, n, row))
    if header is None:
        raise spreadsheets.SheetError("no header row with the mapped columns")
    return lines


def _rows(data: bytes, fmt: str) -> Iterator[list[str]]:
    rows = spreadsheets.csv_rows(data) if fmt == "csv" else spreadsheets.xlsx_rows(data, keep_time=True)
    for values in rows:
        yield [CONTROL.sub("", v) for v in values]


def preview_rows(data: bytes, fmt: str) -> list[list[str]]:
    """The first filled rows of a file as text (trailing empty cells dropped), for a person to map its columns."""
    rows = _rows(data, fmt)
    out: list[list[str]] = []
    for n, values in enumerate(rows, start=1):
        if len(out) >= PREVIEW_ROWS or n > MAX_SHEET_ROWS:
            break
        cells = [" ".join(v.split())[:PREVIEW_CELL] for v in values[: spreadsheets.MAX_COLUMNS]]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append(cells)
    if not out:
        raise spreadsheets.SheetError("the file holds no rows")
    return out


async def read_off_loop(data: bytes, mapping: dict[str, Any]) -> list[rules.Line]:
    return await _off_loop(read_statement, data, mapping)


async def _off_loop(fn: Callable[..., T], *args: Any) -> T:
    try:
        return await spreadsheets.read_off_loop(fn, *args, cpu_seconds=IMPORT_CPU_SECONDS)
    except rules.StatementError as exc:
        raise ValidationFailed(
            f"line {exc.line}: {exc}" if exc.line else str(exc), code="invalid_statement_line",
            details=[{"loc": ["line", exc.line], "msg": str(exc)}],
        ) from None  # fmt: skip


async def preview(principal: Principal, house_org_id: int, data: bytes, fmt: str) -> list[list[str]]:
    require_keeper(principal, house_org_id)
    if not data:
        raise ValidationFailed("the file is empty", code="invalid_file")
    return await _off_loop(preview_rows, data, fmt)


# --- mappings -----------------------------------------------------------------------------------------


async def mapping_for(house_org_id: int, layout: str) -> dict[str, Any]:
    if layout in rules.LAYOUTS:
        return asdict(rules.LAYOUTS[layout])
    saved = await BankMapping.get_or_none(house_org_id=house_org_id, name=layout)
    if saved is None:
        raise NotFound("no such statement layout", code="bank_layout_not_found")
    return dict(saved.mapping)


async def save_mapping(principal: Principal, house_org_id: int, name: str, mapping: rules.Mapping) -> BankMapping:
    require_keeper(principal, house_org_id)
    if name in rules.LAYOUTS:
        raise Conflict("that name is a built-in layout", code="bank_layout_builtin")
    try:
        rules.check_mapping(mapping)
    except rules.StatementError as exc:
        raise ValidationFailed(str(exc), code="invalid_bank_mapping") from None
    row = await BankMapping.get_or_none(house_org_id=house_org_id, name=name)
    if row is None:
        return await BankMapping.create(
            house_org_id=house_org_id, name=name, mapping=asdict(mapping), created_by_user_id=principal.user_id
        )
    row.mapping = asdict(mapping)
    await row.save(update_fields=["mapping"])
    return row


async def mappings(principal: Principal, house_org_id: int) -> list[tuple[str, dict[str, Any], bool]]:
    require_keeper(principal, house_org_id)
    saved = await BankMapping.filter(house_org_id=house_org_id).order_by("name")
    return [(k, asdict(v), True) for k, v in rules.LAYOUTS.items()] + [(s.name, s.mapping, False) for s in saved]
