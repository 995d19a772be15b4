"""Pure rules of consignment (委托拍卖): who may put a vehicle into an auction house's session. No I/O.

A vehicle becomes a lot only with its owner's consent: the owner organisation is the house itself, or the
owner has consigned that vehicle to that house and the consignment is still active (not withdrawn, not
already backing a lot). Anything else looks, to the house, exactly like a vehicle that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketplace.accounts.domain import Role

# A house's staff run its sessions (the seller's side: accounts' SELLING_ROLES).
HOUSE_ROLES = frozenset({Role.HOUSE_ADMIN, Role.AUCTIONEER})


class Status(StrEnum):
    ACTIVE = "active"  # the house may put the vehicle in a lot
    USED = "used"  # it backs a lot (final: after a pass the seller consigns again, with fresh terms)
    WITHDRAWN = "withdrawn"  # the seller took it back before the house used it


@dataclass(frozen=True)
class ConsignmentView:
    vehicle_id: int
    seller_org_id: int
    house_org_id: int
    status: str


def may_offer(vehicle_owner_org_id: int, house_org_id: int, consignment: ConsignmentView | None) -> bool:
    """Whether the house may put this vehicle into one of its sessions (with this consignment, if any)."""
    if vehicle_owner_org_id == house_org_id:
        return True
    return (
        consignment is not None
        and consignment.status == Status.ACTIVE
        and consignment.house_org_id == house_org_id
        # the seller who consented must still own the vehicle
        and consignment.seller_org_id == vehicle_owner_org_id
    )


def house_refusal(kind: str | None, verification_status: str | None) -> str | None:
    """Why an organisation cannot take consignments (None: it can). Only verified auction houses sell for others."""
    if kind != "auction_house":
        return "not_an_auction_house"
    if verification_status != "verified":
        return "house_not_verified"
    return None


def withdraw_refusal(status: str) -> str | None:
    """Why the seller may not withdraw (None: they may). A consignment backing a lot stays with that lot."""
    if status == Status.ACTIVE:
        return None
    if status == Status.USED:
        return "consignment_in_lot"
    return "consignment_withdrawn"


def bidder_refusal(
    member_of: frozenset[int] | set[int], bidding_for: int | None, seller_org_id: int, house_org_id: int
) -> str | None:
    """Why this person may not bid on this lot at all (None: eligibility is not in the way).

    `member_of` are the bidder's organisations, `bidding_for` the one their registration names (None: as an
    individual). A member of the house is refused whatever organisation they registered through: the Auction
    Law (拍卖法 art. 22) bars the auctioneer and its staff from bidding in auctions it runs. The seller's
    organisation never bids on its own lots (shill bidding), likewise through any registration.
    """
    if house_org_id in member_of or bidding_for == house_org_id:
        return "house_staff_cannot_bid"
    if seller_org_id in member_of or bidding_for == seller_org_id:
        return "own_lot"
    return None


def standing_refusal(bidding_for: int | None, org_status: str | None) -> str | None:
    """Why the organisation a registration names may not bid today (None: it may).

    Registration checked the dealer once; platform staff may suspend or cancel it afterwards, and a
    suspended dealer must not go on buying in sessions it registered for earlier.
    """
    if bidding_for is not None and org_status != "verified":
        return "dealer_not_verified"
    return None


def registration_refusal(member_of: frozenset[int] | set[int], house_org_id: int) -> str | None:
    """Why this person may not register for the house's session (None: the house does not object)."""
    return "house_staff_cannot_bid" if house_org_id in member_of else None
