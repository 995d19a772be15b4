"""A period's levels computed by the database: one GROUP BY over the approved sales, folded into `Levels`.

The definitions stay in `domain/figures.py`; this is the same sum taken in SQL, grouped by every key a figure
is broken down by (Beijing month, house, seller province, energy, transfer; the price bands as sums within a
group), so a year of rows becomes a few thousand groups instead of a million Python objects. Each group adds `n`
sales of turnover `t` exactly where `add_sales` adds them one at a time; integers only, so the levels are equal,
not close (`tests/integration/stats/test_levels_sql.py` compares both paths on both profiles). A sale's Beijing
month is the database's own `sold_month` (a column generated from `sold_at`, UTC+8 all year: migration stats
0004), so a period is a range of month keys and no moment is formatted or compared at build time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, cast

from tortoise import connections
from tortoise.transactions import in_transaction

from marketplace.stats.domain.facts import EnergyType
from marketplace.stats.domain.figures import HIGH_PRICE_FEN, PRICE_BANDS, Levels, Tally
from marketplace.stats.domain.periods import Period


def _below() -> str:
    """For each band but the last, the sales and turnover below its upper bound: cumulative sums, whose
    differences are the bands' own (one comparison a band per row, no band as a grouping key)."""
    arms = []
    for _, _, high in PRICE_BANDS[:-1]:
        arms.append(f"SUM(CASE WHEN s.hammer_fen < {high} THEN 1 ELSE 0 END)")
        arms.append(f"SUM(CASE WHEN s.hammer_fen < {high} THEN s.hammer_fen ELSE 0 END)")
    return ", ".join(arms)


# The approved submissions are few: the subquery is read once into a small set (SQLite: an ephemeral index;
# PostgreSQL: a hashed subplan), where a join would look every sale's submission up.
_APPROVED = (
    "(s.submission_id IS NULL OR s.submission_id IN (SELECT id FROM stats_submissions WHERE status = 'approved'))"
)
# The grouping keys in the order of SQLite's covering index (migration stats 0004): a period is one range of
# `sold_month` and the groups come out of the index in order, so SQLite streams them instead of sorting a
# year of rows; every column read is in the index, so the table itself is not read. PostgreSQL hashes.
_KEYS = "s.sold_month, s.house_id, s.seller_province, s.energy, s.transfer, s.source"


def _sales_sql(pg: bool, ranges: int = 1) -> str:
    """The GROUP BY over the approved sales in `ranges` ranges of month keys (SQLite: one range a query)."""
    if pg:
        months = " OR ".join(f"(s.sold_month >= ${2 * i + 1} AND s.sold_month <= ${2 * i + 2})" for i in range(ranges))
        where = f"({months}) AND NOT s.undone"
    else:
        where = "s.sold_month >= ? AND s.sold_month <= ? AND s.undone = 0"
    return (
        f"SELECT {_KEYS}, SUM(CASE WHEN s.hammer_fen >= {HIGH_PRICE_FEN} THEN 1 ELSE 0 END), COUNT(*), "
        f"SUM(s.hammer_fen), {_below()} FROM stats_sales s WHERE {_APPROVED} AND {where} GROUP BY {_KEYS}"
    )


def _banded(found: Iterable[Sequence[Any]], platform: AbstractSet[tuple[int, str]]) -> list[tuple[Any, ...]]:
    """`add_groups`'s groups (one per band with sales) from the query's rows, without the imported rows of a
    month the platform recorded itself."""
    groups: list[tuple[Any, ...]] = []
    for month, house_id, province, energy, transfer, source, high, n, total, *below in found:
        if source != "platform" and (int(house_id), str(month)) in platform:
            continue
        cumulative = [(int(below[i]), int(below[i + 1])) for i in range(0, len(below), 2)] + [(int(n), int(total))]
        units_before = fen_before = 0
        first = True
        for band, (units, fen) in enumerate(cumulative):
            if units > units_before:
                # the group's high-price count goes with its first band (add_groups adds it once a group)
                groups.append((house_id, province, month, energy, transfer, band, int(high) if first else 0,
                               units - units_before, fen - fen_before))  # fmt: skip
                first = False
            units_before, fen_before = units, fen
    return groups


