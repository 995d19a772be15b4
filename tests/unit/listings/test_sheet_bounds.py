"""Hostile spreadsheets are refused by their bounds while they stream, in a fraction of a second.

The files are tiny (a few kB to a few hundred kB) and unpack or pad into millions of rows, columns or
strings; each is refused with SheetTooLarge (413 `sheet_too_large`) or SheetError (422 `invalid_file`).
"""

from __future__ import annotations

import time

import pytest

from listings.domain import sheets
from tests import support_sheets as hostile


def _refused(data: bytes, fmt: str = "xlsx") -> tuple[sheets.SheetError, float]:
    started = time.process_time()
    with pytest.raises(sheets.SheetError) as exc:
        sheets.read(data, fmt)
    return exc.value, time.process_time() - started


def test_rows_padded_to_three_million_are_refused_at_the_row_bound() -> None:
    data = hostile.sparse_rows_xlsx(3_000_000)
    assert len(data) < 30_000
    error, cpu = _refused(data)
    assert isinstance(error, sheets.SheetTooLarge)
    assert "line 10,000" in str(error)
    assert cpu < 2.0


def test_written_out_empty_rows_are_refused() -> None:
    data = hostile.empty_rows_xlsx(300_000)
    assert len(data) < 1024 * 1024  # fits the request body limit
    error, _ = _refused(data)
    assert isinstance(error, sheets.SheetTooLarge)


def test_blank_csv_lines_count_towards_the_bound() -> None:
    data = b"vin,make,model,energy_type,price_yuan\n" + b"\n" * 500_000
    error, cpu = _refused(data, "csv")
    assert isinstance(error, sheets.SheetTooLarge)
    assert cpu < 1.0


def test_too_many_columns_are_refused() -> None:
    header = ",".join([*hostile.HEADER, *[f"c{n}" for n in range(sheets.MAX_COLUMNS)]])
    error, _ = _refused(header.encode() + b"\n", "csv")
    assert isinstance(error, sheets.SheetTooLarge)
    wide_cell = b"vin,make,model,energy_type,price_yuan\n" + b"V,M,M,ice,1" + b"," * 100 + b"x\n"
    error, _ = _refused(wide_cell, "csv")
    assert "more cells than the header" in str(error)


def test_shared_strings_are_counted_as_they_stream() -> None:
    error, _ = _refused(hostile.shared_strings_xlsx(sheets.MAX_SHARED_STRINGS + 1))
    assert isinstance(error, sheets.SheetTooLarge)
    assert "distinct texts" in str(error)


def test_zip_bomb_is_refused_from_the_declared_sizes_before_unpacking() -> None:
    data = hostile.zip_bomb_xlsx(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    error, cpu = _refused(data)
    assert isinstance(error, sheets.SheetTooLarge)
    assert "unpacks to" in str(error)
    assert cpu < 0.5  # nothing was inflated


def test_a_member_lying_about_its_size_fails_while_streaming() -> None:
    error, _ = _refused(hostile.lying_sizes_xlsx())
    assert not isinstance(error, sheets.SheetTooLarge)
    assert "not an XLSX" in str(error)


def test_control_characters_are_refused_on_import_and_dropped_on_export() -> None:
    _, problems = sheets.row_to_input({"vin": "V", "make": "M", "model": "M", "energy_type": "ice",
                                       "price_yuan": "1", "title": "bad\x0btitle"})  # fmt: skip
    assert problems == [("title", "contains a control character", "row_control_character")]
    data = sheets.write_xlsx([{"vin": "V1", "title": "a\x00b\x1fc", "description": "line\nbreak\ttab"}])
    rows = dict(sheets.read(data, "xlsx"))
    assert rows[2]["title"] == "abc"
    assert rows[2]["description"] == "line\nbreak\ttab"


def test_csv_export_neutralises_leading_tab_and_carriage_return() -> None:
    data = sheets.write_csv([{"vin": "V", "title": "\t=1+2", "description": "\r@SUM(A1)"}]).decode("utf-8-sig")
    assert "'\t=1+2" in data
    assert "'\r@SUM(A1)" in data
