"""Monthly returns in the levels, a return's consistency rules, and the outlier boundary."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import pytest

from marketplace.stats.domain.facts import House, SaleFact
from marketplace.stats.domain.figures import ReturnFigures, add_returns, compute
from marketplace.stats.domain.periods import CST, Period
from marketplace.stats.domain.report import build
from marketplace.stats.domain.review import MonthlyReturn, is_outlier, return_warnings

HOUSE = House("7", "宁波市机动车拍卖行", "浙江", "宁波")
BANDS = {"<5万": 6, "5-10万": 2, "10-20万": 1, "≥20万": 1}


def figures(month: str = "2023-05", **over: object) -> ReturnFigures:
    base: dict[str, object] = {
        "house": HOUSE,
        "month": month,
        "sessions_online": 3,
        "sessions_onsite": 1,
        "units": 10,
        "turnover_fen": 50_000_000,
        "bev_units": 2,
        "bev_turnover_fen": 8_000_000,
        "transfer_in_province": 3,
        "transfer_cross_province": 2,
        "units_by_band": dict(BANDS),
    }
    return ReturnFigures(**{**base, **over})  # type: ignore[arg-type]


def test_a_return_adds_to_every_figure_it_carries_and_averages_come_from_the_sums() -> None:
    sale = SaleFact("S-1", House("8", "另一家"), "P", datetime(2023, 5, 6, 10, tzinfo=CST), 10_000_000, "丰田", "ICE",
                    "浙江", "杭州", "unknown")  # fmt: skip
    levels = compute(Period.whole_year(2023), [sale], [])
    add_returns(levels, [figures(), figures("2024-01")])  # January 2024 is outside the period
    assert (levels.units, levels.turnover_fen) == (11, 60_000_000)
    assert levels.average_fen == Fraction(60_000_000, 11)
    assert (levels.sessions, levels.online_sessions) == (4, 3)
    assert (levels.energy["BEV"].units, levels.energy["BEV"].turnover_fen) == (2, 8_000_000)
    assert levels.bands["<5万"].units == 6 and levels.bands["10-20万"].units == 2  # noqa: PT018
    assert levels.high_price_units == 1
    assert (levels.transfer_in_province, levels.transfer_cross_province, levels.transfer_none) == (3, 2, 5)
    assert levels.transfer_unknown == 1  # the row-level sale; a return has no "unknown"
    assert levels.houses_active == 2
    assert levels.months["2023-05"].units == 11
    assert levels.provinces["浙江"].units == 11  # the return counts in its house's province
    report = build(levels, None)
    assert report.rankings.units[0].house == "宁波市机动车拍卖行"
    assert report.rankings.turnover[0].turnover_fen == 50_000_000


def test_a_return_with_no_sale_counts_its_sessions_but_no_active_house() -> None:
    levels = compute(Period.whole_year(2023), [], [])
    add_returns(levels, [figures(units=0, turnover_fen=0, bev_units=0, bev_turnover_fen=0, transfer_in_province=0,
                                 transfer_cross_province=0, units_by_band=dict.fromkeys(BANDS, 0))])  # fmt: skip
    assert (levels.sessions, levels.units, levels.houses_active) == (4, 0, 0)


def ret(**over: object) -> MonthlyReturn:
    base: dict[str, object] = {
        "month": "2023-05",
        "sessions_online": 3,
        "sessions_onsite": 1,
        "units": 10,
        "turnover_fen": 50_000_000,
        "bev_units": 2,
        "bev_turnover_fen": 8_000_000,
        "transfer_in_province": 3,
        "transfer_cross_province": 2,
        "units_by_band": dict(BANDS),
    }
    return MonthlyReturn(**{**base, **over})  # type: ignore[arg-type]


def test_return_consistency() -> None:
    assert return_warnings(ret()) == []
    assert [w.detail for w in return_warnings(ret(units_by_band={**BANDS, "<5万": 5}))] == [
        "units by price band do not add up to units"
    ]
    assert len(return_warnings(ret(units_by_band={"<5万": 10}))) == 1  # every band named
    assert len(return_warnings(ret(bev_units=11))) == 1
    assert len(return_warnings(ret(bev_turnover_fen=50_000_001))) == 1
    assert len(return_warnings(ret(transfer_in_province=8, transfer_cross_province=3))) == 1
    assert return_warnings(ret(transfer_in_province=8, transfer_cross_province=2)) == []  # exactly all: fine


@pytest.mark.parametrize(
    ("value", "base", "flagged"),
    [(300, 100, False), (301, 100, True), (34, 100, False), (33, 100, True), (100, 300, False), (99, 300, True),
     (10**9, 0, False), (0, 1, True)],
)  # fmt: skip
def test_the_outlier_boundary_is_not_flagged(value: int, base: int, flagged: bool) -> None:
    assert is_outlier(value, base) is flagged


def test_the_outlier_factor_is_configurable() -> None:
    assert is_outlier(301, 100, factor=4) is False
    assert is_outlier(401, 100, factor=4) is True