def _sessions_sql(pg: bool, ranges: int = 1) -> str:
    if pg:
        # The month as its first day, formatted in Python: cheaper to group by than to_char's text of every row.
        between = " OR ".join(f"(s.held_on >= ${2 * i + 1} AND s.held_on <= ${2 * i + 2})" for i in range(ranges))
        month = "date_trunc('month', s.held_on::timestamp)::date"
    else:
        between, month = "s.held_on >= ? AND s.held_on <= ?", "substr(s.held_on, 1, 7)"
    return (
        f"SELECT s.kind = 'online', COUNT(*), s.house_id, {month}, s.source = 'platform' FROM stats_sessions s "
        f"WHERE {_APPROVED} AND ({between}) GROUP BY 1, 3, 4, 5"
    )


def _month_key(month: Any) -> str:
    return month if isinstance(month, str) else f"{month.year:04d}-{month.month:02d}"


async def levels_of(period: Period, platform: AbstractSet[tuple[int, str]] = frozenset()) -> Levels:
    """The period's levels from approved facts, aggregated in the database. `platform` holds the (house id,
    YYYY-MM) months the platform recorded itself: rows a house imported for those months are left out."""
    return (await levels_of_each([period], platform))[0]


async def levels_of_each(periods: Sequence[Period], platform: AbstractSet[tuple[int, str]] = frozenset()
                         ) -> list[Levels]:  # fmt: skip
    """`levels_of` of each of some disjoint periods (a release's period and its year-earlier base). PostgreSQL
    sums them all in one scan of the sales, and tells a period's groups by their month; SQLite reads each
    period's range of its covering index, already in the grouping order (one range a query keeps it so)."""
    conn = connections.get("default")
    pg = conn.capabilities.dialect == "postgres"
    each = [Levels(p) for p in periods]
    of_month = {m.key: i for i, p in enumerate(periods) for m in p.months()}
    month_ranges = [[p.months()[0].key, p.months()[-1].key] for p in periods]
    day_ranges = [[p.start(), p.end()] for p in periods]
    found: list[Any] = []  # rows of the GROUP BY (the drivers' own row type)
    kinds: list[Any] = []
    if pg:
        async with in_transaction() as tx:
            # The groups (tens of thousands for a national year) fit in memory: with the server's default 4 MB the
            # planner sorts the rows on disk instead of hashing them; and compiling this one scan (JIT) costs more
            # than it saves at this size. Both only for this query. The planner knows how few groups there are
            # from the extended statistics of migration stats 0007, and hashes them in its parallel workers.
            await tx.execute_script("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
            _, rows = await tx.execute_query(_sales_sql(pg, len(periods)), [k for r in month_ranges for k in r])
            found.extend(rows)
        _, rows = await conn.execute_query(_sessions_sql(pg, len(periods)), [d for r in day_ranges for d in r])
        kinds.extend(rows)
    else:
        for months, days in zip(month_ranges, day_ranges, strict=True):
            _, rows = await conn.execute_query(_sales_sql(pg), months)
            found.extend(rows)
            _, rows = await conn.execute_query(_sessions_sql(pg), [d.isoformat() for d in days])
            kinds.extend(rows)
    _, names = await conn.execute_query("SELECT id, name FROM stats_houses")
    name_of = {str(r[0]): str(r[1]) for r in names}
    sales: list[list[Sequence[Any]]] = [[] for _ in periods]
    for row in found:
        sales[of_month[str(row[0])]].append(row)
    sessions: list[list[tuple[Any, Any]]] = [[] for _ in periods]
    for online, n, house_id, month, own in kinds:
        key = _month_key(month)
        if own or (int(house_id), key) not in platform:
            sessions[of_month[key]].append((online, n))
    for levels, its_sales, its_sessions in zip(each, sales, sessions, strict=True):
        add_groups(levels, _banded(its_sales, platform), name_of)
        add_session_groups(levels, its_sessions)
    return each


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
