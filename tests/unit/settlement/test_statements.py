"""The bank statement rules: layouts, amounts, times, dedup keys, invoice references, matching, balance breaks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.settlement.domain import statements as s
from marketplace.settlement.services.statement_files import PREVIEW_CELL, PREVIEW_ROWS, preview_rows, read_statement
from tests.support_bank import ccb_xlsx, icbc_csv, icbc_row


def line(
    amount: int, reference: str = "", serial: str = "1", balance: int | None = None, currency: str = "CNY"
) -> s.Line:
    return s.Line(1, serial, datetime(2026, 3, 2, 1, 0, tzinfo=UTC), amount, balance, currency, "payer", "", reference)


def test_builtin_layouts_are_valid_mappings() -> None:
    for m in s.LAYOUTS.values():
        s.check_mapping(m)


@pytest.mark.parametrize(
    ("mapping", "needle"),
    [
        (s.Mapping(format="ods", booked_at="t", reference="r", amount="a"), "csv or xlsx"),
        (s.Mapping(format="csv", booked_at="", reference="r", amount="a"), "booking time"),
        (s.Mapping(format="csv", booked_at="t", reference="r"), "either one signed amount"),
        (s.Mapping(format="csv", booked_at="t", reference="r", amount="a", debit="d"), "either one signed amount"),
        (s.Mapping(format="csv", booked_at="t", reference="r", debit="d"), "both the debit"),
        (s.Mapping(format="csv", booked_at="t", reference="t", amount="a"), "one field"),
    ],
)
def test_a_bad_mapping_is_refused_with_its_reason(mapping: s.Mapping, needle: str) -> None:
    with pytest.raises(s.StatementError, match=needle):
        s.check_mapping(mapping)


@pytest.mark.parametrize(
    ("text", "fen"), [("1,234.56", 123456), ("¥100", 10000), ("-", 0), ("", 0), ("１２.５", 1250), ("-3.10", -310)]
)
def test_amounts_are_exact_fen(text: str, fen: int) -> None:
    assert s.parse_fen(text, "amount", 2) == fen


@pytest.mark.parametrize("text", ["12.345", "abc", "1e400", "NaN", "99999999999999999"])
def test_amounts_that_are_not_fen_are_refused(text: str) -> None:
    with pytest.raises(s.StatementError):
        s.parse_fen(text, "amount", 7)


def test_booking_times_are_local_china_time() -> None:
    assert s.parse_time("2026-03-02 09:30:00", 1) == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert s.parse_time("2026年3月2日", 1) == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    assert s.parse_time("20260302093000", 1) == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    with pytest.raises(s.StatementError, match="line 4|date"):
        s.parse_time("yesterday", 4)


def test_dedup_key_is_the_serial_or_a_checksum_of_payer_reference_amount_time() -> None:
    assert line(100, serial=" ab 12 ").dedup_key == "sn:AB12"
    a, b = line(100, "INV 1", serial=""), line(100, "inv1", serial="")
    assert a.dedup_key == b.dedup_key  # the same words, typed differently
    assert a.dedup_key != line(101, "INV 1", serial="").dedup_key
    assert len(a.dedup_key) <= 64


def test_references_tolerate_spaces_case_full_width_and_missing_dashes() -> None:
    assert s.references("货款 2026-00012-000034") == ["2026-00012-000034"]
    assert s.references("2026 00012 000034") == ["2026-00012-000034"]
    assert s.references("２０２６－０００１２－００００３４") == ["2026-00012-000034"]
    assert s.references("202600012000034,2026-00012-000035 2026-00012-000034") == [
        "2026-00012-000034",
        "2026-00012-000035",
    ]
    assert s.references("电话 13800138000 订单 12026000120000345") == []  # digits that run on are not a number
    assert s.references("2026-1234567-000001") == ["2026-1234567-000001"]  # a long house id, with its dashes


@given(st.integers(2000, 2099), st.integers(1, 99_999), st.integers(1, 999_999), st.sampled_from([" ", "", "-"]))
def test_any_invoice_number_is_found_however_it_is_spaced(year: int, house: int, seq: int, sep: str) -> None:
    number = f"{year}-{house:05d}-{seq:06d}"
    typed = f"付款 {year}{sep}{house:05d}{sep}{seq:06d} 谢谢".lower()
    assert s.references(typed) == [number]


INV = {
    "2026-00001-000001": s.OpenInvoice("2026-00001-000001", "open", "CNY", 10_000),
    "2026-00001-000002": s.OpenInvoice("2026-00001-000002", "open", "CNY", 5_000),
    "2026-00001-000003": s.OpenInvoice("2026-00001-000003", "paid", "CNY", 0),
    "2026-00001-000004": s.OpenInvoice("2026-00001-000004", "void", "CNY", 9_000),
}


@pytest.mark.parametrize(
    ("amount", "quoted", "outcome", "reason"),
    [
        (10_000, ["2026-00001-000001"], "applied", ""),
        (4_000, ["2026-00001-000001"], "applied", ""),  # a part payment
        (10_001, ["2026-00001-000001"], "queued", "exceeds_balance"),
        (15_000, ["2026-00001-000001", "2026-00001-000002"], "applied", ""),  # an exact split
        (14_999, ["2026-00001-000001", "2026-00001-000002"], "queued", "split_inexact"),
        (100, [], "queued", "no_reference"),
        (100, ["2026-00001-000009"], "queued", "unknown_reference"),
        (100, ["2026-00001-000003"], "flagged", "invoice_paid"),
        (9_000, ["2026-00001-000004"], "flagged", "invoice_void"),
        (-100, ["2026-00001-000001"], "queued", "outflow"),
    ],
)
def test_matching(amount: int, quoted: list[str], outcome: str, reason: str) -> None:
    d = s.match(line(amount), quoted, INV)
    assert (d.outcome, d.reason) == (outcome, reason)
    if outcome == "applied":
        assert sum(f for _, f in d.splits) == amount


def test_a_line_in_another_currency_waits_for_a_person() -> None:
    assert s.match(line(100, currency="USD"), ["2026-00001-000001"], INV).reason == "currency_mismatch"


def test_balance_breaks_show_a_missing_line() -> None:
    lines = [line(100, balance=1_100), line(50, balance=1_150), line(30, balance=1_200), line(-200, balance=1_000)]
    assert s.balance_breaks(1_000, lines) == [(1, 1_180, 1_200)]
    assert s.balance_breaks(None, lines[:2]) == []
    assert s.balance_breaks(999, lines[:1]) == [(1, 1_099, 1_100)]


def test_read_an_icbc_like_gbk_csv_with_title_rows_and_a_total_row() -> None:
    data = icbc_csv(
        [
            icbc_row("SN001", "2026-03-02 09:30:00", "1,000.00", "11,000.00", "货款 2026-00001-000001"),
            icbc_row("SN002", "2026-03-02 10:00:00", "200.00", "10,800.00", "代付", out=True),
        ]
    )
    got = read_statement(data, s.LAYOUTS["icbc-csv"].__dict__)
    assert [(x.serial, x.amount_fen, x.balance_fen, x.currency) for x in got] == [
        ("SN001", 100_000, 1_100_000, "CNY"),
        ("SN002", -20_000, 1_080_000, "CNY"),
    ]
    assert got[0].payer == "某某汽车贸易有限公司"
    assert got[0].line == 4
    assert read_statement(icbc_csv([icbc_row("S", "2026-03-02", "1", "1", "x")], "utf-8-sig"),
                          s.LAYOUTS["icbc-csv"].__dict__)[0].amount_fen == 100  # fmt: skip


def test_read_a_ccb_like_xlsx_with_real_datetimes() -> None:
    local = datetime(2026, 3, 2, 9, 30)  # noqa: DTZ001 - a bank's local time, as Excel keeps it
    data = ccb_xlsx([["CCB9", local, "", 1000.5, 5000, "人民币", "张三", "622", "2026-00001-000001"]])
    (got,) = read_statement(data, s.LAYOUTS["ccb-xlsx"].__dict__)
    assert (got.serial, got.amount_fen, got.balance_fen) == ("CCB9", 100_050, 500_000)
    assert got.booked_at == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def test_a_bad_line_refuses_the_file_and_names_the_line() -> None:
    data = icbc_csv([icbc_row("SN1", "2026-03-02", "abc", "1", "x")])
    with pytest.raises(s.StatementError) as err:
        read_statement(data, s.LAYOUTS["icbc-csv"].__dict__)
    assert err.value.line == 4


def test_a_file_without_the_mapped_header_is_refused() -> None:
    from marketplace.spreadsheets import SheetError

    with pytest.raises(SheetError, match="no header"):
        read_statement(b"a,b\n1,2\n", s.LAYOUTS["icbc-csv"].__dict__)


def test_a_preview_is_the_first_filled_rows_as_text() -> None:
    text = "标题,,\r\n,,\r\n日期,金额,附言\r\n" + "".join(
        f"2026-03-0{n % 9 + 1},{n}.00,{'长' * 100}\r\n" for n in range(40)
    )
    rows = preview_rows(text.encode("gbk"), "csv")
    assert rows[0] == ["标题"]  # trailing empty cells dropped, the blank row skipped
    assert rows[1] == ["日期", "金额", "附言"]
    assert len(rows) == PREVIEW_ROWS
    assert len(rows[2][2]) == PREVIEW_CELL
