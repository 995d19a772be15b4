"""The listing lifecycle: draft → published → reserved → sold, or withdrawn / expired."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RESERVED = "reserved"
    SOLD = "sold"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Transition(StrEnum):
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    RESERVE = "reserve"
    RELEASE = "release"  # a reservation falls through: back on sale
    SELL = "sell"
    EXPIRE = "expire"


_TABLE: dict[Transition, tuple[frozenset[Status], Status]] = {
    Transition.PUBLISH: (frozenset({Status.DRAFT, Status.WITHDRAWN, Status.EXPIRED}), Status.PUBLISHED),
    Transition.WITHDRAW: (frozenset({Status.DRAFT, Status.PUBLISHED}), Status.WITHDRAWN),
    Transition.RESERVE: (frozenset({Status.PUBLISHED}), Status.RESERVED),
    Transition.RELEASE: (frozenset({Status.RESERVED}), Status.PUBLISHED),
    Transition.SELL: (frozenset({Status.RESERVED, Status.PUBLISHED}), Status.SOLD),
    Transition.EXPIRE: (frozenset({Status.PUBLISHED}), Status.EXPIRED),
}
# States in which the listing holds the vehicle (no auction lot or other listing may take it). Not a draft:
# a draft is not an offer to sell (nobody sees it), so it must not keep the dealer's car out of an auction;
# publishing it takes the vehicle (or is refused with vehicle_busy if a lot or another listing has it).
OPEN = frozenset({Status.PUBLISHED, Status.RESERVED})
EDITABLE = frozenset({Status.DRAFT, Status.PUBLISHED, Status.WITHDRAWN, Status.EXPIRED})


class TransitionRefused(Exception):
    def __init__(self, message: str, code: str = "invalid_transition") -> None:
        super().__init__(message)
        self.code = code


def next_status(current: str, transition: Transition) -> Status:
    sources, target = _TABLE[transition]
    if Status(current) not in sources:
        raise TransitionRefused(f"cannot {transition.value} a listing that is {current}")
    return target


def holds_vehicle(status: str) -> bool:
    return Status(status) in OPEN


@dataclass(frozen=True)
class Actor:
    """Who asks for a transition, as the listings rules see them."""

    is_staff: bool
    is_owner_member: bool  # a member of the listing's dealer organisation
    trading_refusal: str | None  # why this member may not trade for the dealer today (None: may)


def guard(transition: Transition, actor: Actor) -> None:
    """Only the owning dealer or platform staff; only verified dealers with a valid certificate publish."""
    if actor.is_staff:
        return
    if not actor.is_owner_member:
        raise TransitionRefused("only the listing's dealer or platform staff may do this", code="forbidden")
    if transition is Transition.PUBLISH and actor.trading_refusal is not None:
        raise TransitionRefused(
            f"the dealer may not publish: {actor.trading_refusal.replace('_', ' ')}", code="dealer_not_verified"
        )


# Price bands for facets, in 万元 (10,000 CNY): lower bound inclusive.
PRICE_BANDS: tuple[tuple[str, int], ...] = (
    ("0-5", 0),
    ("5-10", 5),
    ("10-15", 10),
    ("15-20", 15),
    ("20-30", 20),
    ("30-50", 30),
    ("50+", 50),
)
FEN_PER_WAN = 10_000 * 100


def price_band(price_fen: int) -> str:
    band = PRICE_BANDS[0][0]
    for name, lower_wan in PRICE_BANDS:
        if price_fen >= lower_wan * FEN_PER_WAN:
            band = name
    return band
