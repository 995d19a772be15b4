"""A world for the handover tests: a house with staff, a consignor with a selling member, a buyer, a sold lot with
its invoice, and helpers to pay it, issue the gate pass (the job the relay runs) and hand the vehicle over."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from marketplace.accounts.models import User
from marketplace.settlement.models import GatePass, Invoice, Sale
from marketplace.settlement.services import sales
from tests.e2e.settlement.test_settlement_api import login
from tests.support import ApiClient, make_member, make_org, make_platform_admin, make_user
from tests.support_settlement import sale_events

HAMMER = 12_345_600  # premium 5 % (the session's table) 617,280; seller commission 5 % (statutory) 617,280
TOTAL = 12_962_880
SELLER_NET = 11_728_320


def sold_event(house: int, seller: int, buyer: int, lot: int, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "event_id": str(uuid.uuid4()), "topic": "auctions.lot_sold", "created_at": now,
        "payload": {"lot_id": lot, "session_id": 900 + lot, "session_starts_at": now, "house_org_id": house,
                    "seller_org_id": seller, "vehicle_id": 40 + lot, "buyer_user_id": buyer, "buyer_org_id": None,
                    "buyer_paddle": "A001", "hammer_fen": HAMMER, "buyer_premium_fen": 617_280,
                    "premium_terms": [[0, 500, 0]], "deposit_fen": 0, "currency": "CNY", "sold_at": now,
                    "via": "timed", **extra},
    }  # fmt: skip


@dataclass
class World:
    client: ApiClient
    house: int
    rival: int
    seller_org: int
    users: dict[str, User]
    sale: Sale
    invoice: Invoice

    async def as_(self, who: str) -> None:
        await login(self.client, self.users[who])

    async def pay(self, amount: int | None = None, reference: str = "ICBC-PAY-1") -> None:
        """House staff record the buyer's bank receipt; the job on its event issues the gate pass."""
        await self.as_("auctioneer")
        body = {"invoice_id": self.invoice.id, "reference": reference, "amount_fen": amount or TOTAL,
                "received_on": "2026-12-01"}  # fmt: skip
        r = await self.client.post(f"/api/houses/{self.house}/receipts", json=body)
        assert r.status_code == 201, r.text
        await run_jobs(self.client, "settlement.receipt_recorded")

    async def hand_over(self, days_ago: float = 0) -> str:
        code = (await GatePass.get(sale_id=self.sale.id)).pass_code
        await self.as_("auctioneer")
        r = await self.client.post(f"/api/houses/{self.house}/gate-passes/scan", json={"code": code})
        assert r.status_code == 200, r.text
        if days_ago:
            at = datetime.now(UTC) - timedelta(days=days_ago)
            await GatePass.filter(sale_id=self.sale.id).update(handed_over_at=at)
        return code


async def run_jobs(client: ApiClient, topic: str) -> None:
    """What the relay does with a topic's events: each subscribed job (run again: a second run changes nothing)."""
    services = client.app.state.services
    for event in await sale_events(topic):
        for job in services.subscriptions.get(topic, []):
            await services.registry.functions[job](event)


async def build(client: ApiClient, lot: int = 1, **extra: Any) -> World:
    await client.app.state.services.relay.stop()  # the test runs each job itself, in order
    app = client.app
    house, rival = await make_org("auction_house"), await make_org("auction_house")
    seller, association = await make_org("dealer"), await make_org("association")
    users = {
        "auctioneer": (await make_member(app, house, ["auctioneer"], "auc")).user,
        "house_admin": (await make_member(app, house, ["house_admin"], "hadm")).user,
        "rival_admin": (await make_member(app, rival, ["house_admin"], "radm")).user,
        "seller": (await make_member(app, seller, ["dealer_admin"], "sell")).user,
        "association": (await make_member(app, association, ["analyst"], "assoc")).user,
        "platform": (await make_platform_admin(app)).user,
        "buyer": await make_user(app, "buyer"),
        "stranger": await make_user(app, "stranger"),
    }
    extra = {"seller_province": "江苏", "seller_city": "南京", **extra}
    assert await sales.consume(sold_event(house.id, seller.id, users["buyer"].id, lot, **extra))
    sale = await Sale.get(house_org_id=house.id, lot_id=lot)
    invoice = await Invoice.get(sale_id=sale.id)
    return World(client, house.id, rival.id, seller.id, users, sale, invoice)


async def with_open_dispute(client: ApiClient) -> tuple[World, int]:
    """A paid, handed-over sale whose buyer opened a dispute (mileage): the world and the dispute's id."""
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    r = await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "mileage", "description": "调表"})
    assert r.status_code == 201, r.text
    return w, int(r.json()["id"])
