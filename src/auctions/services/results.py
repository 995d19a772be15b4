"""A session's results for its house: one row per lot (status, hammer, premium, buyer's paddle), as CSV."""

from __future__ import annotations

from auctions.domain import results as rules
from auctions.domain.lot import LotState
from auctions.models import Lot, SaleRecord
from auctions.services.catalogue import require_house_staff, visible_session
from auctions.services.present import vehicle_out
from listings import vehicles
from marketplace.accounts.domain import Principal


async def export_results(principal: Principal, session_id: int) -> bytes:
    """The house's export (its staff and platform staff): reserves and paddles are the house's to see."""
    session = await visible_session(session_id, principal)
    require_house_staff(principal, session.house_org_id)
    lots = await Lot.filter(session_id=session.id).order_by("position")
    sales = {s.lot_id: s for s in await SaleRecord.filter(session_id=session.id)}
    described = await vehicles.describe_many([lot.vehicle_id for lot in lots])
    rows = []
    for lot in lots:
        summary = described.get(lot.vehicle_id)
        v = vehicle_out(summary)
        sale = sales.get(lot.id)
        rows.append(
            {
                "lot": lot.position,
                "vehicle": v["title"] if v else "",
                "vin": summary.vin if summary else "",
                "status": LotState.from_json(lot.state).status,
                "starting_price_yuan": rules.yuan(lot.starting_price),
                "reserve_price_yuan": rules.yuan(lot.reserve_price),
                "hammer_price_yuan": rules.yuan(sale.hammer_price if sale else None),
                "buyer_premium_yuan": rules.yuan(sale.buyer_premium if sale else None),
                "total_yuan": rules.yuan(sale.hammer_price + sale.buyer_premium if sale else None),
                "buyer_paddle": sale.buyer_paddle if sale else "",
                "via": sale.via if sale else "",
                "sold_at": sale.sold_at.isoformat() if sale else "",
            }
        )
    return rules.results_csv(rows)
