"""The facts figures are computed from: one completed auction sale, one session held.

Houses are keyed by a stable identifier (the platform's organisation id, or a reporting house's own key) and
carry a display name for rankings. Money is integer fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

EnergyType = Literal["ICE", "BEV", "PHEV", "HEV", "FCEV"]
ENERGY_TYPES: tuple[EnergyType, ...] = ("ICE", "BEV", "PHEV", "HEV", "FCEV")
# "unknown" until the settlement work records the registration transfer (过户/转籍) of the sale.
Transfer = Literal["none", "in_province", "cross_province", "unknown"]
TRANSFERS: tuple[Transfer, ...] = ("none", "in_province", "cross_province", "unknown")
SessionKind = Literal["online", "onsite", "hybrid"]
SESSION_KINDS: tuple[SessionKind, ...] = ("online", "onsite", "hybrid")


@dataclass(frozen=True)
class House:
    key: str
    name: str
    province: str = ""
    city: str = ""


@dataclass(frozen=True)
class SaleFact:
    """A completed sale: a hammered lot at or above reserve, an accepted conditional sale or a buy-now.

    An accepted offer on a fixed-price listing is not an auction sale and never becomes a SaleFact; a sale
    undone later (default, unwound dispute) is removed from the facts, and its re-sale is a new fact.
    """

    sale_key: str
    house: House
    session_key: str
    sold_at: datetime
    hammer_fen: int
    make: str
    energy: EnergyType
    seller_province: str = ""
    seller_city: str = ""
    transfer: Transfer = "unknown"

    def __post_init__(self) -> None:
        if isinstance(self.hammer_fen, bool) or not isinstance(self.hammer_fen, int) or self.hammer_fen <= 0:
            raise ValueError("a sale's hammer price is a positive integer of fen")
        if self.sold_at.tzinfo is None:
            raise ValueError("a sale's time carries its offset")


@dataclass(frozen=True)
class SessionFact:
    """A session held (拍卖会): it counts whether or not anything sold in it."""

    session_key: str
    house: House
    kind: SessionKind
    held_on: date

    @property
    def online(self) -> bool:
        # A hybrid session counts as on-site (现场) unless it was run online (then it is recorded as online).
        return self.kind == "online"
