"""What a viewer may see of a lot: public state for everyone; the reserve only for the seller and the house."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auctions.domain import lot as engine
from auctions.domain.lot import LotState, Terms
from auctions.domain.rights import HOUSE_ROLES
from auctions.models import Bid, Lot, LotEvent
from listings.vehicles import VehicleSummary
from marketplace.accounts.domain import SELLING_ROLES, Principal

HISTORY = 30


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    paddle: str | None = None
    privileged_orgs: frozenset[int] = field(default_factory=frozenset)
    platform_admin: bool = False

    @staticmethod
    def of(principal: Principal | None, paddle: str | None = None) -> Viewer:
        if principal is None:
            return Viewer()
        # The seller's selling staff and the house's staff see a lot's secret reserve; a dealer's buyers do not.
        privileged = frozenset(
            org for org, roles in principal.memberships.items() if roles & (SELLING_ROLES | HOUSE_ROLES)
        )
        return Viewer(principal.user_id, paddle, privileged, principal.is_platform_admin)

    def sees_reserve(self, lot: Lot, house_org_id: int) -> bool:
        return self.platform_admin or bool(self.privileged_orgs & {lot.seller_org_id, house_org_id})


def vehicle_out(v: VehicleSummary | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "id": v.id,
        "title": f"{v.make} {v.model} {v.series}".strip(),
        "make": v.make,
        "model": v.model,
        "energy_type": v.energy_type,
        "model_year": v.model_year,
        "first_registration": v.first_registration.isoformat() if v.first_registration else None,
        "mileage_km": v.mileage_km,
        "transfers": v.transfers,
        "colour": v.colour,
        "city": v.registration_city,
    }


def lot_out(
    lot: Lot,
    state: LotState,
    terms: Terms,
    house_org_id: int,
    viewer: Viewer,
    vehicle: VehicleSummary | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": lot.id,
        "session_id": lot.session_id,
        "position": lot.position,
        "mode": terms.mode,
        "vehicle": vehicle_out(vehicle),
        "condition_report": lot.condition_report,
        "starting_price": lot.starting_price,
        "buy_now_price": terms.buy_now,
        "status": state.status,
        "price": state.price,
        "leader": state.leader,
        "next_minimum": engine.next_minimum(state, terms),
        "increment": terms.ladder.increment(state.price or terms.starting),
        "opens_at": state.opens_at,
        "ends_at": state.ends_at,
        "scheduled_end": state.scheduled_end,
        "remaining_ms": state.remaining_ms,
        "decision_deadline": state.decision_deadline,
        "counter": state.counter,
        "bids": state.bids,
        "reserve_met": engine.reserve_met(state, terms),
        "seq": lot.seq,
    }
    if viewer.sees_reserve(lot, house_org_id):
        out["reserve_price"] = lot.reserve_price
    if viewer.paddle is not None:
        mine = state.entries.get(viewer.paddle)
        out["you"] = {
            "paddle": viewer.paddle,
            "max": mine.max if mine else None,
            "status": "leading" if state.leader == viewer.paddle else ("outbid" if mine else "none"),
        }
    return out


async def history(lot_id: int, limit: int = HISTORY) -> list[dict[str, Any]]:
    rows = await Bid.filter(lot_id=lot_id).order_by("-id").limit(limit)
    return [
        {
            "paddle": b.paddle,
            "amount": b.amount,
            "auto": b.kind == "auto",
            "kind": b.kind,
            "seq": b.seq,
            "at": int(b.received_at.timestamp() * 1000),
            "retracted": b.retracted,
        }
        for b in rows
    ]


async def events_after(lot_id: int, after_seq: int, upto: int | None = None) -> list[dict[str, Any]]:
    query = LotEvent.filter(lot_id=lot_id, seq__gt=after_seq)
    if upto is not None:
        query = query.filter(seq__lte=upto)
    return [{"seq": e.seq, "event": e.payload} for e in await query.order_by("seq")]
