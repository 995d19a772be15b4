"""Pure rules for what a bidder sees of their auctions: where they stand on a lot, what a won lot leaves to pay,
and what happens next. Settlement (payment online, refunds, documents) comes later; these say what is known now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auctions.domain.lot import CONDITIONAL, COUNTERED, OPEN, PAUSED, SCHEDULED, SOLD

Standing = Literal["leading", "outbid", "pending", "won", "lost"]


def standing(status: str, leader: str | None, paddle: str, took_part: bool) -> Standing | None:
    """Where a bidder stands on a lot they took part in (None: they never bid on it).

    Leading / outbid while bidding runs; pending while the seller decides on their high bid below the reserve;
    won when sold to them; lost when sold to another, passed, or decided for another."""
    if not took_part:
        return None
    mine = leader == paddle
    if status in (OPEN, PAUSED, SCHEDULED):
        return "leading" if mine else "outbid"
    if status == SOLD:
        return "won" if mine else "lost"
    if status in (CONDITIONAL, COUNTERED):
        return "pending" if mine else "lost"
    return "lost"


@dataclass(frozen=True)
class Due:
    total: int  # hammer price + buyer premium, fen
    deposit_applied: int  # the confirmed deposit, counted toward the total
    balance: int  # what is left to pay the house


def amount_due(hammer: int, premium: int, deposit: int, deposit_confirmed: bool) -> Due:
    """The buyer owes hammer + premium; a confirmed deposit counts toward it (never more than the total).

    One deposit covers a registration, so on a second won lot in the same session it is already spent: the
    caller passes what is left of it (`deposit`)."""
    total = hammer + premium
    applied = min(max(deposit, 0), total) if deposit_confirmed else 0
    return Due(total, applied, total - applied)


def next_steps(role: Literal["buyer", "seller", "house"], balance: int) -> list[str]:
    """What each party does after a sale, as codes the screens put in words (settlement fills in the rest)."""
    if role == "buyer":
        return (["pay_balance"] if balance > 0 else []) + ["collect_vehicle"]
    if role == "seller":
        return ["await_payment", "hand_over_vehicle"]
    return ["confirm_payment", "release_vehicle"]
