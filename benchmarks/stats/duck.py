"""The peer: DuckDB computes the report's levels from the same CSV files, in the same run.

DuckDB only groups and sums (by year, house, seller province, Beijing month, energy, transfer, price band); the
groups are folded into `Levels` by the same `add_groups` the SQL path uses and rendered by the same
`document_of`, so the two documents can be compared whole. DuckDB is the benchmark's peer only: nothing under
src/ imports it (it is pinned in the `bench` extra).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from marketplace.stats.domain.figures import HIGH_PRICE_FEN, PRICE_BANDS, Levels
from marketplace.stats.domain.periods import Period
from marketplace.stats.services.levels import add_groups, add_session_groups
from marketplace.stats.services.reports import document_of

_SALES = ("{'sale_id': 'VARCHAR', 'session_id': 'VARCHAR', 'auction_house': 'VARCHAR', 'sold_at': 'VARCHAR', "
          "'hammer_price_fen': 'BIGINT', 'make': 'VARCHAR', 'make_en': 'VARCHAR', 'energy_type': 'VARCHAR', "
          "'seller_province': 'VARCHAR', 'seller_city': 'VARCHAR', 'buyer_province': 'VARCHAR', "
          "'buyer_city': 'VARCHAR', 'transfer': 'VARCHAR'}")  # fmt: skip
_SESSIONS = ("{'session_id': 'VARCHAR', 'auction_house': 'VARCHAR', 'province': 'VARCHAR', 'city': 'VARCHAR', "
             "'kind': 'VARCHAR', 'held_on': 'DATE'}")  # fmt: skip


@dataclass
class Peer:
    from_files_s: float
    from_files_doc: dict[str, Any]
    load_s: float
    from_table_s: float
    from_table_doc: dict[str, Any]


def _band() -> str:
    arms = " ".join(f"WHEN hammer_price_fen < {high} THEN {i}" for i, (_, _, high) in enumerate(PRICE_BANDS) if high)
    return f"CASE {arms} ELSE {len(PRICE_BANDS) - 1} END"


def _sales_sql(source: str, years: tuple[int, int]) -> str:
    # The files carry UTC moments ("…Z"); Beijing is UTC+8 all year.
    return (
        f"SELECT year(local), auction_house, seller_province, strftime(local, '%Y-%m'), energy_type, transfer, "
        f"{_band()}, sum(CASE WHEN hammer_price_fen >= {HIGH_PRICE_FEN} THEN 1 ELSE 0 END), count(*), "
        "sum(hammer_price_fen) "
        f"FROM (SELECT *, CAST(sold_at AS TIMESTAMP) + INTERVAL 8 HOUR AS local FROM {source}) "
        f"WHERE year(local) IN {years} GROUP BY ALL"
    )


def _sessions_sql(source: str, years: tuple[int, int]) -> str:
    return f"SELECT year(held_on), kind = 'online', count(*) FROM {source} WHERE year(held_on) IN {years} GROUP BY ALL"


def _document(con: duckdb.DuckDBPyConnection, sales: str, sessions: str, period: Period, house_ids: dict[str, str],
              k: int) -> dict[str, Any]:  # fmt: skip
    base_period = period.year_earlier()
    years = (base_period.year, period.year)
    levels = {period.year: Levels(period), base_period.year: Levels(base_period)}
    names = {key: name for name, key in house_ids.items()}
    groups: dict[int, list[Any]] = {y: [] for y in years}
    for y, house, *rest in con.execute(_sales_sql(sales, years)).fetchall():
        groups[y].append((house_ids[house], *rest))
    kinds: dict[int, list[Any]] = {y: [] for y in years}
    for y, *rest in con.execute(_sessions_sql(sessions, years)).fetchall():
        kinds[y].append(rest)
    for y in years:
        add_groups(levels[y], groups[y], names)
        add_session_groups(levels[y], kinds[y])
    return document_of(period, levels[period.year], levels[base_period.year], k)


def run(sessions_csv: Path, sales_csv: Path, period: Period, house_ids: dict[str, str], k: int) -> Peer:
    con = duckdb.connect()
    sales = f"read_csv('{sales_csv}', header = true, columns = {_SALES})"
    sessions = f"read_csv('{sessions_csv}', header = true, columns = {_SESSIONS})"
    started = time.perf_counter()
    from_files = _document(con, sales, sessions, period, house_ids, k)
    from_files_s = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(f"CREATE TABLE sales AS SELECT * FROM {sales}")
    con.execute(f"CREATE TABLE sessions AS SELECT * FROM {sessions}")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    from_table = _document(con, "sales", "sessions", period, house_ids, k)
    from_table_s = time.perf_counter() - started
    con.close()
    return Peer(from_files_s, from_files, load_s, from_table_s, from_table)
