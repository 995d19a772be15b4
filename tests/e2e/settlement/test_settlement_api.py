"""Settlement over HTTP, from the fee schedule to a paid invoice, through the real relay and job queue.

A house publishes its fee schedule and the estimator quotes a price; a session published afterwards pins it; a
lot is sold; the relay hands the sale event to settlement's job; the buyer sees the invoice the estimator
predicted; house staff record bank receipts; the trial balance balances and the statements show each entry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret, token_hash
from marketplace.accounts.models import Session, User
from tests.support import ApiClient

RULES: dict[str, Any] = {
    "buyer_premium": [
        {"lower_fen": 0, "upper_fen": 9_999_999, "rate_bp": 500, "min_fen": 50_000},
        {"lower_fen": 10_000_000, "upper_fen": None, "rate_bp": 300, "cap_fen": 1_000_000},
    ],
    "seller_commission": [{"lower_fen": 0, "upper_fen": None, "flat_fen": 80_000}],
    "fixed": [{"kind": "document", "side": "buyer", "amount_fen": 20_000}],
    "storage": {"daily_fen": 5_000, "free_working_days": 7},
    "late": {"rate_bp": 100},
    "relist_fee_fen": 50_000,
}


async def login(client: ApiClient, user: User) -> None:
    client.bearer = None
    client.http.cookies.clear()
    raw, csrf = new_secret(), new_secret()
    await Session.create(
        token_hash=token_hash(raw), csrf_token=csrf, user_id=user.id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    client.http.cookies.set(SESSION_COOKIE, raw)
    client.http.cookies.set(CSRF_COOKIE, csrf)


async def test_from_fee_schedule_to_paid_invoice(client: ApiClient) -> None:
    from auctions.services import catalogue
    from tests.support_auctions import make_world
    from tests.support_settlement import sell_lot

    services = client.app.state.services
    world = await make_world(client.app, publish=False)
    house = world.house.id
    await login(client, world.auctioneer)  # auctioneer and house_admin
    r = await client.post(f"/api/houses/{house}/fee-schedules", json={"rules": RULES, "note": "2026 tariff"})
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    quote = await client.get(f"/api/houses/{house}/fee-estimate", params={"amount": 300_000})
    assert quote.status_code == 200, quote.text
    q = quote.json()
    assert (q["buyer_premium_fen"], q["total_due_fen"], q["seller_net_fen"]) == (50_000, 370_000, 220_000)
    assert q["fee_schedule_version"] == 1
    assert q["basis"] == "house"

    # The session sold below is another of the house's sessions: publish one first to see the pin.
    await catalogue.publish(await world.principal(world.auctioneer), world.session.id)
    pinned = await client.get(
        f"/api/houses/{house}/fee-estimate", params={"amount": 300_000, "session_id": world.session.id}
    )
    assert pinned.json()["basis"] == "session"
    assert pinned.json()["total_due_fen"] == 370_000

    sold = await sell_lot(client.app, hammer=300_000)  # a fresh house without a schedule: statutory seller side
    # What the relay does with the event: the jobs subscribed to its topic. (Draining the whole queue would wait for
    # the lots' deferred close jobs; the in-process relay may run this job too, and a second run does nothing.)
    assert "settlement.settle_sale" in services.subscriptions["auctions.lot_sold"]
    await services.registry.functions["settlement.settle_sale"](sold["event"])
    buyer = sold["buyer"]
    await login(client, buyer)
    mine = await client.get("/api/me/invoices")
    assert mine.status_code == 200, mine.text
    (invoice,) = mine.json()["items"]
    assert invoice["lot_id"] == sold["lot"].id
    assert invoice["status"] == "paid"  # the 5,000 元 deposit covers 3,150 元
    assert invoice["deposit_applied_fen"] == 315_000
    assert invoice["balance_due_fen"] == 0
    detail = await client.get(f"/api/invoices/{invoice['id']}")
    assert detail.json() == invoice

    # The estimator for that session quotes what the invoice says: one code path.
    other_house = sold["world"].house.id
    again = await client.get(
        f"/api/houses/{other_house}/fee-estimate", params={"amount": 300_000, "session_id": sold["world"].session.id}
    )
    assert again.json()["total_due_fen"] == invoice["total_fen"]


async def test_receipts_trial_balance_and_statement_over_http(client: ApiClient) -> None:
    from marketplace.settlement.services import sales
    from tests.support_settlement import sell_lot

    sold = await sell_lot(client.app, hammer=2_000_000)
    event = sold["event"]
    event["payload"] = {**event["payload"], "deposit_fen": 0}
    await client.app.state.services.relay.stop()
    await sales.consume(event)
    house = sold["world"].house.id
    await login(client, sold["world"].auctioneer)
    (invoice,) = (await client.get(f"/api/houses/{house}/invoices", params={"status": "open"})).json()["items"]
    assert invoice["total_fen"] == 2_100_000  # 5 % premium from the session's own table
    body = {"invoice_id": invoice["id"], "reference": "ICBC 20261201 0007", "amount_fen": 1_000_000,
            "received_on": "2026-12-01"}  # fmt: skip
    first = await client.post(f"/api/houses/{house}/receipts", json=body)
    assert first.status_code == 201, first.text
    assert first.json()["allocation"] == [["buyer_premium", 100_000], ["hammer", 900_000]]
    replay = await client.post(f"/api/houses/{house}/receipts", json=body)
    assert replay.status_code == 200
    assert replay.json()["created"] is False
    assert replay.json()["id"] == first.json()["id"]
    reused = await client.post(f"/api/houses/{house}/receipts", json={**body, "amount_fen": 1})
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "receipt_reference_used"
    over = await client.post(
        f"/api/houses/{house}/receipts", json={**body, "reference": "ICBC 20261201 0008", "amount_fen": 1_200_000}
    )
    assert (over.json()["applied_fen"], over.json()["credit_fen"]) == (1_100_000, 100_000)

    tb = (await client.get(f"/api/houses/{house}/trial-balance")).json()
    assert tb["balanced"] is True
    assert tb["total_debit_fen"] == tb["total_credit_fen"] == 2_200_000  # bank: 1万 + 1.2万 元
    codes = {line["code"]: line for line in tb["lines"]}
    assert codes["bank_clearing"]["debit_fen"] == 2_200_000
    assert codes["buyer_credit"]["credit_fen"] == 100_000
    assert "buyer_receivable" not in codes  # settled: zero balances are left out

    account = codes["buyer_credit"]["account_id"]
    st = (await client.get(f"/api/houses/{house}/accounts/{account}/entries")).json()
    assert st["balance_fen"] == 100_000
    assert [(e["kind"], e["amount_fen"], e["balance_after_fen"]) for e in st["items"]] == [
        ("receipt", -100_000, -100_000)
    ]
    bad = await client.get(f"/api/houses/{house}/fee-estimate", params={"amount": -5})
    assert bad.status_code == 422
    invalid = await client.post(
        f"/api/houses/{house}/fee-schedules",
        json={"rules": {**RULES, "buyer_premium": [{"lower_fen": 5, "upper_fen": None}]}},
    )
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "invalid_fee_rules"
    assert invalid.json()["error"]["details"][0]["loc"] == ["body", "rules", "buyer_premium", 0, "lower_fen"]
