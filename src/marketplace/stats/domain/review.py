"""Review warnings for an analyst (never errors: a warned row is imported, and the analyst decides).

- a sale outside its session's date ± 1 day (Beijing dates);
- a hammer price outside plausible bounds for a vehicle;
- a month more than 3× or less than a third of the same month a year earlier (outliers, by units or turnover);
- a monthly return whose parts disagree with its totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.stats.domain.periods import beijing_date
from marketplace.stats.domain.rows import SaleRow

LOW_PRICE_FEN = 100_000  # 1,000 元: below it a "vehicle" is more likely a typo or a scrap part
HIGH_PRICE_FEN = 1_000_000_000  # 1,000 万元
OUTLIER_FACTOR = 3


@dataclass(frozen=True)
class Warning:
    code: str  # sale_outside_session, price_implausible, month_outlier, return_inconsistent
    subject: str
    detail: str


def sale_warnings(sale: SaleRow, session_day: date | None, day: date | None = None) -> list[Warning]:
    """`day`, when given, is the sale's Beijing date (the import has it already)."""
    found = []
    if session_day is not None:
        day = beijing_date(sale.sold_at) if day is None else day
        if abs(day - session_day) > timedelta(days=1):
            found.append(Warning("sale_outside_session", sale.sale_id, f"{day} vs session {session_day}"))
    if not LOW_PRICE_FEN <= sale.hammer_price_fen <= HIGH_PRICE_FEN:
        found.append(Warning("price_implausible", sale.sale_id, str(sale.hammer_price_fen)))
    return found


def is_outlier(value: int, base: int, factor: int = OUTLIER_FACTOR) -> bool:
    """More than `factor` times or less than 1/`factor` of the base; exactly 3× or exactly a third is not flagged
    (the boundary belongs to the ordinary), and a month with no base (nothing a year earlier) is never flagged."""
    return base > 0 and (value > factor * base or value * factor < base)


def month_outliers(
    current: Mapping[str, int], year_earlier: Mapping[str, int], measure: str = "units", factor: int = OUTLIER_FACTOR
) -> list[Warning]:
    """`current` and `year_earlier` map YYYY-MM (of their own years) to a level; months compare by MM."""
    earlier = {key[-2:]: value for key, value in year_earlier.items()}
    found = []
    for key, value in sorted(current.items()):
        base = earlier.get(key[-2:])
        if not base:
            continue
        if is_outlier(value, base, factor):
            found.append(Warning("month_outlier", key, f"{measure} {value} vs {base} a year earlier"))
    return found


@dataclass(frozen=True)
class MonthlyReturn:
    """A house's aggregated month (月报), for houses that submit totals instead of rows."""

    month: str
    sessions_online: int
    sessions_onsite: int
    units: int
    turnover_fen: int
    bev_units: int
    bev_turnover_fen: int
    transfer_in_province: int
    transfer_cross_province: int
    units_by_band: Mapping[str, int]


BANDS = ("<5万", "5-10万", "10-20万", "≥20万")  # figures.PRICE_BANDS' names, in order


def return_warnings(ret: MonthlyReturn) -> list[Warning]:
    """Every way a return's parts disagree with its totals; a return with any of them is refused."""
    found = []

    def check(ok: bool, detail: str) -> None:
        if not ok:
            found.append(Warning("return_inconsistent", ret.month, detail))

    check(set(ret.units_by_band) == set(BANDS), "units by price band name exactly the four bands")
    check(sum(ret.units_by_band.values()) == ret.units, "units by price band do not add up to units")
    check(ret.bev_units <= ret.units, "BEV units exceed units")
    check(ret.bev_turnover_fen <= ret.turnover_fen, "BEV turnover exceeds turnover")
    check(ret.transfer_in_province + ret.transfer_cross_province <= ret.units, "transfers exceed units")
    check((ret.units == 0) == (ret.turnover_fen == 0), "units and turnover disagree on whether anything sold")
    return found
