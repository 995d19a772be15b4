"""Pure rules of the buyer's side and of session results: standing, amount due, phase, results, CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from auctions.domain import buyer, results
from auctions.domain.condition import condition_summary
from auctions.domain.results import LotBrief


@pytest.mark.parametrize(
    ("status", "leader", "took_part", "want"),
    [
        ("open", "101", True, "leading"),
        ("open", "102", True, "outbid"),
        ("paused", "101", True, "leading"),
        ("sold", "101", True, "won"),
        ("sold", "102", True, "lost"),
        ("conditional", "101", True, "pending"),
        ("countered", "102", True, "lost"),
        ("passed", "101", True, "lost"),
        ("open", "101", False, None),
    ],
)
def test_standing(status: str, leader: str, took_part: bool, want: str | None) -> None:
    assert buyer.standing(status, leader, "101", took_part) == want


def test_amount_due_counts_a_confirmed_deposit_never_beyond_the_total() -> None:
    assert buyer.amount_due(600_000, 30_000, 500_000, True) == buyer.Due(630_000, 500_000, 130_000)
    assert buyer.amount_due(100_000, 5_000, 500_000, True) == buyer.Due(105_000, 105_000, 0)
    assert buyer.amount_due(100_000, 5_000, 500_000, False) == buyer.Due(105_000, 0, 105_000)
    assert buyer.amount_due(100_000, 5_000, -3, True).deposit_applied == 0


def test_next_steps() -> None:
    assert buyer.next_steps("buyer", 1) == ["pay_balance", "collect_vehicle"]
    assert buyer.next_steps("buyer", 0) == ["collect_vehicle"]
    assert buyer.next_steps("seller", 5) == ["await_payment", "hand_over_vehicle"]
    assert buyer.next_steps("house", 5) == ["confirm_payment", "release_vehicle"]


NOW = 1_000_000


@pytest.mark.parametrize(
    ("status", "lots", "starts_at", "want"),
    [
        ("draft", [LotBrief("scheduled")], NOW - 1, "draft"),
        ("published", [LotBrief("open", NOW + 60_000)], NOW + 60_000, "upcoming"),  # timed, not yet taking bids
        ("published", [LotBrief("open", NOW - 1)], NOW - 1, "live"),
        ("published", [LotBrief("scheduled")], NOW + 60_000, "upcoming"),  # live session before its start
        ("published", [LotBrief("scheduled")], NOW - 1, "live"),  # started, auctioneer about to open
        ("published", [LotBrief("sold"), LotBrief("scheduled")], NOW + 60_000, "live"),  # between lots
        ("published", [LotBrief("sold"), LotBrief("passed")], NOW - 1, "ended"),
        ("published", [LotBrief("sold"), LotBrief("conditional")], NOW - 1, "ended"),  # bidding is over
    ],
)
def test_phase(status: str, lots: list[LotBrief], starts_at: int, want: str) -> None:
    assert results.phase(status, lots, starts_at, NOW) == want


def test_results_count_and_round_the_sell_through_rate_half_up() -> None:
    r = results.results(["sold", "passed", "passed", "conditional", "open", "sold"], [600_000, 1_250_050])
    assert (r.lots, r.sold, r.unsold, r.pending, r.turnover) == (6, 2, 2, 1, 1_850_050)
    assert r.sell_through_bp == 3333  # 33.333… %
    assert results.results(["sold", "passed", "passed"], [1]).sell_through_bp == 3333
    assert results.results(["sold", "sold", "passed"], [1, 1]).sell_through_bp == 6667  # 66.666… rounds up
    assert results.results([], []).sell_through_bp == 0
    assert isinstance(r.turnover, int)


def test_yuan_is_exact() -> None:
    assert [results.yuan(f) for f in (0, 5, 123_456, 10**15 + 1, -250)] == [
        "0.00", "0.05", "1234.56", "10000000000000.01", "-2.50",
    ]  # fmt: skip
    assert results.yuan(None) == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_stay_text(start: str) -> None:
    data = results.results_csv([{"lot": 1, "vehicle": f"{start}HYPERLINK(1)", "status": "sold"}])
    assert data.startswith("\ufeff".encode())
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["vehicle"] == f"'{start}HYPERLINK(1)"
    assert row["lot"] == "1"  # numbers are not quoted


def test_condition_summary() -> None:
    items = [
        {"item": "前保险杠", "grade": "C", "note": "划痕"},
        {"item": "发动机", "grade": "A", "note": ""},
        {"item": "底盘", "grade": "E", "note": "锈"},
        {"item": "?", "grade": "", "note": ""},
    ]
    s = condition_summary("B 级", items, {"flood": True})
    assert (s["text"], s["items"], s["worst_grade"]) == ("B 级", 3, "E")
    assert [f["item"] for f in s["flagged"]] == ["前保险杠", "底盘"]
    assert (s["accident"], s["flood"], s["fire"]) == (False, True, False)
    assert condition_summary("", [], {})["worst_grade"] is None
