"""Proxy (maximum) bids, 委托出价: the visible price follows from the standing maxima.

Resolving "one increment at a time" between two maxima ends where the closed form says:
the higher maximum leads at min(higher max, lower max + increment(lower max)); with equal
maxima the earlier one leads at that amount. A straight bid is a maximum equal to its amount
that also sets a floor (a jump bid shows its full amount).
"""

from __future__ import annotations

from dataclasses import dataclass

from auctions.domain.increments import Ladder


@dataclass
class Entry:
    bidder: str  # paddle number
    max: int
    order: int  # when this maximum was set; the earlier wins a tie


@dataclass(frozen=True)
class Resolution:
    leader: str
    price: int
    lines: tuple[tuple[str, int, bool], ...]  # (paddle, amount, placed automatically) in history order


def ranked(entries: dict[str, Entry]) -> list[Entry]:
    return sorted(entries.values(), key=lambda e: (-e.max, e.order))


def resolve(
    ladder: Ladder,
    entries: dict[str, Entry],
    challenger: str,
    floor: int,
    reserve: int | None,
    *,
    proxy: bool,
) -> Resolution:
    """The outcome after `challenger` set a new maximum (already in `entries`) that beats the minimum.

    `floor` is the least the challenger bid visibly: its amount for a straight bid, the next
    minimum for a proxy.
    """
    order = ranked(entries)
    top = order[0]
    others = [e for e in order if e.bidder != top.bidder]
    second = others[0] if others else None
    if top.bidder == challenger:
        price = floor if second is None else max(floor, min(top.max, ladder.next_above(second.max)))
        price = _lift_to_reserve(price, top.max, reserve)
        return Resolution(challenger, price, ((challenger, price, False),))
    # The standing leader's proxy answers the challenger.
    mine = entries[challenger]
    price = top.max if mine.max == top.max else min(top.max, ladder.next_above(mine.max))
    price = _lift_to_reserve(price, top.max, reserve)
    shown = mine.max if proxy else floor
    return Resolution(top.bidder, price, ((challenger, shown, False), (top.bidder, price, True)))


def _lift_to_reserve(price: int, leader_max: int, reserve: int | None) -> int:
    # A maximum at or above the reserve lifts the price to the reserve (reserves sit on the grid).
    if reserve is not None and price < reserve <= leader_max:
        return reserve
    return price
