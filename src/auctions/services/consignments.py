"""Consignment (委托拍卖): a dealer lets an auction house offer one of its vehicles; the house's vehicle picker.

The rule itself is pure (`auctions.domain.rights`); `catalogue.add_lot` consumes an active consignment in the same
transaction that creates the lot (compare-and-set on the status, so a racing withdrawal or a second lot loses).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auctions.domain import rights
from auctions.models import Consignment
from auctions.schemas import AuctionHouseOut, ConsignmentIn, ConsignmentOut
from auctions.services.catalogue import is_house_staff
from auctions.services.present import vehicle_out
from listings import vehicles
from marketplace.accounts import organisations
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import SELLING_ROLES, Principal
from marketplace.accounts.models import Organisation
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.web.pagination import PageQuery, decode_cursor, encode_cursor


class ConsignmentQuery(PageQuery):
    role: Literal["seller", "house"] | None = Field(default=None, description="as the seller, or as the house")
    status: Literal["active", "used", "withdrawn"] | None = None


class ConsignmentPage(BaseModel):
    items: list[ConsignmentOut]
    next_cursor: str | None


def vehicle_not_found() -> NotFound:
    # The same answer for a vehicle that does not exist and one the caller has no right to: existence is private.
    return NotFound("no such vehicle", code="vehicle_not_found")


async def _out(rows: list[Consignment]) -> list[ConsignmentOut]:
    described = await vehicles.describe_many(list({r.vehicle_id for r in rows}))
    org_ids = {r.seller_org_id for r in rows} | {r.house_org_id for r in rows}
    names = dict(await Organisation.filter(id__in=list(org_ids)).values_list("id", "name"))
    out = []
    for r in rows:
        v = described.get(r.vehicle_id)
        vehicle = vehicle_out(v)
        if vehicle is not None and v is not None:
            vehicle.update(vin=v.vin, series=v.series)
        out.append(
            ConsignmentOut(
                id=r.id,
                vehicle_id=r.vehicle_id,
                seller_org_id=r.seller_org_id,
                seller_name=str(names.get(r.seller_org_id, "")),
                house_org_id=r.house_org_id,
                house_name=str(names.get(r.house_org_id, "")),
                status=rights.Status(r.status).value,
                suggested_reserve=r.suggested_reserve,
                note=r.note,
                lot_id=r.lot_id,
                created_at=r.created_at,
                updated_at=r.updated_at,
                vehicle=vehicle,
            )
        )
    return out


async def consign(principal: Principal, body: ConsignmentIn, ip: str = "") -> ConsignmentOut:
    if body.vehicle_id is not None:
        vehicle = await vehicles.describe(body.vehicle_id)
    else:
        vehicle = await vehicles.describe_vin(body.vin or "", principal.memberships)
    if vehicle is None or not principal.roles_in(vehicle.owner_org_id):
        raise vehicle_not_found()
    seller = vehicle.owner_org_id
    if not principal.roles_in(seller) & SELLING_ROLES:
        raise Forbidden("only the dealer's staff may consign its vehicles", code="insufficient_role")
    refusal = await organisations.trading_refusal(principal.user_id, seller, datetime.now(UTC).date())
    if refusal:
        raise Forbidden("you may not sell for this organisation", code=refusal)
    house = await Organisation.get_or_none(id=body.house_org_id)
    problem = rights.house_refusal(house.kind if house else None, house.verification_status if house else None)
    if problem == "not_an_auction_house":
        raise ValidationFailed(
            "vehicles can only be consigned to an auction house",
            code=problem,
            details=[{"loc": ["body", "house_org_id"], "msg": "not an auction house"}],
        )
    if problem:
        raise Forbidden("the auction house must be verified", code=problem)
    held = await vehicles.engaged_by(vehicle.id)
    if held is not None:
        # Told now, not when the house adds the lot: a car on sale retail (or in a lot) cannot also be consigned.
        kind, ref = held
        if kind == "listing":
            raise Conflict(
                "this vehicle has an open listing: withdraw the listing before consigning it",
                code="vehicle_listed",
                details={"listing_id": ref},
            )
        raise Conflict("this vehicle is already in an auction lot", code="vehicle_in_lot", details={"lot_id": ref})
    if await Consignment.exists(vehicle_id=vehicle.id, house_org_id=body.house_org_id, status=rights.Status.ACTIVE):
        raise Conflict("this vehicle is already consigned to this house", code="already_consigned")
    async with in_transaction() as conn:
        try:
            row = await Consignment.create(
                vehicle_id=vehicle.id,
                seller_org_id=seller,
                house_org_id=body.house_org_id,
                created_by_user_id=principal.user_id,
                suggested_reserve=body.suggested_reserve,
                note=body.note,
                using_db=conn,
            )
        except IntegrityError:  # the same consignment made at the same moment (unique index, migration 0004)
            raise Conflict("this vehicle is already consigned to this house", code="already_consigned") from None
        await audit(
            "consignment.created",
            actor=principal.user_id,
            target=f"consignment:{row.id}",
            details={"vehicle_id": vehicle.id, "seller_org_id": seller, "house_org_id": body.house_org_id},
            ip=ip,
            conn=conn,
        )
    return (await _out([row]))[0]


async def list_consignments(principal: Principal, query: ConsignmentQuery) -> ConsignmentPage:
    """The caller's organisations' consignments: as the seller (any member) and as the house (its staff)."""
    seller_orgs = list(principal.memberships) if query.role != "house" else []
    house_orgs = [o for o in principal.memberships if is_house_staff(principal, o)] if query.role != "seller" else []
    qs = Consignment.filter(Q(seller_org_id__in=seller_orgs) | Q(house_org_id__in=house_orgs))
    if query.status is not None:
        qs = qs.filter(status=query.status)
    if query.cursor:
        qs = qs.filter(id__lt=decode_cursor(query.cursor))
    rows = list(await qs.order_by("-id").limit(query.limit + 1))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return ConsignmentPage(items=await _out(rows), next_cursor=encode_cursor(rows[-1].id) if more and rows else None)


async def withdraw(principal: Principal, consignment_id: int, ip: str = "") -> ConsignmentOut:
    row = await Consignment.get_or_none(id=consignment_id)
    if row is None or not (principal.roles_in(row.seller_org_id) or is_house_staff(principal, row.house_org_id)):
        raise NotFound("no such consignment", code="consignment_not_found")
    if not principal.roles_in(row.seller_org_id) & SELLING_ROLES:
        raise Forbidden("only the seller's staff may withdraw a consignment", code="insufficient_role")
    refusal = rights.withdraw_refusal(row.status)
    if refusal:
        raise Conflict("this consignment can no longer be withdrawn", code=refusal)
    async with in_transaction() as conn:
        changed = (
            await Consignment.filter(id=row.id, status=rights.Status.ACTIVE)
            .using_db(conn)
            .update(status=rights.Status.WITHDRAWN, withdrawn_by_user_id=principal.user_id)
        )
        if changed != 1:  # the house put it in a lot a moment ago
            raise Conflict("this consignment is now in a lot", code="consignment_in_lot")
        await audit(
            "consignment.withdrawn",
            actor=principal.user_id,
            target=f"consignment:{row.id}",
            details={"vehicle_id": row.vehicle_id, "house_org_id": row.house_org_id},
            ip=ip,
            conn=conn,
        )
    await row.refresh_from_db()
    return (await _out([row]))[0]


async def auction_houses() -> list[AuctionHouseOut]:
    """Verified auction houses a dealer may consign to (public: names only)."""
    rows = await Organisation.filter(kind="auction_house", verification_status="verified").order_by("name").limit(500)
    return [AuctionHouseOut(id=o.id, name=o.name) for o in rows]
