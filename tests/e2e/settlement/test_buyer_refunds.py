"""Buyer refunds over HTTP: a dispute's price adjustment is owed as the buyer's credit and becomes a task for the
house's staff, a buyer asks for a bank over-payment back, and bank money leaves only when the staff record the
transfer — once, however often or however concurrently it is recorded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import Organisation
from marketplace.errors import ApiError
from marketplace.settlement.models import BuyerRefund, LedgerTransaction
from marketplace.settlement.services import refunds
from tests.e2e.settlement.handover_world import TOTAL, World, build
from tests.support import ApiClient

REFUND = 1_000_000


async def lines(client: ApiClient, w: World) -> dict[str, int]:
    """The house's trial balance as code → debit − credit."""
    await w.as_("house_admin")
    tb = (await client.get(f"/api/houses/{w.house}/trial-balance")).json()
    return {x["code"]: x["debit_fen"] - x["credit_fen"] for x in tb["lines"]}


async def adjusted(client: ApiClient) -> tuple[World, dict[str, object]]:
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    d = (await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})).json()
    await w.as_("house_admin")
    body = {"answer": "price_adjustment", "refund_fen": REFUND, "note": "退 1 万元"}
    assert (await client.post(f"/api/disputes/{d['id']}/answer", json=body)).status_code == 200
    (task,) = (await client.get(f"/api/houses/{w.house}/buyer-refunds")).json()["items"]
    return w, task


async def test_an_adjustment_is_owed_until_the_staff_record_the_transfer_once(client: ApiClient) -> None:
    w, task = await adjusted(client)
    assert (task["source"], task["amount_fen"], task["status"]) == ("adjustment", REFUND, "due")
    assert task["user_id"] == w.users["buyer"].id
    books = await lines(client, w)
    assert (books["bank_clearing"], books["buyer_credit"]) == (TOTAL, -REFUND)  # nothing left the bank yet

    url = f"/api/houses/{w.house}/buyer-refunds/{task['id']}/complete"
    for who, status, code in (("platform", 403, "not_house_staff"), ("rival_admin", 404, None),
                              ("buyer", 404, None)):  # fmt: skip
        await w.as_(who)
        r = await client.post(url, json={"bank_reference": "RF-1"})
        assert r.status_code == status, (who, r.text)
        assert code is None or r.json()["error"]["code"] == code
    await w.as_("auctioneer")
    first = await client.post(url, json={"bank_reference": " RF-1 "})
    assert first.status_code == 201, first.text
    assert (first.json()["status"], first.json()["bank_reference"], first.json()["created"]) == ("done", "RF-1", True)
    again = await client.post(url, json={"bank_reference": "RF-1"})
    assert (again.status_code, again.json()["created"]) == (200, False)
    other = await client.post(url, json={"bank_reference": "RF-2"})
    assert (other.status_code, other.json()["error"]["code"]) == (409, "refund_already_recorded")
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="buyer_refunded").count() == 1
    books = await lines(client, w)
    assert books["bank_clearing"] == TOTAL - REFUND
    assert "buyer_credit" not in books
    await w.as_("house_admin")
    assert (await client.get(f"/api/houses/{w.house}/buyer-refunds", params={"status": "due"})).json()["items"] == []
    await w.as_("rival_admin")
    assert (await client.get(f"/api/houses/{w.house}/buyer-refunds")).status_code == 404


async def test_a_buyer_asks_for_a_bank_over_payment_back(client: ApiClient) -> None:
    w = await build(client)
    await w.pay(TOTAL + 50_000)
    await w.as_("buyer")
    (credit,) = (await client.get("/api/me/credits")).json()["items"]
    assert (credit["house_org_id"], credit["balance_fen"], credit["refundable_fen"]) == (w.house, 50_000, 50_000)
    assert credit["house_name"] == (await Organisation.get(id=w.house)).name  # the buyer knows houses by name
    url = f"/api/me/houses/{w.house}/credit-refund"
    too_much = await client.post(url, json={"amount_fen": 50_001})
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (409, "refund_exceeds_credit")
    nowhere = await client.post(f"/api/me/houses/{w.rival}/credit-refund", json={})
    assert (nowhere.status_code, nowhere.json()["error"]["code"]) == (404, "no_credit")
    asked = await client.post(url, json={"amount_fen": 30_000})
    assert asked.status_code == 201, asked.text
    assert (asked.json()["source"], asked.json()["amount_fen"]) == ("request", 30_000)
    twice = await client.post(url, json={"amount_fen": 10_000})
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "refund_request_open")
    (credit,) = (await client.get("/api/me/credits")).json()["items"]
    assert (credit["refundable_fen"], credit["request_open"]) == (20_000, True)
    await w.as_("stranger")
    assert (await client.get("/api/me/credits")).json()["items"] == []

    await w.as_("auctioneer")
    done = await client.post(f"/api/houses/{w.house}/buyer-refunds/{asked.json()['id']}/complete",
                             json={"bank_reference": "RF-30"})  # fmt: skip
    assert done.status_code == 201, done.text
    assert (await lines(client, w))["buyer_credit"] == -20_000
    await w.as_("buyer")
    again = await client.post(url, json={})  # the first request is done: another may be made, for the rest
    assert (again.status_code, again.json()["amount_fen"]) == (201, 20_000)
    await w.as_("auctioneer")
    reused = await client.post(f"/api/houses/{w.house}/buyer-refunds/{again.json()['id']}/complete",
                               json={"bank_reference": "RF-30"})  # fmt: skip
    assert (reused.status_code, reused.json()["error"]["code"]) == (409, "refund_reference_used")


async def test_completion_is_checked_against_the_credit_left(client: ApiClient) -> None:
    w = await build(client)
    await w.pay(TOTAL + 50_000)
    await w.as_("buyer")
    asked = (await client.post(f"/api/me/houses/{w.house}/credit-refund", json={})).json()
    # The credit is spent elsewhere meanwhile (as applying it to another invoice would): the task may not pay it.
    await BuyerRefund.filter(id=asked["id"]).update(amount_fen=50_001)
    await w.as_("auctioneer")
    r = await client.post(f"/api/houses/{w.house}/buyer-refunds/{asked['id']}/complete",
                          json={"bank_reference": "RF-X"})  # fmt: skip
    assert (r.status_code, r.json()["error"]["code"]) == (409, "insufficient_balance")
    assert not await LedgerTransaction.filter(house_org_id=w.house, kind="buyer_refunded").exists()


async def test_two_completions_at_once_post_once(client: ApiClient) -> None:
    """A double click: both requests race (on PostgreSQL, truly at once); one posts, the other finds it done."""
    w, task = await adjusted(client)
    staff = await principal_for_user(w.users["auctioneer"])
    at = datetime.now(UTC)
    results = await asyncio.gather(
        *[refunds.complete(staff, w.house, int(task["id"]), "RF-9", at) for _ in range(2)], return_exceptions=True
    )
    assert not [r for r in results if isinstance(r, (ApiError, Exception))], results
    assert sorted(created for _, created in results) == [False, True]  # type: ignore[misc]
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="buyer_refunded").count() == 1
    assert (await lines(client, w))["bank_clearing"] == TOTAL - REFUND
