"""The submission format for houses not on the platform: a sessions file and a sales file (CSV or XLSX).

    sessions: session_id,auction_house,province,city,kind,held_on
    sales:    sale_id,session_id,auction_house,sold_at,hammer_price_fen,make,make_en,energy_type,
              seller_province,seller_city,buyer_province,buyer_city,transfer

The header row is exactly these columns in this order. A row that cannot be parsed or breaks the format is an
error with its line, column and reason; review rules (`review`) only warn. Ids are keys per house, so the same
file imported twice is the same set of rows. Text arrives as UTF-8 (with or without BOM) or GBK (detected).
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, NamedTuple, cast, get_args

from marketplace.stats.domain.facts import EnergyType, SessionKind

SESSION_COLUMNS = ("session_id", "auction_house", "province", "city", "kind", "held_on")
SALE_COLUMNS = (
    "sale_id", "session_id", "auction_house", "sold_at", "hammer_price_fen", "make", "make_en", "energy_type",
    "seller_province", "seller_city", "buyer_province", "buyer_city", "transfer",
)  # fmt: skip
FileKind = Literal["sessions", "sales"]
ReportedTransfer = Literal["none", "in_province", "cross_province"]
MAX_TEXT = 200
# A hammer price beyond 10^13 fen (1,000 亿元) is not a vehicle; it is refused before it can overflow a column.
MAX_HAMMER_FEN = 10**13
_NO_MOMENT = datetime.min.replace(tzinfo=UTC)  # stands in for a refused value; the row carries the error


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str  # a stable code: missing, too_long, not_integer, not_positive, too_large, bad_choice, ...
    value: str = ""


class SessionRow(NamedTuple):  # a tuple, not a frozen dataclass: built a million times per file, 5× faster
    line: int
    session_id: str
    auction_house: str
    province: str
    city: str
    kind: SessionKind
    held_on: date


class SaleRow(NamedTuple):
    line: int
    sale_id: str
    session_id: str
    auction_house: str
    sold_at: datetime
    hammer_price_fen: int
    make: str
    make_en: str
    energy_type: EnergyType
    seller_province: str
    seller_city: str
    buyer_province: str
    buyer_city: str
    transfer: ReportedTransfer


def columns_of(kind: FileKind) -> tuple[str, ...]:
    return SESSION_COLUMNS if kind == "sessions" else SALE_COLUMNS


def check_header(kind: FileKind, header: Sequence[str | None]) -> list[RowError]:
    got = tuple((h or "").strip().lstrip("\ufeff") for h in header)
    want = columns_of(kind)
    if got == want:
        return []
    return [RowError(1, "header", "bad_header", ",".join(got)[:MAX_TEXT])]


def detect_encoding(head: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the head decodes as UTF-8, else gb18030 (a superset of GBK).

    `head` may end inside a multi-byte character: an incomplete sequence at its very end is not held against it.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


class _Row:
    def __init__(self, line: int, values: Mapping[str, str | None]) -> None:
        self.line = line
        self.values = values
        self.errors: list[RowError] = []

    def text(self, column: str, *, required: bool = True, limit: int | None = MAX_TEXT) -> str:
        raw = self.values.get(column)
        value = "" if raw is None else str(raw).strip()
        if not value and required:
            self.errors.append(RowError(self.line, column, "missing"))
        elif limit is not None and len(value) > limit:
            self.errors.append(RowError(self.line, column, "too_long", value[:40]))
        return value

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        value = self.text(column)
        if value and value not in allowed:
            self.errors.append(RowError(self.line, column, "bad_choice", value[:40]))
        return value

    def integer(self, column: str) -> int:
        value = self.text(column, limit=None)
        if not value:
            return 0
        if not (value.isascii() and value.isdigit()):
            self.errors.append(RowError(self.line, column, "not_integer", value[:40]))
            return 0
        if len(value) > 14 or int(value) > MAX_HAMMER_FEN:
            self.errors.append(RowError(self.line, column, "too_large", value[:40]))
            return 0
        number = int(value)
        if number <= 0:
            self.errors.append(RowError(self.line, column, "not_positive", value))
        return number

    def day(self, column: str) -> date:
        value = self.text(column)
        try:
            return date.fromisoformat(value) if value else date.min
        except ValueError:
            self.errors.append(RowError(self.line, column, "bad_date", value[:40]))
            return date.min

    def moment(self, column: str) -> datetime:
        value = self.text(column)
        if not value:
            return _NO_MOMENT
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.errors.append(RowError(self.line, column, "bad_datetime", value[:40]))
            return _NO_MOMENT
        if parsed.tzinfo is None:
            self.errors.append(RowError(self.line, column, "no_offset", value[:40]))
        return parsed


def parse_session(line: int, values: Mapping[str, str | None]) -> SessionRow | list[RowError]:
    row = _Row(line, values)
    parsed = SessionRow(
        line,
        row.text("session_id"),
        row.text("auction_house"),
        row.text("province"),
        row.text("city"),
        cast(SessionKind, row.choice("kind", get_args(SessionKind))),
        row.day("held_on"),
    )
    return row.errors or parsed


def parse_sale(line: int, values: Mapping[str, str | None]) -> SaleRow | list[RowError]:
    row = _Row(line, values)
    parsed = SaleRow(
        line,
        row.text("sale_id"),
        row.text("session_id"),
        row.text("auction_house"),
        row.moment("sold_at"),
        row.integer("hammer_price_fen"),
        row.text("make"),
        row.text("make_en", required=False),
        cast(EnergyType, row.choice("energy_type", get_args(EnergyType))),
        row.text("seller_province"),
        row.text("seller_city"),
        row.text("buyer_province", required=False),
        row.text("buyer_city", required=False),
        cast(ReportedTransfer, row.choice("transfer", get_args(ReportedTransfer))),
    )
    return row.errors or parsed


# The fast path: a well-formed row (the near-totality of a real file) is checked with a few comparisons and
# built directly; the first doubt sends it down the column-by-column path above, which finds the exact errors.
# Both accept exactly the same rows (`tests/unit/stats/test_rows_and_review.py` checks that they agree).
_KINDS = frozenset(get_args(SessionKind))
ENERGIES = frozenset(get_args(EnergyType))
TRANSFERS = frozenset(get_args(ReportedTransfer))


def _long(cells: list[str]) -> bool:
    # The price is one of the cells but never reaches this test above 14 characters.
    return max(map(len, cells)) > MAX_TEXT


def parse_session_cells(line: int, cells: Sequence[str | None]) -> SessionRow | list[RowError]:
    """`parse_session` on the cells of a row in `SESSION_COLUMNS` order."""
    try:
        key, house, province, city, kind, held_on = (c.strip() for c in cells)  # type: ignore[union-attr]
        if (
            key
            and house
            and province
            and city
            and kind in _KINDS
            and held_on
            and not _long([key, house, province, city, held_on])
        ):
            return SessionRow(line, key, house, province, city, cast(SessionKind, kind), date.fromisoformat(held_on))
    except (AttributeError, ValueError):
        pass
    return parse_session(line, dict(zip(SESSION_COLUMNS, cells, strict=False)))


def parse_sale_cells(line: int, cells: Sequence[str | None]) -> SaleRow | list[RowError]:
    """`parse_sale` on the cells of a row in `SALE_COLUMNS` order."""
    try:
        stripped = [c.strip() for c in cells]  # type: ignore[union-attr]
        (sale_id, session_id, house, sold_at, fen, make, make_en, energy, seller_province, seller_city,
         buyer_province, buyer_city, transfer) = stripped  # fmt: skip
        if (
            sale_id and session_id and house and sold_at and make and seller_province and seller_city
            and energy in ENERGIES and transfer in TRANSFERS and fen.isascii() and fen.isdigit() and len(fen) <= 14
        ):  # fmt: skip
            price = int(fen)
            moment = datetime.fromisoformat(sold_at)
            if 0 < price <= MAX_HAMMER_FEN and moment.tzinfo is not None and not _long(stripped):
                return SaleRow(line, sale_id, session_id, house, moment, price, make, make_en,
                               cast(EnergyType, energy), seller_province, seller_city, buyer_province, buyer_city,
                               cast(ReportedTransfer, transfer))  # fmt: skip
    except (AttributeError, ValueError):
        pass
    return parse_sale(line, dict(zip(SALE_COLUMNS, cells, strict=False)))
