"""The first pass's fused path for a sales row (`firstpass.fast_sale`) takes only rows the full path accepts with
no warning, and stages exactly what the full path stages; any other row is left to the full path untouched."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.stats.domain.rows import SALE_COLUMNS, SaleRow, parse_sale_cells
from marketplace.stats.services import firstpass, upserts
from marketplace.stats.services.firstpass import ImportReport, Known, Upload, digest, fast_sale, validate

HOUSE = "宁波拍卖"
GOOD = ["S-1", "P-1", HOUSE, "2023-12-31T16:30:00Z", "4527100", "比亚迪", "BYD", "BEV", "浙江", "宁波", "江苏",
        "南京", "cross_province"]  # fmt: skip
_CELLS = st.one_of(
    st.sampled_from(["", " ", "S-1", "S-2", "P-1", "P-2", HOUSE, "别家", "0", "99999", "100000", "4527100",
                     "1000000000", "1000000001", "99999999999999", "４５", "BEV", "ICE", "none", "in_province",
                     "2024-01-01T00:30:00+08:00", "2023-12-31T16:30:00Z", "2023-12-31T16:30:00.5Z",
                     "2023-12-31T16:30:00+00:00", "2023-12-29T16:30:00Z", "2024-01-02T16:30:00Z",
                     "2023-W52-7T16:30:00Z", "20231231T163000Z", "2024-01-01 00:30", "2023-12-31T16:30Z",
                     "yesterday", "x" * 201, " 浙江 "]),
    st.text(max_size=4),
)  # fmt: skip


def _known(returned: bool) -> Known:
    known = Known({HOUSE}, {digest(HOUSE, "P-1"): date(2024, 1, 1), digest(HOUSE, "P-2"): date(2023, 6, 1)})
    if returned:
        known.returns.add(digest(HOUSE, "2024-01"))
    return known


def _full(cells: list[str], known: Known, seen: set[int]) -> tuple[Any, ...] | None:
    """What the full path stages for the row, or None when it refuses or warns."""
    report = ImportReport()
    row = parse_sale_cells(7, cells)
    if not isinstance(row, SaleRow) or not firstpass._check_sale(7, row, known, seen, report) or report.warnings:
        return None
    return (row.auction_house, row.sale_id, *upserts.sale_values(row))


@given(st.lists(_CELLS, min_size=len(SALE_COLUMNS), max_size=len(SALE_COLUMNS)), st.booleans(), st.booleans())
@settings(max_examples=400, deadline=None)
def test_the_fused_path_stages_what_the_full_path_stages(cells: list[str], returned: bool, repeat: bool) -> None:
    for row in [cells] + [[*GOOD[:i], cell, *GOOD[i + 1 :]] for i, cell in enumerate(cells)]:
        known = _known(returned)
        seen = {digest(HOUSE, "S-1")} if repeat else set()
        before = set(seen)
        fast = fast_sale(row, known, seen)
        if fast is None:
            assert seen == before  # nothing changed: the full path sees the row afresh
        else:
            assert fast == _full(row, _known(returned), set(before))


# Every form fromisoformat reads, 20 characters long and ending in Z included: only the first is staged by slicing.
@pytest.mark.parametrize("moment", ["2023-12-31T16:30:00Z", "2024-01-01T00:30:00+08:00", "2023-12-31T16:30:00.250Z",
                                    "2023-W52-7T16:30:00Z", "20231231T163000Z", "2023-12-31T16:30Z",
                                    "2023-12-31T163000Z", "2023-12-31 16:30:00Z",
                                    "2023-12-31T16:30:00+00:00", "2023-12-31T11:30:00-05:00"])  # fmt: skip
def test_a_good_row_takes_the_fused_path(moment: str) -> None:
    row = [*GOOD[:3], moment, *GOOD[4:]]
    fast = fast_sale(row, _known(False), set())
    assert fast is not None
    assert fast == _full(row, _known(False), set())


def test_a_file_checks_the_same_with_and_without_the_fused_path(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = "session_id,auction_house,province,city,kind,held_on\nP-1,宁波拍卖,浙江,宁波,online,2024-01-01\n"
    lines = [",".join(SALE_COLUMNS)]
    for i, (moment, fen, session) in enumerate([("2023-12-31T16:30:00Z", "4527100", "P-1"), ("2023-12-31T16:30:00Z",
        "50", "P-1"), ("2023-06-01T00:00:00Z", "4527100", "P-1"), ("2023-12-31T16:30:00", "4527100", "P-1"),
        ("2023-12-31T16:30:00Z", "4527100", "P-9"), ("2023-12-31T16:30:00+08:00", "x", "P-1")]):  # fmt: skip
        lines.append(f"S-{i},{session},宁波拍卖,{moment},{fen},比亚迪,BYD,BEV,浙江,宁波,江苏,南京,none")
    lines.append(lines[1])  # a repeated id
    sales = "\n".join(lines) + "\n"

    def check() -> tuple[ImportReport, list[Any]]:
        sent: list[Any] = []
        report = ImportReport()
        files = Upload(lambda: io.BytesIO(sessions.encode()), "csv"), Upload(lambda: io.BytesIO(sales.encode()), "csv")
        validate(*files, Known(set(), {}), report, firstpass._Outbox(sent.append))
        return report, sent

    fused = check()
    monkeypatch.setattr(firstpass, "fast_sale", lambda *args: None)
    full = check()
    assert fused == full
    report = fused[0]
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (5, "sales:sold_at", "no_offset"), (6, "sales:session_id", "unknown_session"),
        (7, "sales:hammer_price_fen", "not_integer"), (8, "sales:sale_id", "duplicate_id"),
    ]  # fmt: skip
    assert {w.code for w in report.warnings} == {"price_implausible", "sale_outside_session"}
