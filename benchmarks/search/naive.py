"""The naive baseline: SQL LIKE over the listing and vehicle text columns, GROUP BY for each facet."""

from __future__ import annotations

import sqlite3
from typing import Any

from listings.domain.lifecycle import PRICE_BANDS

TEXT_COLUMNS = ("l.title", "v.make", "v.make_en", "v.model", "v.model_en", "v.series", "l.location_city")
SORT_SQL = {
    "relevance": "l.published_at DESC",
    "price_asc": "l.price_fen ASC",
    "price_desc": "l.price_fen DESC",
    "mileage_asc": "v.mileage_km ASC",
    "year_desc": "v.model_year DESC",
    "newest": "l.published_at DESC",
}
_BAND = (
    "CASE "
    + " ".join(f"WHEN l.price_fen >= {lower * 1_000_000} THEN '{name}'" for name, lower in reversed(PRICE_BANDS))
    + " END"
)
FACETS = {"make": "v.make", "energy_type": "v.energy_type", "province": "l.location_province",
          "body_type": "v.body_type", "price_band": _BAND}  # fmt: skip


def where(p: dict[str, Any]) -> tuple[str, list[Any]]:
    clauses = ["l.status = 'published'"]
    args: list[Any] = []
    for word in str(p.get("q", "")).split():
        clauses.append("(" + " OR ".join(f"{c} LIKE ?" for c in TEXT_COLUMNS) + ")")
        args += [f"%{word}%"] * len(TEXT_COLUMNS)
    for field, col in (("make", "v.make"), ("energy_type", "v.energy_type"), ("body_type", "v.body_type"),
                       ("province", "l.location_province")):  # fmt: skip
        if p.get(field):
            values = str(p[field]).split(",")
            clauses.append(f"{col} IN ({', '.join('?' * len(values))})")
            args += values
    for key, col, op in (("year_min", "v.model_year", ">="), ("price_min_fen", "l.price_fen", ">="),
                         ("price_max_fen", "l.price_fen", "<="), ("mileage_max_km", "v.mileage_km", "<="),
                         ("transfers_max", "v.transfers", "<=")):  # fmt: skip
        if p.get(key) is not None:
            clauses.append(f"{col} {op} ?")
            args.append(p[key])
    if p.get("no_accident"):
        clauses.append("v.accident = 0")
    return " AND ".join(clauses), args


def run(conn: sqlite3.Connection, p: dict[str, Any]) -> tuple[int, list[int], dict[str, dict[str, int]]]:
    cond, args = where(p)
    base = f"FROM listings l JOIN vehicles v ON v.id = l.vehicle_id WHERE {cond}"
    total = conn.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0]
    facets = {
        name: dict(conn.execute(f"SELECT {expr} AS k, COUNT(*) {base} GROUP BY k", args).fetchall())
        for name, expr in FACETS.items()
    }
    page = int(p.get("page", 1))
    rows = conn.execute(
        f"SELECT l.id {base} ORDER BY {SORT_SQL[p.get('sort', 'relevance')]} LIMIT 20 OFFSET ?",
        [*args, (page - 1) * 20],
    ).fetchall()
    return total, [r[0] for r in rows], facets
