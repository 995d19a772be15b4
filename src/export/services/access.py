"""Who may see and change an exporter's records.

Every member of the dealer (and platform staff) reads its orders, documents and events, and only its members the
consignee's personal data (name, address, contact: `sees_consignee`); its selling
staff (`dealer_admin`, `dealer_staff`) change them. Another organisation's records do not exist for you: 404, the
same answer as for a missing id (nothing reveals that another exporter has an order, a VIN or a document).
"""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model

from export.models import Batch, Order, OrderVehicle
from marketplace.accounts.domain import SELLING_ROLES, Kind, Principal
from marketplace.errors import Forbidden, NotFound

M = TypeVar("M", bound=Model)


def require_exporter(principal: Principal, org_id: int, *, write: bool = False) -> None:
    if principal.is_platform_admin:
        return
    if not principal.roles_in(org_id):
        raise NotFound("not found")
    if principal.org_kinds.get(org_id) != Kind.DEALER:
        raise Forbidden("only dealers export vehicles", code="not_a_dealer")
    if write and not principal.roles_in(org_id) & SELLING_ROLES:
        raise Forbidden("only the dealer's selling staff may do this", code="insufficient_role")


def sees_consignee(principal: Principal, org_id: int) -> bool:
    """The consignee's personal data (name, address, contact) is the dealer's, for its members only: platform staff
    oversee the order without it."""
    return bool(principal.roles_in(org_id))


def require_staff(principal: Principal) -> None:
    if not principal.is_platform_admin:
        raise Forbidden("platform staff only", code="staff_only")


async def _scoped(model: type[M], principal: Principal, row_id: int, write: bool) -> M:
    row = await model.get_or_none(id=row_id)
    org_id = getattr(row, "exporter_org_id", None) if row is not None else None
    if row is None or org_id is None:
        raise NotFound("not found")
    if not principal.is_platform_admin and not principal.roles_in(org_id):
        raise NotFound("not found")
    require_exporter(principal, org_id, write=write)
    return row


async def order(principal: Principal, order_id: int, *, write: bool = False) -> Order:
    return await _scoped(Order, principal, order_id, write)


async def vehicle(principal: Principal, vehicle_id: int, *, write: bool = False) -> OrderVehicle:
    return await _scoped(OrderVehicle, principal, vehicle_id, write)


async def batch(principal: Principal, batch_id: int, *, write: bool = False) -> Batch:
    return await _scoped(Batch, principal, batch_id, write)
