from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.stats.domain.review import MonthlyReturn, month_outliers, return_warnings, sale_warnings
from marketplace.stats.domain.rows import (
    SALE_COLUMNS,
    SESSION_COLUMNS,
    RowError,
    SaleRow,
    SessionRow,
    check_header,
    detect_encoding,
    parse_sale,
    parse_sale_cells,
    parse_session,
    parse_session_cells,
)

GOOD_SALE = {
    "sale_id": "S-1", "session_id": "P-1", "auction_house": "宁波拍卖", "sold_at": "2024-01-01T00:30:00+08:00",
    "hammer_price_fen": "4527100", "make": "比亚迪", "make_en": "BYD", "energy_type": "BEV",
    "seller_province": "浙江", "seller_city": "宁波", "buyer_province": "江苏", "buyer_city": "南京",
    "transfer": "cross_province",
}  # fmt: skip


def test_a_good_sale_row() -> None:
    row = parse_sale(2, GOOD_SALE)
    assert isinstance(row, SaleRow)
    assert (row.hammer_price_fen, row.energy_type, row.transfer) == (4_527_100, "BEV", "cross_province")
    assert row.sold_at == datetime(2023, 12, 31, 16, 30, tzinfo=UTC)


def test_a_utc_stamped_row_is_accepted() -> None:
    row = parse_sale(2, {**GOOD_SALE, "sold_at": "2023-12-31T16:30:00Z"})
    assert isinstance(row, SaleRow)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("hammer_price_fen", "45271.00", "not_integer"),
        ("hammer_price_fen", "-5", "not_integer"),
        ("hammer_price_fen", "0", "not_positive"),
        ("hammer_price_fen", "9" * 5000, "too_large"),
        ("hammer_price_fen", "４５", "not_integer"),  # full-width digits are not an integer of this format
        ("energy_type", "EV", "bad_choice"),
        ("transfer", "unknown", "bad_choice"),
        ("sold_at", "2024-01-01 00:30", "no_offset"),
        ("sold_at", "yesterday", "bad_datetime"),
        ("sale_id", "", "missing"),
        ("make", "x" * 201, "too_long"),
    ],
)
def test_each_bad_cell_is_named_with_line_column_and_reason(column: str, value: str, reason: str) -> None:
    errors = parse_sale(7, {**GOOD_SALE, column: value})
    assert isinstance(errors, list)
    assert [(e.line, e.column, e.reason) for e in errors] == [(7, column, reason)]


def test_sessions() -> None:
    good = {"session_id": "P-1", "auction_house": "宁波拍卖", "province": "浙江", "city": "宁波", "kind": "hybrid",
            "held_on": "2023-05-01"}  # fmt: skip
    assert isinstance(parse_session(2, good), SessionRow)
    bad = parse_session(3, {**good, "kind": "mixed", "held_on": "2023-02-30"})
    assert bad == [RowError(3, "kind", "bad_choice", "mixed"), RowError(3, "held_on", "bad_date", "2023-02-30")]


def test_the_header_is_exact_and_a_bom_is_tolerated() -> None:
    assert check_header("sales", ["\ufeffsale_id", *SALE_COLUMNS[1:]]) == []
    assert check_header("sales", list(reversed(SALE_COLUMNS)))[0].reason == "bad_header"
    assert check_header("sessions", list(SALE_COLUMNS))[0].reason == "bad_header"


def test_encodings_are_detected() -> None:
    text = "sale_id,auction_house\nS-1,宁波市拍卖行\n"
    assert detect_encoding(text.encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("utf-8")[:-3]) == "utf-8"  # a head cut inside a character


def test_review_warnings() -> None:
    row = parse_sale(2, GOOD_SALE)
    assert isinstance(row, SaleRow)
    assert sale_warnings(row, date(2024, 1, 2)) == []  # within a day of its session, on a Beijing clock
    assert [w.code for w in sale_warnings(row, date(2023, 12, 29))] == ["sale_outside_session"]
    cheap = parse_sale(2, {**GOOD_SALE, "hammer_price_fen": "5000"})
    assert isinstance(cheap, SaleRow)
    assert [w.code for w in sale_warnings(cheap, None)] == ["price_implausible"]
    outliers = month_outliers({"2023-01": 400, "2023-02": 30, "2023-03": 100}, {"2022-01": 100, "2022-02": 100})
    assert [w.subject for w in outliers] == ["2023-01", "2023-02"]


def test_a_monthly_return_whose_parts_disagree() -> None:
    ret = MonthlyReturn("2023-05", 3, 1, 10, 45_000_000, 11, 1_000_000, 4, 7, {"<5万": 9})
    assert {w.detail for w in return_warnings(ret)} == {
        "units by price band name exactly the four bands",
        "units by price band do not add up to units",
        "BEV units exceed units",
        "transfers exceed units",
    }


_SALE_CELLS = st.one_of(
    st.sampled_from(["", " ", "S-1", "0", "-5", "4527100", "99999999999999", "100000000000001", "４５", "BEV", "ICE",
                     "none", "in_province", "unknown", "2024-01-01T00:30:00+08:00", "2023-12-31T16:30:00Z",
                     "2024-01-01 00:30", "yesterday", "x" * 201, " 浙江 "]),
    st.text(max_size=5),
)  # fmt: skip


@given(st.lists(_SALE_CELLS, min_size=len(SALE_COLUMNS), max_size=len(SALE_COLUMNS)))
@settings(max_examples=300, deadline=None)
def test_the_fast_path_accepts_and_refuses_exactly_what_the_column_checks_do(cells: list[str]) -> None:
    assert parse_sale_cells(4, cells) == parse_sale(4, dict(zip(SALE_COLUMNS, cells, strict=True)))
    good = [GOOD_SALE[c] for c in SALE_COLUMNS]
    for i, cell in enumerate(cells):  # each cell alone in an otherwise good row
        one = [*good[:i], cell, *good[i + 1 :]]
        assert parse_sale_cells(4, one) == parse_sale(4, dict(zip(SALE_COLUMNS, one, strict=True)))


@given(st.lists(st.sampled_from(["", "P-1", "online", "hybrid", "mixed", "2023-05-01", "2023-02-30", "x" * 201]),
                min_size=len(SESSION_COLUMNS), max_size=len(SESSION_COLUMNS)))  # fmt: skip
def test_the_fast_session_path_agrees_with_the_column_checks(cells: list[str]) -> None:
    assert parse_session_cells(2, cells) == parse_session(2, dict(zip(SESSION_COLUMNS, cells, strict=True)))
