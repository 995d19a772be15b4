"""The national dataset (`marketplace.stats.dataset`) written as a house's submission files: sessions + sales CSV.

Scale 1 is the calibrated 2023 (702,500 sales) and its 2022 base; scale 10 multiplies every count and total by
ten (the same 402 houses, ten times the sessions and sales); a scale below 1 is `dataset.scaled`. Both years go
into one pair of files. Moments are written in UTC ("Z"): the importer takes any offset, and DuckDB then needs
no time-zone extension to place a sale in its Beijing month.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from marketplace.stats import dataset
from marketplace.stats.domain.rows import SALE_COLUMNS, SESSION_COLUMNS


def targets(scale: float) -> list[dataset.YearTargets]:
    years = [dataset.Y2022, dataset.Y2023]
    if scale < 1:
        return [dataset.scaled(t, round(1 / scale)) for t in years]
    k = int(scale)
    counted = ("units", "turnover_fen", "bev_units", "bev_turnover_fen", "transfer_in_province",
               "transfer_cross_province", "sessions", "online_sessions")  # fmt: skip
    return [dataclasses.replace(t, **{f: getattr(t, f) * k for f in counted}) for t in years]


def write(folder: Path, scale: float, progress: Callable[[int], None] = lambda n: None) -> tuple[Path, Path, int]:
    """(sessions file, sales file, sales rows) in `folder`."""
    sessions_path, sales_path = folder / "sessions.csv", folder / "sales.csv"
    count = 0
    with (
        sessions_path.open("w", newline="", encoding="utf-8") as sf,
        sales_path.open("w", newline="", encoding="utf-8") as lf,
    ):
        sessions_out, sales_out = csv.writer(sf), csv.writer(lf)
        sessions_out.writerow(SESSION_COLUMNS)
        sales_out.writerow(SALE_COLUMNS)
        for t in targets(scale):
            sessions, sales = dataset.year(t)
            for s in sessions:
                sessions_out.writerow((s.session_key, s.house.name, s.house.province, s.house.city, s.kind,
                                       s.held_on.isoformat()))  # fmt: skip
            for sale in sales:
                moment = sale.sold_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                sales_out.writerow((sale.sale_key, sale.session_key, sale.house.name, moment, sale.hammer_fen,
                                    sale.make, "", sale.energy, sale.seller_province, sale.seller_city, "", "",
                                    sale.transfer))  # fmt: skip
                count += 1
                if count % 50_000 == 0:
                    progress(count)
    return sessions_path, sales_path, count
