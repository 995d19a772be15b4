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
