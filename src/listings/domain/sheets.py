"""Inventory spreadsheets: the column layout and the row → listing-input mapping (pure; parsing bytes only)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from marketplace import spreadsheets
from marketplace.spreadsheets import SheetError as SheetError
from marketplace.spreadsheets import SheetTooLarge as SheetTooLarge

COLUMNS = (
    "vin",
    "make",
    "model",
    "series",
    "body_type",
    "energy_type",
    "transmission",
    "displacement_ml",
    "battery_kwh",
    "emission_standard",
    "colour",
    "model_year",
    "first_registration",
    "mileage_km",
    "transfers",
    "plate_prefix",
    "registration_city",
    "usage",
    "accident",
    "flood",
    "fire",
    "price_yuan",
    "negotiable",
    "title",
    "description",
    "location_city",
)
REQUIRED = ("vin", "make", "model", "energy_type", "price_yuan")
LISTING_KEYS = ("negotiable", "title", "description", "location_city")
MAX_ROWS = 5_000  # filled rows per import
# Bounds that keep a hostile file cheap to refuse (each checked as the file streams, before the next row):
MAX_SHEET_ROWS = 2 * MAX_ROWS  # lines read in all, blank ones included
# The reading itself (encodings, zip-bomb checks, cells as text) is marketplace.spreadsheets', shared with the
# bank statement import.
MAX_COLUMNS = spreadsheets.MAX_COLUMNS
MAX_SHARED_STRINGS = spreadsheets.MAX_SHARED_STRINGS
# C0 control characters other than tab, line feed and carriage return: XML 1.0 (so XLSX) cannot hold
# them, and no dealer means one. Refused on import, dropped on export (data stored before the rule).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TRUE = {"1", "true", "yes", "y", "是", "有"}
FALSE = {"", "0", "false", "no", "n", "否", "无"}


def yuan_to_fen(text: str) -> int:
    """'128000' or '128000.50' yuan → fen, exactly (Decimal, never float)."""
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError("at most two decimals")
    return int(fen)


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in TRUE:
        return True
    if t in FALSE:
        return False
    raise ValueError("not yes/no")


YES_NO = ("accident", "flood", "fire", "negotiable")

# Pydantic's error types, grouped into the stable codes an import row reports (the UI words them in both
# languages; the English `reason` keeps pydantic's detail).
_SCHEMA_CODES = {
    "missing": "row_required",
    "string_too_long": "row_too_long",
    "string_too_short": "row_too_short",
    "too_long": "row_too_long",
    "too_short": "row_too_short",
    "string_pattern_mismatch": "row_bad_format",
    "literal_error": "row_not_allowed",
    "enum": "row_not_allowed",
    "int_parsing": "row_not_a_number",
    "int_from_float": "row_not_a_number",
    "float_parsing": "row_not_a_number",
    "decimal_parsing": "row_not_a_number",
    "greater_than": "row_out_of_range",
    "greater_than_equal": "row_out_of_range",
    "less_than": "row_out_of_range",
    "less_than_equal": "row_out_of_range",
    "date_parsing": "row_bad_date",
    "date_from_datetime_parsing": "row_bad_date",
}


def schema_code(error_type: str) -> str:
    """The stable code of a row for one of pydantic's error types."""
    return _SCHEMA_CODES.get(error_type, "row_invalid_value")


class Problem(NamedTuple):
    column: str
    reason: str  # English detail
    code: str  # stable, worded by the UI


def row_to_input(row: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The ListingIn-shaped dict for a row, and the problems found before schema validation."""
    problems: list[Problem] = []
    vehicle: dict[str, Any] = {}
    listing: dict[str, Any] = {}
    for col in REQUIRED:
        if not (row.get(col) or "").strip():
            problems.append(Problem(col, "required", code="row_required"))
    for col in COLUMNS:
        raw = (row.get(col) or "").strip()
        if not raw:
            continue
        if CONTROL_CHARACTERS.search(raw):
            problems.append(Problem(col, "contains a control character", code="row_control_character"))
            continue
        try:
            if col == "price_yuan":
                listing["price_fen"] = yuan_to_fen(raw)
            elif col in YES_NO:
                (listing if col == "negotiable" else vehicle)[col] = _bool(raw)
            elif col in LISTING_KEYS:
                listing[col] = raw
            else:
                vehicle[col] = raw
        except ValueError as exc:
            code = "row_yes_no" if col in YES_NO else "row_bad_amount" if col == "price_yuan" else "row_invalid_value"
            problems.append(Problem(col, str(exc), code=code))
    return {**listing, "vehicle": vehicle}, problems


def read(data: bytes, fmt: str) -> list[tuple[int, dict[str, str]]]:
    """Every (line number, row) of a CSV or XLSX file, or SheetError; one call, so it can run in a worker process."""
    return list(read_xlsx(data) if fmt == "xlsx" else read_csv(data))


def read_csv(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; the header is line 1. Accepts UTF-8 with or without BOM, and GBK (Excel in China)."""
    rows = spreadsheets.csv_rows(data)
    header = next(rows, None)
    if header is None:
        raise SheetError("the file is empty")
    yield from _rows(header, rows)


def read_xlsx(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    rows = spreadsheets.xlsx_rows(data, MAX_COLUMNS)
    header = next(rows, None)
    if header is None:
        raise SheetError("the workbook's first sheet is empty")
    yield from _rows(header, rows)


def _rows(header: list[str], rows: Iterator[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    if any(h.strip() for h in header[MAX_COLUMNS:]):
        raise SheetTooLarge(f"at most {MAX_COLUMNS} columns")
    names = [h.strip().lower() for h in header]
    while names and not names[-1]:
        names.pop()  # an XLSX header row comes padded with empty cells
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise SheetError(f"unknown columns: {', '.join(unknown)} (expected: {', '.join(COLUMNS)})")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SheetError(f"missing columns: {', '.join(missing)}")
    filled = 0
    try:
        for line, values in enumerate(rows, start=2):
            # Blank lines count too: a sheet may number its last row 3,000,000 with nothing between.
            if line > MAX_SHEET_ROWS:
                raise SheetTooLarge(f"the sheet goes past line {MAX_SHEET_ROWS:,} (blank lines included)")
            if not any(v.strip() for v in values):
                continue
            filled += 1
            if filled > MAX_ROWS:
                raise SheetTooLarge(f"at most {MAX_ROWS} rows per import")
            if any(v.strip() for v in values[len(names) :]):
                raise SheetError(f"line {line} has more cells than the header")
            yield line, dict(zip(names, values, strict=False))
    except csv.Error as exc:
        raise SheetError(f"malformed CSV: {exc}") from None


def write_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 Chinese correctly


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula in Excel (CSV injection), and spreadsheet programs drop
    # a leading tab or carriage return and then read what follows as one (OWASP): a quote makes it text.
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def write_xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("inventory")

    def text(value: Any) -> Any:
        # openpyxl stores any string starting with "=" as a formula; typing the cell as a string keeps a
        # dealer's "=HYPERLINK(...)" inert and exact (no quote prefix, unlike CSV, which has no cell types).
        if isinstance(value, str):
            value = CONTROL_CHARACTERS.sub("", value)
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        return cell

    ws.append(list(COLUMNS))
    for row in rows:
        ws.append([text(row.get(c, "")) for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
