"""Who may see and change a dealer's listings.

Every member of the dealer (and platform staff) sees its private listings and inventory; only its selling
staff (`dealer_admin`, `dealer_staff`) change them and answer offers. A dealer's `buyer`-role members buy
for it: they read the inventory but do not sell (the same rule as consignment and conditional sales).
"""

from __future__ import annotations

from listings.domain.lifecycle import Status
from listings.models import Listing
from marketplace.accounts.domain import SELLING_ROLES, Kind, Principal
from marketplace.errors import Forbidden, NotFound

PUBLIC = frozenset({Status.PUBLISHED, Status.RESERVED, Status.SOLD})


def is_member(principal: Principal | None, org_id: int) -> bool:
    return principal is not None and bool(principal.roles_in(org_id))


def manages(principal: Principal | None, org_id: int) -> bool:
    return principal is not None and (principal.is_platform_admin or is_member(principal, org_id))


def sells(principal: Principal | None, org_id: int) -> bool:
    return principal is not None and (principal.is_platform_admin or bool(principal.roles_in(org_id) & SELLING_ROLES))


def not_a_seller() -> Forbidden:
    return Forbidden("only the dealer's selling staff may do this", code="insufficient_role")


def require_dealer(principal: Principal, org_id: int, *, selling: bool = False) -> None:
    """Acting for a dealer's inventory: another organisation's inventory does not exist for you (404);
    changing it (`selling`) takes a selling role (403 `insufficient_role`)."""
    if principal.is_platform_admin:
        return
    if not is_member(principal, org_id):
        raise NotFound("not found")
    if principal.org_kinds.get(org_id) != Kind.DEALER:
        raise Forbidden("only dealer organisations hold an inventory")
    if selling and not sells(principal, org_id):
        raise not_a_seller()


def visible(principal: Principal | None, listing: Listing) -> bool:
    return Status(listing.status) in PUBLIC or manages(principal, listing.dealer_org_id)


async def load_visible(principal: Principal | None, listing_id: int) -> Listing:
    listing = await Listing.get_or_none(id=listing_id).select_related("vehicle")
    if listing is None or not visible(principal, listing):
        raise NotFound("not found")
    return listing


async def load_managed(principal: Principal, listing_id: int) -> Listing:
    """A listing the caller may change: 404 when it is private to another dealer, 403 when public."""
    listing = await load_visible(principal, listing_id)
    if not manages(principal, listing.dealer_org_id):
        raise Forbidden("only the listing's dealer or platform staff may do this")
    if not sells(principal, listing.dealer_org_id):
        raise not_a_seller()
    return listing
