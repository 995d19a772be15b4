"""Who may see and keep a set of books. The books belong to an organisation (an auction house, or a dealer for
its own listing sales); everyone else is told they do not exist (404), so their existence does not leak."""

from __future__ import annotations

from marketplace.accounts.domain import SELLING_ROLES, Kind, Principal, Role

STAFF_ROLES = frozenset({Role.HOUSE_ADMIN, Role.AUCTIONEER, Role.DEALER_ADMIN, Role.DEALER_STAFF})
ADMIN_ROLES = frozenset({Role.HOUSE_ADMIN, Role.DEALER_ADMIN})


def reads_books(principal: Principal, org_id: int) -> bool:
    """House staff read their own books; platform staff read any (oversight), but never keep them."""
    return principal.is_platform_admin or bool(principal.roles_in(org_id) & STAFF_ROLES)


def keeps_books(principal: Principal, org_id: int) -> bool:
    """Record receipts: the house's own staff only."""
    return bool(principal.roles_in(org_id) & STAFF_ROLES)


def sets_fees(principal: Principal, org_id: int) -> bool:
    """Publish or withdraw a fee schedule: the house's administrators only."""
    return bool(principal.roles_in(org_id) & ADMIN_ROLES)


def sees_invoice(principal: Principal, house_org_id: int, buyer_user_id: int, buyer_org_id: int | None) -> bool:
    if buyer_user_id == principal.user_id or reads_books(principal, house_org_id):
        return True
    return buyer_org_id is not None and bool(principal.roles_in(buyer_org_id))


# --- after the sale: buyers, sellers and the association (settle-handover) -----------------------------------


def is_buyer(principal: Principal, buyer_user_id: int, buyer_org_id: int | None) -> bool:
    """The buyer, or a member of the organisation it bought for."""
    if buyer_user_id == principal.user_id:
        return True
    return buyer_org_id is not None and bool(principal.roles_in(buyer_org_id))


def is_seller(principal: Principal, seller_org_id: int) -> bool:
    """Those who sell the consignor's stock (a dealer's `buyer`-role members buy for it and see none of this)."""
    return bool(principal.roles_in(seller_org_id) & SELLING_ROLES)


def is_association_staff(principal: Principal) -> bool:
    """A member of an industry association (协会): it sees the disputes escalated to it, nothing else here."""
    return any(
        principal.org_kinds.get(org) == Kind.ASSOCIATION and roles for org, roles in principal.memberships.items()
    )
