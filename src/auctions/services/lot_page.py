"""A lot's page beside the live room: the car (photos, key specs, the condition report's summary) and its state.

What does not change while bidding runs comes over HTTP once; the price and the clock come over the socket.
A lot is as visible as its session (published: everyone; a draft: its house's staff).
"""

from __future__ import annotations

from typing import Any

from auctions.domain.condition import condition_summary
from auctions.domain.lot import LotState
from auctions.domain.terms import engine_terms
from auctions.models import Lot, Registration
from auctions.services.catalogue import visible_session
from auctions.services.present import Viewer, lot_out
from listings import showcase, vehicles
from marketplace.accounts.domain import Principal
from marketplace.errors import NotFound
from marketplace.ports.files.base import FileStorage, StoredObject


async def _visible_lot(principal: Principal | None, lot_id: int) -> tuple[Lot, Any]:
    lot = await Lot.get_or_none(id=lot_id)
    if lot is None:
        raise NotFound("no such lot", code="lot_not_found")
    try:
        session = await visible_session(lot.session_id, principal)
    except NotFound:
        raise NotFound("no such lot", code="lot_not_found") from None
    return lot, session


async def lot_page(principal: Principal | None, lot_id: int) -> dict[str, Any]:
    lot, session = await _visible_lot(principal, lot_id)
    paddle = None
    if principal is not None:
        reg = await Registration.get_or_none(session_id=session.id, user_id=principal.user_id)
        paddle = reg.paddle if reg else None
    terms = engine_terms(session.kind, session.terms, lot.starting_price, lot.reserve_price, lot.buy_now_price)
    vehicle = await vehicles.describe(lot.vehicle_id)
    viewer = Viewer.of(principal, paddle)
    out = lot_out(lot, LotState.from_json(lot.state), terms, session.house_org_id, viewer, vehicle)
    shown = await showcase.showcase(lot.vehicle_id)
    specs = shown.specs if shown else {}
    out["session_title"] = session.title
    out["specs"] = specs
    out["photos"] = [
        {
            "id": p.id,
            "url": f"/api/lots/{lot.id}/photos/{p.id}",
            "thumb_url": f"/api/lots/{lot.id}/photos/{p.id}?size=thumb" if p.has_thumb else None,
            "width": p.width,
            "height": p.height,
        }
        for p in (shown.photos if shown else [])
    ]
    out["condition"] = condition_summary(
        lot.condition_report,
        shown.condition_items if shown else [],
        {k: bool(specs.get(k)) for k in ("accident", "flood", "fire")},
    )
    return out


async def lot_photo(
    files: FileStorage, principal: Principal | None, lot_id: int, photo_id: int, thumb: bool
) -> tuple[StoredObject, str]:
    lot, _ = await _visible_lot(principal, lot_id)
    found = await showcase.photo(files, lot.vehicle_id, photo_id, thumb)
    if found is None:
        raise NotFound("no such photo")
    return found
