"""The report's definitions (domain.md section 2), computed in one pass over a period's facts, unrounded.

- turnover = sum of hammer prices (premiums and fees excluded); units = completed sales;
- average = turnover / units;
- transfer ratio = sales whose registration left the selling city / all sales, split in-province and
  cross-province; sales whose transfer is not yet known count in the denominator, never in the numerator,
  and their number is reported (`transfer_unknown`);
- online share = online sessions / all sessions held (sessions without a sale count; hybrid is on-site);
- active houses = houses with at least one sale; share above 20 万元 = sales with hammer ≥ 200,000 元 / all;
- price bands `<5万`, `5-10万`, `10-20万`, `≥20万` with the lower bound inclusive.

Ratios are exact `Fraction`s: rounding happens only when a figure is presented (`rounding`), and growth is
computed from these unrounded levels of one and the same version (`growth`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from marketplace.stats.domain.facts import ENERGY_TYPES, EnergyType, House, SaleFact, SessionFact
from marketplace.stats.domain.periods import Period, beijing_date

FEN_PER_WAN_YUAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 fen
PRICE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("<5万", 0, 5 * FEN_PER_WAN_YUAN),
    ("5-10万", 5 * FEN_PER_WAN_YUAN, 10 * FEN_PER_WAN_YUAN),
    ("10-20万", 10 * FEN_PER_WAN_YUAN, 20 * FEN_PER_WAN_YUAN),
    ("≥20万", 20 * FEN_PER_WAN_YUAN, None),
)
HIGH_PRICE_FEN = 20 * FEN_PER_WAN_YUAN


def price_band(hammer_fen: int) -> str:
    for name, low, high in PRICE_BANDS:
        if hammer_fen >= low and (high is None or hammer_fen < high):
            return name
    raise ValueError("a hammer price is positive")


@dataclass
class Tally:
    units: int = 0
    turnover_fen: int = 0

    def add(self, fen: int) -> None:
        self.units += 1
        self.turnover_fen += fen

    @property
    def average_fen(self) -> Fraction | None:
        return Fraction(self.turnover_fen, self.units) if self.units else None


@dataclass
class Levels:
    """Every level of one period, unrounded."""

    period: Period
    total: Tally = field(default_factory=Tally)
    high_price_units: int = 0
    transfer_in_province: int = 0
    transfer_cross_province: int = 0
    transfer_none: int = 0
    transfer_unknown: int = 0
    sessions: int = 0
    online_sessions: int = 0
    energy: dict[EnergyType, Tally] = field(default_factory=lambda: {e: Tally() for e in ENERGY_TYPES})
    bands: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name, _, _ in PRICE_BANDS})
    houses: dict[str, Tally] = field(default_factory=dict)
    house_names: dict[str, str] = field(default_factory=dict)
    provinces: dict[str, Tally] = field(default_factory=dict)
    months: dict[str, Tally] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return self.total.units

    @property
    def turnover_fen(self) -> int:
        return self.total.turnover_fen

    @property
    def average_fen(self) -> Fraction | None:
        return self.total.average_fen

    @property
    def houses_active(self) -> int:
        return len(self.houses)

    @property
    def high_price_share(self) -> Fraction | None:
        return _ratio(self.high_price_units, self.units)

    @property
    def transfer_ratio(self) -> Fraction | None:
        return _ratio(self.transfer_in_province + self.transfer_cross_province, self.units)

    @property
    def transfer_in_province_ratio(self) -> Fraction | None:
        return _ratio(self.transfer_in_province, self.units)

    @property
    def transfer_cross_province_ratio(self) -> Fraction | None:
        return _ratio(self.transfer_cross_province, self.units)

    @property
    def online_share(self) -> Fraction | None:
        return _ratio(self.online_sessions, self.sessions)


def _ratio(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _house(levels: Levels, house: House) -> Tally:
    levels.house_names.setdefault(house.key, house.name)
    return levels.houses.setdefault(house.key, Tally())


def compute(period: Period, sales: Iterable[SaleFact], sessions: Iterable[SessionFact]) -> Levels:
    """The levels of `period` from the facts; facts outside the period (by Beijing date) are ignored."""
    levels = Levels(period)
    add_sales(levels, sales)
    add_sessions(levels, sessions)
    return levels


def add_sales(levels: Levels, sales: Iterable[SaleFact]) -> None:
    """Adds sales to the levels: facts may arrive in pages, the sum is the same in any order."""
    period = levels.period
    for sale in sales:
        day = beijing_date(sale.sold_at)
        if not period.contains(day):
            continue
        fen = sale.hammer_fen
        levels.total.add(fen)
        levels.energy[sale.energy].add(fen)
        levels.bands[price_band(fen)].add(fen)
        _house(levels, sale.house).add(fen)
        levels.provinces.setdefault(sale.seller_province or "", Tally()).add(fen)
        levels.months.setdefault(f"{day.year:04d}-{day.month:02d}", Tally()).add(fen)
        if fen >= HIGH_PRICE_FEN:
            levels.high_price_units += 1
        if sale.transfer == "in_province":
            levels.transfer_in_province += 1
        elif sale.transfer == "cross_province":
            levels.transfer_cross_province += 1
        elif sale.transfer == "none":
            levels.transfer_none += 1
        else:
            levels.transfer_unknown += 1


def add_sessions(levels: Levels, sessions: Iterable[SessionFact]) -> None:
    for session in sessions:
        if levels.period.contains(session.held_on):
            levels.sessions += 1
            levels.online_sessions += session.online


@dataclass(frozen=True)
class ReturnFigures:
    """An approved monthly return (月报) as the report adds it: aggregated levels of one house and month.

    A return names no vehicle: its units and turnover count in the totals, the house's ranking, its month and its
    house's province; BEV units and turnover in the BEV figures (the other energy types are not attributed, so
    the energy breakdown sums to the total only over row-level data); units by band in the bands and the share
    above 20 万元; its transfers in the transfer ratio, the rest of its units as "no transfer" (a return is the
    house's final word, so nothing of it is "unknown"); its sessions in the sessions and the online share.
    """

    house: House
    month: str  # YYYY-MM
    sessions_online: int
    sessions_onsite: int
    units: int
    turnover_fen: int
    bev_units: int
    bev_turnover_fen: int
    transfer_in_province: int
    transfer_cross_province: int
    units_by_band: dict[str, int]


def add_returns(levels: Levels, returns: Iterable[ReturnFigures]) -> None:
    for ret in returns:
        year, month = int(ret.month[:4]), int(ret.month[5:7])
        if not levels.period.contains(date(year, month, 1)):
            continue
        levels.sessions += ret.sessions_online + ret.sessions_onsite
        levels.online_sessions += ret.sessions_online
        if ret.units == 0:
            continue  # a house with no sale that month is not active because of it
        for tally in (levels.total, _house(levels, ret.house),
                      levels.provinces.setdefault(ret.house.province or "", Tally()),
                      levels.months.setdefault(ret.month, Tally())):  # fmt: skip
            tally.units += ret.units
            tally.turnover_fen += ret.turnover_fen
        levels.energy["BEV"].units += ret.bev_units
        levels.energy["BEV"].turnover_fen += ret.bev_turnover_fen
        for name, units in ret.units_by_band.items():
            levels.bands[name].units += units
        levels.high_price_units += ret.units_by_band.get(PRICE_BANDS[-1][0], 0)
        levels.transfer_in_province += ret.transfer_in_province
        levels.transfer_cross_province += ret.transfer_cross_province
        levels.transfer_none += ret.units - ret.transfer_in_province - ret.transfer_cross_province
