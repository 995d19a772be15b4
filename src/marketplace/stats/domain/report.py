"""The report document of one period: the headline levels, breakdowns, the two rankings and growth.

Everything here is unrounded (money in fen, ratios as fractions); presentation rounds (`rounding`). Growth is
computed from the levels passed in, which must come from one and the same version of the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from marketplace.stats.domain.figures import Levels
from marketplace.stats.domain.growth import change, points
from marketplace.stats.domain.ranking import RankRow, positions, rank

TOP = 30


@dataclass(frozen=True)
class Rankings:
    units: list[RankRow]
    turnover: list[RankRow]

    def positions(self) -> tuple[dict[str, int], dict[str, int]]:
        return positions(self.units), positions(self.turnover)


def rankings(
    levels: Levels, previous: Rankings | None = None, size: int = TOP, hidden: frozenset[str] = frozenset()
) -> Rankings:
    """The two top-`size` lists; houses in `hidden` (suppressed small cells of a public release) are left out, so
    the lists rank the houses whose figures may be published."""
    before_units, before_turnover = previous.positions() if previous else ({}, {})
    houses = {key: t for key, t in levels.houses.items() if key not in hidden} if hidden else levels.houses
    return Rankings(
        rank(houses, levels.house_names, "units", size=size, previous=before_units),
        rank(houses, levels.house_names, "turnover", size=size, previous=before_turnover),
    )


@dataclass(frozen=True)
class Growth:
    turnover: Fraction | None
    units: Fraction | None
    average: Fraction | None
    bev_units: Fraction | None
    bev_turnover: Fraction | None
    transfer_ratio_pp: Fraction | None
    online_share_pp: Fraction | None
    high_price_share_pp: Fraction | None


def growth(current: Levels, base: Levels | None) -> Growth:
    if base is None:
        return Growth(None, None, None, None, None, None, None, None)
    return Growth(
        turnover=change(current.turnover_fen, base.turnover_fen),
        units=change(current.units, base.units),
        average=change(current.average_fen, base.average_fen),
        bev_units=change(current.energy["BEV"].units, base.energy["BEV"].units),
        bev_turnover=change(current.energy["BEV"].turnover_fen, base.energy["BEV"].turnover_fen),
        transfer_ratio_pp=points(current.transfer_ratio, base.transfer_ratio),
        online_share_pp=points(current.online_share, base.online_share),
        high_price_share_pp=points(current.high_price_share, base.high_price_share),
    )


@dataclass(frozen=True)
class Report:
    levels: Levels
    rankings: Rankings
    yoy: Growth
    monthly_mom: dict[str, Fraction | None] = field(default_factory=dict)
    monthly_yoy: dict[str, Fraction | None] = field(default_factory=dict)

    def headline(self) -> dict[str, Any]:
        """The fields of `GET /api/stats/annual/{year}` that the levels carry, unrounded."""
        lv = self.levels

        def ranked(rows: list[RankRow]) -> list[dict[str, Any]]:
            return [
                {
                    "rank": r.rank,
                    "house": r.house,
                    "units": r.units,
                    "turnover_fen": r.turnover_fen,
                    "previous_rank": r.previous_rank,
                }  # fmt: skip
                for r in rows
            ]

        return {
            "turnover_fen": lv.turnover_fen,
            "units": lv.units,
            "average_fen": lv.average_fen,
            "houses_active": lv.houses_active,
            "units_20wan_plus_share": lv.high_price_share,
            "transfer_ratio": lv.transfer_ratio,
            "transfer_in_province": lv.transfer_in_province_ratio,
            "transfer_cross_province": lv.transfer_cross_province_ratio,
            "transfer_unknown": lv.transfer_unknown,
            "bev_units": lv.energy["BEV"].units,
            "bev_turnover_fen": lv.energy["BEV"].turnover_fen,
            "energy": {k: {"units": t.units, "turnover_fen": t.turnover_fen} for k, t in lv.energy.items()},
            "sessions": lv.sessions,
            "online_sessions": lv.online_sessions,
            "online_share": lv.online_share,
            "price_bands_units": {k: t.units for k, t in lv.bands.items()},
            "top30_units": ranked(self.rankings.units),
            "top30_turnover": ranked(self.rankings.turnover),
            "monthly": {k: {"units": t.units, "turnover_fen": t.turnover_fen} for k, t in sorted(lv.months.items())},
            "yoy": {
                "turnover": self.yoy.turnover,
                "units": self.yoy.units,
                "average": self.yoy.average,
                "bev_units": self.yoy.bev_units,
                "bev_turnover": self.yoy.bev_turnover,
                "transfer_ratio_pp": self.yoy.transfer_ratio_pp,
                "online_share_pp": self.yoy.online_share_pp,
            },
        }


def build(
    current: Levels,
    base: Levels | None,
    base_rankings: Rankings | None = None,
    hidden_houses: frozenset[str] = frozenset(),
) -> Report:
    """The report of `current` against `base` (the same period a year earlier, same version), or alone; houses in
    `hidden_houses` are left out of the rankings."""
    months_before = base.months if base else {}
    mom: dict[str, Fraction | None] = {}
    yoy: dict[str, Fraction | None] = {}
    keys = sorted(current.months)
    for i, key in enumerate(keys):
        tally = current.months[key]
        prev_key = _previous_month(key)
        prev = current.months.get(prev_key) or (months_before.get(prev_key) if i == 0 else None)
        mom[key] = change(tally.turnover_fen, prev.turnover_fen if prev else None)
        earlier = months_before.get(f"{int(key[:4]) - 1:04d}{key[4:]}")
        yoy[key] = change(tally.turnover_fen, earlier.turnover_fen if earlier else None)
    return Report(current, rankings(current, base_rankings, hidden=hidden_houses), growth(current, base), mom, yoy)


def _previous_month(key: str) -> str:
    year, month = int(key[:4]), int(key[5:])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"
