"""From stored session terms and a lot row to the engine's `Terms`; epoch-millisecond time helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from auctions.domain.increments import Ladder, PremiumTable
from auctions.domain.lot import Mode, Terms


def mode_of(kind: str) -> Mode:
    # Online sessions are timed (soft close); on-site and hybrid sessions are run by an auctioneer.
    return "timed" if kind == "online" else "live"


def ladder_of(terms: dict[str, Any]) -> Ladder:
    return Ladder.build([(b["start"], b["step"]) for b in terms["ladder"]])


def premium_of(terms: dict[str, Any]) -> PremiumTable:
    return PremiumTable.build([(b["start"], b["percent_bp"], b.get("fixed", 0)) for b in terms["premium"]])


def engine_terms(kind: str, terms: dict[str, Any], starting: int, reserve: int | None, buy_now: int | None) -> Terms:
    cap = terms.get("extension_cap_seconds")
    return Terms(
        mode=mode_of(kind),
        ladder=ladder_of(terms),
        starting=starting,
        reserve=reserve,
        buy_now=buy_now if mode_of(kind) == "timed" else None,
        soft_close_ms=int(terms["soft_close_seconds"]) * 1000,
        extension_cap_ms=None if cap is None else int(cap) * 1000,
        countdown_ms=int(terms["live_countdown_seconds"]) * 1000,
        conditional_ms=int(terms["conditional_window_seconds"]) * 1000,
    )


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)
