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
        raise OfferRefused("an offer above the asking price: offer the asking price instead", code="offer_above_asking")
    if amount_fen * 2 < asking_fen:
        raise OfferRefused("an offer below half the asking price is not passed on to the dealer", code="offer_too_low")


def check_counter(counter_fen: int, offer_fen: int, asking_fen: int) -> None:
    """A counter-offer meets the buyer between their offer (exclusive) and the asking price (inclusive):
    at or below the offer it is no counter, above the asking price the dealer would ask more than advertised."""
    if counter_fen <= offer_fen:
        raise OfferRefused("a counter-offer must be above the buyer's offer", code="counter_not_above_offer")
    if counter_fen > asking_fen:
        raise OfferRefused("a counter-offer cannot be above the asking price", code="counter_above_asking")


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


def _mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _mask_digits(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"***{digits[-2:]}"


def _looks_like_contact(name: str) -> bool:
    return "@" in name or sum(c.isdigit() for c in name) >= 7


def buyer_label(display_name: str, email: str | None, mobile: str | None, user_id: int) -> str:
    """What a dealer sees of a buyer who made it an offer: the display name, else a masked mobile or email.

    Contact details stay with the platform until a sale is recorded (settlement introduces the parties), so a
    display name that is itself an email address or a phone number is masked like one.
    """
    name = display_name.strip()
    if name:
        if not _looks_like_contact(name):
            return name
        return _mask_email(name) if "@" in name else _mask_digits(name)
    if mobile:
        return _mask_digits(mobile)
    if email:
        return _mask_email(email)
    return f"#{user_id}"
