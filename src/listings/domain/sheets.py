"""Inventory spreadsheets: the column layout and the row → listing-input mapping (pure; parsing bytes only)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

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
MAX_ROWS = 5_000
TRUE = {"1", "true", "yes", "y", "是", "有"}
FALSE = {"", "0", "false", "no", "n", "否", "无"}


class SheetError(ValueError):
    pass


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


def row_to_input(row: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The ListingIn-shaped dict for a row, and the (column, reason) problems found before schema validation."""
    problems: list[tuple[str, str]] = []
    vehicle: dict[str, Any] = {}
    listing: dict[str, Any] = {}
    for col in REQUIRED:
        if not (row.get(col) or "").strip():
            problems.append((col, "required"))
    for col in COLUMNS:
        raw = (row.get(col) or "").strip()
        if not raw:
            continue
        try:
            if col == "price_yuan":
                listing["price_fen"] = yuan_to_fen(raw)
            elif col in ("accident", "flood", "fire", "negotiable"):
                (listing if col == "negotiable" else vehicle)[col] = _bool(raw)
            elif col in LISTING_KEYS:
                listing[col] = raw
            else:
                vehicle[col] = raw
        except ValueError as exc:
            problems.append((col, str(exc)))
    return {**listing, "vehicle": vehicle}, problems


def read_csv(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; the header is line 1. Accepts UTF-8 with or without BOM, and GBK (Excel in China)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SheetError("the file is not UTF-8 or GBK text")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SheetError("the file is empty") from None
    except csv.Error as exc:
        raise SheetError(f"not a CSV file: {exc}") from None
    yield from _rows(header, reader)


def read_xlsx(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, XML errors) for a bad file
        raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0]
        cells = ([_cell(c) for c in r] for r in ws.iter_rows(values_only=True))
        header = next(cells, None)
        if header is None:
            raise SheetError("the workbook's first sheet is empty")
        yield from _rows(header, cells)
    finally:
        wb.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return str(value.date())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(header: list[str], rows: Iterator[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise SheetError(f"unknown columns: {', '.join(unknown)} (expected: {', '.join(COLUMNS)})")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SheetError(f"missing columns: {', '.join(missing)}")
    try:
        for line, values in enumerate(rows, start=2):
            if not any(v.strip() for v in values):
                continue
            if line - 1 > MAX_ROWS:
                raise SheetError(f"at most {MAX_ROWS} rows per import")
            if len(values) > len(names):
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


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula in Excel (CSV injection); a quote makes it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
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
