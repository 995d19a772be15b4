"""A period's levels computed by the database: one GROUP BY over the approved sales, folded into `Levels`.

The definitions stay in `domain/figures.py`; this is the same sum taken in SQL, grouped by every key a figure
is broken down by (house, seller province, Beijing month, energy, transfer, price band), so a year of rows
becomes a few thousand groups instead of a million Python objects. Each group adds `n` sales of turnover `t`
exactly where `add_sales` adds them one at a time; integers only, so the levels are equal, not close
(`tests/integration/stats/test_levels_sql.py` compares both paths on both profiles). Beijing time is UTC+8 all
year (no daylight saving since 1991), so a Beijing month begins at 16:00 UTC of the day before its first day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

from tortoise import connections

from marketplace.stats.domain.facts import EnergyType
from marketplace.stats.domain.figures import HIGH_PRICE_FEN, PRICE_BANDS, Levels, Tally
from marketplace.stats.domain.periods import CST, Period


def bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start(), time.min, CST).astimezone(UTC)
    end = datetime.combine(period.end() + timedelta(days=1), time.min, CST).astimezone(UTC)
    return start, end


def _band_case() -> str:
    arms = " ".join(f"WHEN s.hammer_fen < {high} THEN {i}" for i, (_, _, high) in enumerate(PRICE_BANDS) if high)
    return f"CASE {arms} ELSE {len(PRICE_BANDS) - 1} END"


# The approved submissions are few: the subquery is read once into a small set (SQLite: an ephemeral index;
# PostgreSQL: a hashed subplan), where a join would look every sale's submission up.
_APPROVED = (
    "(s.submission_id IS NULL OR s.submission_id IN (SELECT id FROM stats_submissions WHERE status = 'approved'))"
)


def _month_case(period: Period, pg: bool) -> tuple[str, list[str]]:
    """(a CASE giving the index of a sale's Beijing month in the period, the months' keys): comparisons against
    the months' first moments in UTC, which cost far less per row than formatting every moment (strftime,
    to_char). SQLite compares its stored text, as the period's WHERE does (every stored moment is UTC text)."""
    months = period.months()
    arms = []
    for i, month in enumerate(months[1:]):
        first, _ = bounds(month)
        moment = f"'{first.isoformat(' ')}'::timestamptz" if pg else f"'{first.isoformat(' ')}'"
        arms.append(f"WHEN s.sold_at < {moment} THEN {i}")
    case = f"CASE {' '.join(arms)} ELSE {len(months) - 1} END" if arms else "0"
    return case, [m.key for m in months]


def _sales_sql(pg: bool, month: str) -> str:
    if pg:
        where = "s.sold_at >= $1 AND s.sold_at < $2 AND NOT s.undone"
    else:
        where = "s.sold_at >= ? AND s.sold_at < ? AND s.undone = 0"
    return (
        f"SELECT s.house_id, s.seller_province, {month}, s.energy, s.transfer, {_band_case()}, "
        f"SUM(CASE WHEN s.hammer_fen >= {HIGH_PRICE_FEN} THEN 1 ELSE 0 END), COUNT(*), SUM(s.hammer_fen), "
        "s.source = 'platform' "
        "FROM stats_sales s "
        f"WHERE {_APPROVED} AND {where} GROUP BY 1, 2, 3, 4, 5, 6, 10"
    )


def _sessions_sql(pg: bool) -> str:
    between = "s.held_on >= $1 AND s.held_on <= $2" if pg else "s.held_on >= ? AND s.held_on <= ?"
    month = "to_char(s.held_on, 'YYYY-MM')" if pg else "substr(s.held_on, 1, 7)"
    return (
        f"SELECT s.kind = 'online', COUNT(*), s.house_id, {month}, s.source = 'platform' FROM stats_sessions s "
        f"WHERE {_APPROVED} AND {between} GROUP BY 1, 3, 4, 5"
    )


async def levels_of(period: Period, platform: AbstractSet[tuple[int, str]] = frozenset()) -> Levels:
    """The period's levels from approved facts, aggregated in the database. `platform` holds the (house id,
    YYYY-MM) months the platform recorded itself: rows a house imported for those months are left out."""
    conn = connections.get("default")
    pg = conn.capabilities.dialect == "postgres"
    start, end = bounds(period)
    params: list[Any] = [start, end] if pg else [start.isoformat(" "), end.isoformat(" ")]
    month, keys = _month_case(period, pg)
    _, found = await conn.execute_query(_sales_sql(pg, month), params)
    groups = [(g[0], g[1], keys[int(g[2])], *tuple(g)[3:]) for g in found]
    _, names = await conn.execute_query("SELECT id, name FROM stats_houses")
    levels = Levels(period)
    kept = [tuple(g)[:9] for g in groups if g[9] or (int(g[0]), str(g[2])) not in platform]
    add_groups(levels, kept, {str(r[0]): str(r[1]) for r in names})
    first, last = period.start(), period.end()
    days: list[Any] = [first, last] if pg else [first.isoformat(), last.isoformat()]
    _, kinds = await conn.execute_query(_sessions_sql(pg), days)
    add_session_groups(levels, [(k[0], k[1]) for k in kinds if k[4] or (int(k[2]), str(k[3])) not in platform])
    return levels


def add_groups(levels: Levels, groups: Iterable[Sequence[Any]], name_of: dict[str, str]) -> None:
    """Adds grouped sales — (house key, seller province, YYYY-MM, energy, transfer, band index, how many of them
    at or above the high price, count, turnover) — to the levels, where `figures.add_sales` would have added each
    of their rows. The high-price count is a sum, not a grouping key: one key fewer for the database to sort."""
    band_names = [name for name, _, _ in PRICE_BANDS]
    for house_id, province, month, energy, transfer, band, high, n, total in groups:
        units, fen = int(n), int(total)
        key = str(house_id)
        _add(levels.total, units, fen)
        _add(levels.energy[cast(EnergyType, energy)], units, fen)
        _add(levels.bands[band_names[int(band)]], units, fen)
        levels.house_names.setdefault(key, name_of.get(key, key))
        _add(levels.houses.setdefault(key, Tally()), units, fen)
        _add(levels.provinces.setdefault(province or "", Tally()), units, fen)
        _add(levels.months.setdefault(str(month), Tally()), units, fen)
        levels.high_price_units += int(high)
        if transfer == "in_province":
            levels.transfer_in_province += units
        elif transfer == "cross_province":
            levels.transfer_cross_province += units
        elif transfer == "none":
            levels.transfer_none += units
        else:
            levels.transfer_unknown += units


def add_session_groups(levels: Levels, kinds: Iterable[Sequence[Any]]) -> None:
    """Adds (online?, count) groups of sessions held in the period."""
    for online, n in kinds:
        levels.sessions += int(n)
        if online:
            levels.online_sessions += int(n)


def _add(tally: Tally, units: int, fen: int) -> None:
    tally.units += units
    tally.turnover_fen += fen
