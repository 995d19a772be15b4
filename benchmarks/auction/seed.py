"""Seeds a benchmark database: one auction house, lots, bidders with confirmed deposits and API tokens."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from auctions.demo import DEMO_TERMS
from auctions.domain import lot as engine
from auctions.domain.terms import engine_terms, to_ms
from auctions.models import AuctionSession, Consignment, Lot, Registration
from listings.models import Vehicle, VehicleEngagement
from marketplace.accounts.auth import token_hash
from marketplace.accounts.models import ApiToken, Organisation, User

TERMS: dict[str, Any] = {**DEMO_TERMS, "title": None, "buying_limit": 10**12, "lot_duration_seconds": 3_600}
TERMS.pop("title")
TERMS.pop("demo")


async def seed(lots: int, bidders: int) -> dict[str, Any]:
    tag = secrets.token_hex(3)
    house = await Organisation.create(
        name=f"bench house {tag}", kind="auction_house", business_licence_no=f"H{tag}", verification_status="verified"
    )
    seller = await Organisation.create(
        name=f"bench seller {tag}", kind="dealer", business_licence_no=f"S{tag}", verification_status="verified"
    )
    buyers = await Organisation.create(
        name=f"bench buyers {tag}", kind="dealer", business_licence_no=f"B{tag}", verification_status="verified"
    )
    now = datetime.now(UTC)
    session = await AuctionSession.create(
        house_org_id=house.id,
        title="bench",
        kind="online",
        starts_at=now,
        status="published",
        terms=TERMS,
        created_by_user_id=0,
    )
    lot_ids = []
    for i in range(lots):
        v = await Vehicle.create(
            vin=f"B{tag}{i:010d}"[:17], owner_org_id=seller.id, make="bench", model="car", energy_type="ice"
        )
        ends = now + timedelta(hours=1)
        state = engine.timed(engine_terms("online", TERMS, 1, None, None), to_ms(now), to_ms(ends))
        lot = await Lot.create(
            session_id=session.id,
            position=i + 1,
            vehicle_id=v.id,
            seller_org_id=seller.id,
            starting_price=1_000_000,
            status="open",
            ends_at=ends,
            state=state.to_json(),
        )
        await VehicleEngagement.create(vehicle_id=v.id, kind="lot", ref_id=lot.id)
        # the seller consigned the vehicle to the house (委托拍卖), and this lot used that consignment
        await Consignment.create(
            vehicle_id=v.id,
            seller_org_id=seller.id,
            house_org_id=house.id,
            created_by_user_id=0,
            status="used",
            lot_id=lot.id,
        )
        lot_ids.append(lot.id)
    tokens = []
    for n in range(bidders):
        user = await User.create(email=f"bench-{tag}-{n}@bench.invalid", display_name=f"b{n}", password_hash="x")
        from marketplace.accounts.models import Membership

        await Membership.create(user_id=user.id, organisation_id=buyers.id, roles=["buyer"])
        await Registration.create(
            session_id=session.id,
            user_id=user.id,
            org_id=buyers.id,
            paddle=str(101 + n),
            deposit_amount=0,
            deposit_status="confirmed",
            payment_reference=f"bench-{n}",
        )
        raw = "mpt_" + secrets.token_urlsafe(24)
        await ApiToken.create(user_id=user.id, name="bench", token_hash=token_hash(raw), scopes=["read", "bid"])
        tokens.append(raw)
    return {"lots": lot_ids, "tokens": tokens}


async def seed_history(lot_id: int, events: int) -> None:
    """Gives a lot `events` past events the size of real bid events, for replays to be asked for."""
    from auctions.models import LotEvent

    now = datetime.now(UTC)
    at = to_ms(now)
    rows = []
    for n in range(1, events + 1):
        price = 1_000_000 + n * 10_000
        payload = {
            "type": "bid",
            "lines": [{"paddle": str(101 + n % 40), "amount": price, "auto": False}],
            "price": price,
            "leader": str(101 + n % 40),
            "at": at,
            "lot": {
                "status": "open",
                "price": price,
                "leader": str(101 + n % 40),
                "next_minimum": price + 10_000,
                "ends_at": at + 3_600_000,
                "bids": n,
                "decision_deadline": None,
                "counter": None,
            },
        }
        rows.append(LotEvent(lot_id=lot_id, seq=n, payload=payload, at=now))
    await LotEvent.bulk_create(rows)
    await Lot.filter(id=lot_id).update(seq=events)
