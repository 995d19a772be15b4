"""Offer rules: open → accepted | declined | countered | expired | withdrawn; a counter can be accepted by the buyer."""

from __future__ import annotations

from datetime import datetime, timedelta

OPEN = "open"
COUNTERED = "countered"
LIVE = frozenset({OPEN, COUNTERED})


class OfferRefused(Exception):
    def __init__(self, message: str, code: str = "invalid_offer") -> None:
        super().__init__(message)
        self.code = code


def expires_at(now: datetime, ttl_hours: int) -> datetime:
    return now + timedelta(hours=ttl_hours)


def check_amount(amount_fen: int, asking_fen: int) -> None:
    """An offer is positive and not above the asking price (then just buy at the asking price)."""
    if amount_fen <= 0:
        raise OfferRefused("an offer must be positive")
    if amount_fen > asking_fen:
        raise OfferRefused("an offer above the asking price: offer the asking price instead")
    if amount_fen * 2 < asking_fen:
        raise OfferRefused("an offer below half the asking price is not passed on to the dealer", code="offer_too_low")


def decide(status: str, expires: datetime, now: datetime, action: str) -> str:
    """The offer's next status for a dealer's accept/decline/counter or the buyer's accept_counter/withdraw."""
    if status not in LIVE:
        raise OfferRefused(f"the offer is {status}", code="offer_closed")
    if now >= expires:
        raise OfferRefused("the offer has expired", code="offer_expired")
    table = {
        ("open", "accept"): "accepted",
        ("open", "decline"): "declined",
        ("open", "counter"): "countered",
        ("countered", "accept_counter"): "accepted",
        ("countered", "decline"): "declined",
        ("open", "withdraw"): "withdrawn",
        ("countered", "withdraw"): "withdrawn",
    }
    nxt = table.get((status, action))
    if nxt is None:
        raise OfferRefused(f"cannot {action} an offer that is {status}", code="offer_closed")
    return nxt
