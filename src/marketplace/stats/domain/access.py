"""Who may see what of the statistics: the association's analysts (and platform staff) see unpublished data."""

from __future__ import annotations

from marketplace.accounts.domain import Kind, Principal, Role


def is_analyst(principal: Principal | None) -> bool:
    if principal is None:
        return False
    if principal.is_platform_admin:
        return True
    return any(
        Role.ANALYST in roles and principal.org_kinds.get(org_id) in (Kind.ASSOCIATION, Kind.PLATFORM)
        for org_id, roles in principal.memberships.items()
    )


def reporting_orgs(principal: Principal | None) -> set[int]:
    """The auction houses this caller may submit monthly returns for and read the desk's threads of: those
    where they are the house's admin. Everyone else's houses answer as if they did not exist."""
    if principal is None:
        return set()
    return {
        org_id
        for org_id, roles in principal.memberships.items()
        if Role.HOUSE_ADMIN in roles and principal.org_kinds.get(org_id) == Kind.AUCTION_HOUSE
    }
