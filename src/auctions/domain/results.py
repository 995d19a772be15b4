"""Pure rules for a session as a whole: its phase (upcoming, live, ended), its results, and their export.

No I/O, no clock: the caller passes the lots' statuses and the time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from auctions.domain.lot import CONDITIONAL, COUNTERED, FINAL, OPEN, PASSED, PAUSED, SOLD

Phase = Literal["draft", "upcoming", "live", "ended"]
# Bidding is over for these: a conditional lot waits for its seller, but no more bids come.
BIDDING_OVER = FINAL | {CONDITIONAL, COUNTERED}
PHASE_ORDER: dict[str, int] = {"live": 0, "upcoming": 1, "draft": 2, "ended": 3}


@dataclass(frozen=True)
class LotBrief:
    status: str
    opens_at: int | None = None  # timed lots: bidding starts then (the status says open from publishing)


@dataclass(frozen=True)
class Results:
    lots: int
    sold: int
    unsold: int
    pending: int  # closed below the reserve, the seller still deciding
    turnover: int  # fen: the sum of hammer prices of the sold lots
    sell_through_bp: int  # sold / lots in basis points (10000 = 100 %), rounded half up

    def to_json(self) -> dict[str, int]:
        return {
            "lots": self.lots,
            "sold": self.sold,
            "unsold": self.unsold,
            "pending": self.pending,
            "turnover": self.turnover,
            "sell_through_bp": self.sell_through_bp,
        }


def phase(status: str, lots: Sequence[LotBrief], starts_at_ms: int, now_ms: int) -> Phase:
    """Draft until published; ended when bidding is over on every lot; live once any lot has taken bids or is
    open now (or the start has passed); otherwise upcoming."""
    if status != "published":
        return "draft"
    if lots and all(lot.status in BIDDING_OVER for lot in lots):
        return "ended"
    for lot in lots:
        if lot.status in BIDDING_OVER:
            return "live"  # some lots are done, others still to come
        if lot.status in (OPEN, PAUSED) and (lot.opens_at is None or lot.opens_at <= now_ms):
            return "live"
    return "upcoming" if now_ms < starts_at_ms else "live"


def results(statuses: Iterable[str], hammer_prices: Iterable[int]) -> Results:
    """Counts by outcome and the turnover; `hammer_prices` are the sale records' (one per sold lot)."""
    counts = {SOLD: 0, PASSED: 0, "pending": 0}
    n = 0
    for s in statuses:
        n += 1
        if s == SOLD:
            counts[SOLD] += 1
        elif s == PASSED:
            counts[PASSED] += 1
        elif s in (CONDITIONAL, COUNTERED):
            counts["pending"] += 1
    sold = counts[SOLD]
    rate = (sold * 20_000 + n) // (2 * n) if n else 0  # half up, integers only
    return Results(n, sold, counts[PASSED], counts["pending"], sum(hammer_prices), rate)


# --- export ----------------------------------------------------------------------------------------------
COLUMNS = (
    "lot",
    "vehicle",
    "vin",
    "status",
    "starting_price_yuan",
    "reserve_price_yuan",
    "hammer_price_yuan",
    "buyer_premium_yuan",
    "total_yuan",
    "buyer_paddle",
    "via",
    "sold_at",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def yuan(fen: int | None) -> str:
    """Integer fen as an exact decimal amount of yuan ("1234.50"); empty for none. No float on the way."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (= + - @, or a leading tab or carriage return, which
    some importers strip before looking) is quoted so it stays text (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def results_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens UTF-8 Chinese correctly
