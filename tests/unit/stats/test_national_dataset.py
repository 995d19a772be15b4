"""The calibrated national dataset reproduces the published 2023 headline table from its rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.stats import dataset
from marketplace.stats.domain.figures import Levels, compute
from marketplace.stats.domain.periods import Period
from marketplace.stats.domain.report import Report, build, rankings
from marketplace.stats.domain.rounding import percent, pp, wan_units, wan_yuan, yi_yuan


def _levels(targets: dataset.YearTargets) -> Levels:
    sessions, sales = dataset.year(targets)
    return compute(Period.whole_year(targets.year), sales, sessions)


@pytest.fixture(scope="module")
def base() -> Levels:
    return _levels(dataset.Y2022)


@pytest.fixture(scope="module")
def report(base: Levels) -> Report:
    return build(_levels(dataset.Y2023), base, rankings(base))


def test_the_2023_headline_table_as_published(report: Report) -> None:
    lv, yoy = report.levels, report.yoy
    assert lv.units >= 702_500
    assert (yi_yuan(lv.turnover_fen), wan_units(lv.units)) == (Decimal("318.03"), Decimal("70.25"))
    assert lv.average_fen is not None
    assert yoy.average is not None
    assert (wan_yuan(lv.average_fen), percent(yoy.average)) == (Decimal("4.53"), Decimal("7.09"))
    assert lv.houses_active == 402
    assert lv.transfer_ratio is not None
    assert yoy.transfer_ratio_pp is not None
    assert (percent(lv.transfer_ratio), pp(yoy.transfer_ratio_pp)) == (Decimal("56.52"), Decimal("15.54"))
    bev = lv.energy["BEV"]
    assert yoy.bev_units is not None
    assert (wan_units(bev.units), yi_yuan(bev.turnover_fen), percent(yoy.bev_units)) == (
        Decimal("4.26"), Decimal("21.39"), Decimal("149.59"),
    )  # fmt: skip
    assert lv.online_share is not None
    assert (lv.online_sessions, percent(lv.online_share)) == (39_074, Decimal("76.70"))
    assert yoy.high_price_share_pp is not None
    assert yoy.high_price_share_pp > 0


def test_both_kinds_of_transfer_rose_and_the_rankings_move(report: Report, base: Levels) -> None:
    lv = report.levels
    assert lv.transfer_in_province_ratio > base.transfer_in_province_ratio  # type: ignore[operator]
    assert lv.transfer_cross_province_ratio > base.transfer_cross_province_ratio  # type: ignore[operator]
    assert len(report.rankings.units) == len(report.rankings.turnover) == 30
    units, turnover = report.rankings.units, report.rankings.turnover
    assert units[0].house_key == turnover[0].house_key  # one house led both lists
    assert units[0].movement == 0
    assert units[1].movement is not None
    assert units[1].movement > 0  # and the runner-up of both had risen
    assert turnover[1].house_key == units[1].house_key
    assert sum(t.units for t in lv.bands.values()) == lv.units
    assert set(lv.months) == {f"2023-{m:02d}" for m in range(1, 13)}


def test_the_dataset_is_deterministic() -> None:
    first = [s.hammer_fen for s, _ in zip(dataset.year(dataset.Y2022)[1], range(500), strict=False)]
    again = [s.hammer_fen for s, _ in zip(dataset.year(dataset.Y2022)[1], range(500), strict=False)]
    assert first == again
