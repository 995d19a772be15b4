"""The house-wide list of consignor payouts over HTTP: who sees it (the house's staff; everyone else is told no such
house), each state filtered in SQL agreeing with the one-sale view, pagination by cursor, and the due date.

House H has five consigned sales: A due (paid, handed over 8 days ago), B paid out, C not paid, D handed over just
now (the dispute window open), E unwound. Rival house R has a due payout of its own that H never sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import User
from marketplace.settlement.domain.handover import DEFAULT_WINDOW_DAYS
from marketplace.settlement.models import GatePass, Invoice, Sale
from marketplace.settlement.services import handover, invoices, payouts, sales
from marketplace.settlement.services.invoices import local_day
from tests.e2e.settlement.handover_world import TOTAL, sold_event
from tests.e2e.settlement.test_settlement_api import login
from tests.support import ApiClient, make_member, make_org, make_platform_admin, make_user


@dataclass
class World:
    house: int
    rival: int
    users: dict[str, User]
    sales: dict[str, Sale]
    handed_over: datetime


async def _sell(house: int, seller: int, buyer: User, lot: int, staff: Any, now: datetime, *, pay: bool = True,
                hand_over: bool = True) -> Sale:  # fmt: skip
    assert await sales.consume(sold_event(house, seller, buyer.id, lot))
    sale = await Sale.get(house_org_id=house, lot_id=lot)
    if pay:
        invoice = await Invoice.get(sale_id=sale.id)
        await invoices.record_receipt(staff, house, invoice.id, f"PAY-{house}-{lot}", TOTAL, date(2026, 12, 1), now)
        gate = await handover.issue_if_paid(invoice.id, now)
        assert gate is not None
        if hand_over:
            await handover.scan(staff, house, gate.pass_code, now)
    return sale


async def build(client: ApiClient) -> World:
    await client.app.state.services.relay.stop()  # the test sets every state itself
    app = client.app
    house, rival = await make_org("auction_house"), await make_org("auction_house")
    consignor = await make_org("dealer", name="南京恒通二手车")
    users = {
        "auctioneer": (await make_member(app, house, ["auctioneer"], "auc")).user,
        "house_admin": (await make_member(app, house, ["house_admin"], "hadm")).user,
        "rival_admin": (await make_member(app, rival, ["house_admin"], "radm")).user,
        "seller": (await make_member(app, consignor, ["dealer_admin"], "sell")).user,
        "platform": (await make_platform_admin(app)).user,
        "buyer": await make_user(app, "buyer"),
    }
    staff = await principal_for_user(users["auctioneer"])
    rival_staff = await principal_for_user(users["rival_admin"])
    now = datetime.now(UTC)
    made = {
        "a": await _sell(house.id, consignor.id, users["buyer"], 1, staff, now),
        "b": await _sell(house.id, consignor.id, users["buyer"], 2, staff, now),
        "c": await _sell(house.id, consignor.id, users["buyer"], 3, staff, now, pay=False),
        "d": await _sell(house.id, consignor.id, users["buyer"], 4, staff, now),
        "e": await _sell(house.id, consignor.id, users["buyer"], 5, staff, now, pay=False),
        "rival": await _sell(rival.id, consignor.id, users["buyer"], 7, rival_staff, now),
    }
    handed_over = now - timedelta(days=DEFAULT_WINDOW_DAYS + 1)
    for name in ("a", "b", "rival"):
        await GatePass.filter(sale_id=made[name].id).update(handed_over_at=handed_over)
    await payouts.record_payout(staff, made["b"].id, "ICBC-OUT-2", date(2026, 12, 2), now)
    await Sale.filter(id=made["e"].id).update(unwound_at=now)
    return World(house.id, rival.id, users, made, handed_over)


async def listed(client: ApiClient, house: int, **params: Any) -> list[dict[str, Any]]:
    r = await client.get(f"/api/houses/{house}/payouts", params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_only_the_house_staff_see_its_payouts(client: ApiClient) -> None:
    w = await build(client)
    for who in ("auctioneer", "house_admin", "platform"):  # platform staff read every house's books
        await login(client, w.users[who])
        assert len(await listed(client, w.house)) == 5, who
    for who in ("rival_admin", "seller", "buyer"):
        await login(client, w.users[who])
        r = await client.get(f"/api/houses/{w.house}/payouts", params={"state": "due"})
        missing = await client.get("/api/houses/2147483647/payouts", params={"state": "due"})
        assert r.status_code == 404, (who, r.text)
        assert r.json() == missing.json(), f"{who}: a foreign house answers otherwise than a missing one"
    # The rival's own list holds its due payout and none of H's.
    await login(client, w.users["rival_admin"])
    assert [x["sale_id"] for x in await listed(client, w.rival)] == [w.sales["rival"].id]
    client.http.cookies.clear()
    assert (await client.get(f"/api/houses/{w.house}/payouts")).status_code == 401


async def test_each_state_filters_and_agrees_with_the_sale_view(client: ApiClient) -> None:
    w = await build(client)
    s = w.sales
    await login(client, w.users["auctioneer"])
    by_state = {st: [x["sale_id"] for x in await listed(client, w.house, state=st)]
                for st in ("due", "waiting", "paid", "unwound")}  # fmt: skip
    assert by_state == {"due": [s["a"].id], "waiting": [s["d"].id, s["c"].id], "paid": [s["b"].id],
                        "unwound": [s["e"].id]}  # fmt: skip
    everything = await listed(client, w.house)
    assert [x["sale_id"] for x in everything] == [s[n].id for n in "edcba"]  # newest first
    for item in everything:
        one = (await client.get(f"/api/sales/{item['sale_id']}/payout")).json()
        if item["state"] != "unwound":
            assert (item["state"], item["waiting"]) == (one["state"], one["waiting"]), item
            assert item["amount_fen"] == one["figures"]["amount_fen"], item
        assert item["seller_name"] == "南京恒通二手车"
    rows = {x["sale_id"]: x for x in everything}
    due, paid, waiting = rows[s["a"].id], rows[s["b"].id], rows[s["c"].id]
    assert due["amount_fen"] > 0
    assert due["bank_reference"] is None
    assert due["due_date"] == local_day(w.handed_over + timedelta(days=DEFAULT_WINDOW_DAYS)).isoformat()
    assert (paid["bank_reference"], paid["paid_on"]) == ("ICBC-OUT-2", "2026-12-02")
    assert waiting["due_date"] is None
    assert set(waiting["waiting"]) == {"invoice_not_paid", "not_handed_over"}
    assert rows[s["d"].id]["waiting"] == ["dispute_window_open"]
    assert (rows[s["e"].id]["amount_fen"], rows[s["e"].id]["waiting"]) == (0, [])

    # Recording the due payout moves it from due to paid.
    r = await client.post(f"/api/sales/{s['a'].id}/payout", json={"bank_reference": "ICBC-OUT-1",
                                                                  "paid_on": "2026-12-03"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert await listed(client, w.house, state="due") == []
    assert [x["sale_id"] for x in await listed(client, w.house, state="paid")] == [s["b"].id, s["a"].id]

    bad = await client.get(f"/api/houses/{w.house}/payouts", params={"state": "overdue"})
    assert bad.status_code == 422


async def test_pages_walk_every_payout_once(client: ApiClient) -> None:
    w = await build(client)
    await login(client, w.users["house_admin"])
    for state, want in ((None, 5), ("waiting", 2)):
        seen: list[int] = []
        cursor = None
        for _ in range(10):
            params: dict[str, Any] = {"limit": 1, **({"state": state} if state else {})}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(f"/api/houses/{w.house}/payouts", params=params)).json()
            assert len(page["items"]) <= 1
            seen += [x["sale_id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == want == len(set(seen)), (state, seen)
        assert seen == sorted(seen, reverse=True)
    bad = await client.get(f"/api/houses/{w.house}/payouts", params={"cursor": "not-a-cursor"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_cursor")
    assert (await client.get(f"/api/houses/{w.house}/payouts", params={"limit": 101})).status_code == 422
