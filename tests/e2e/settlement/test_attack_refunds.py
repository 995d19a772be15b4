"""Hostile input to buyer refunds: a credit's currency that only looks like one, an unwind that names an amount, one
bank transfer recorded as two refunds (a deposit's and a buyer's, at the same moment), a house's refund list read
past one page. A 4xx with a stable code; money leaves the bank once per transfer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from tortoise.exceptions import IntegrityError

from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError
from marketplace.settlement.models import (
    BuyerRefund,
    DepositRefund,
    Dispute,
    Invoice,
    LedgerTransaction,
    RefundReference,
)
from marketplace.settlement.services import deposits, refunds
from marketplace.settlement.services import sweeper as settlement_sweeper
from tests.e2e.settlement.handover_world import TOTAL, build
from tests.e2e.settlement.test_deposits_defaults import sell
from tests.e2e.settlement.test_settlement_api import login
from tests.support import ApiClient


async def test_a_credit_refund_s_currency_is_three_latin_letters(client: ApiClient) -> None:
    w = await build(client)
    await w.pay(TOTAL + 50_000)
    await w.as_("buyer")
    url = f"/api/me/houses/{w.house}/credit-refund"
    for currency in ("1AB", "ｃｎｙ", "C-N", "€€€", "ÇNY", "", "CNYX"):
        r = await client.post(url, json={"currency": currency})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (currency, r.text)
    assert not await BuyerRefund.filter(house_org_id=w.house).exists()
    r = await client.post(url, json={"currency": " cny "})  # upper-cased first
    assert r.status_code == 201, r.text
    assert r.json()["currency"] == "CNY"


async def test_an_unwind_that_names_an_amount_is_refused(client: ApiClient) -> None:
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    d = (await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})).json()
    await w.as_("house_admin")
    r = await client.post(f"/api/disputes/{d['id']}/answer", json={"answer": "unwind", "refund_fen": 1})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_refund"), r.text
    assert (await Dispute.get(id=d["id"])).status == "open"
    assert not await LedgerTransaction.filter(house_org_id=w.house, kind__startswith="unwind").exists()
    assert not await BuyerRefund.filter(house_org_id=w.house).exists()


async def _a_deposit_refund_and_a_buyer_refund_due(client: ApiClient) -> tuple[int, int, int, Principal]:
    """A house owing a loser's deposit back (a deposit refund) and the winner's over-payment (a buyer refund)."""
    world, _, _, (winner, _) = await sell(client)
    house = world.house.id
    assert (await settlement_sweeper.sweep_once())["refunds_opened"] == 2
    deposit_refund = await DepositRefund.filter(house_org_id=house, rail="bank").order_by("id").first()
    assert deposit_refund is not None
    invoice = await Invoice.get(buyer_user_id=winner.id)
    await login(client, world.auctioneer)
    body = {"invoice_id": invoice.id, "reference": "ICBC-OVER-1", "amount_fen": 40_000, "received_on": "2026-12-01"}
    r = await client.post(f"/api/houses/{house}/receipts", json=body)
    assert r.status_code == 201, r.text
    await login(client, winner)
    asked = await client.post(f"/api/me/houses/{house}/credit-refund", json={})
    assert asked.status_code == 201, asked.text
    staff = await principal_for_user(world.auctioneer)
    return house, deposit_refund.id, int(asked.json()["id"]), staff


async def test_one_bank_reference_refunds_one_thing_even_when_both_are_recorded_at_once(client: ApiClient) -> None:
    """Two desks record one transfer at the same moment, one as a deposit's refund, one as a buyer's: on PostgreSQL
    truly at once, each past the other's look-up. The shared references table's unique key lets one win."""
    house, deposit_refund, buyer_refund, staff = await _a_deposit_refund_and_a_buyer_refund_due(client)
    reference, at = "ICBC RACE 1", datetime.now(UTC)
    results = await asyncio.gather(
        deposits.complete_refund(staff, house, deposit_refund, reference, at),
        refunds.complete(staff, house, buyer_refund, reference, at),
        return_exceptions=True,
    )
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(lost) == 1, results
    assert isinstance(lost[0], ApiError), lost
    assert lost[0].code == "refund_reference_used", lost
    used = (await DepositRefund.filter(house_org_id=house, bank_reference=reference).count()
            + await BuyerRefund.filter(house_org_id=house, bank_reference=reference).count())  # fmt: skip
    assert used == 1
    assert (
        await RefundReference.filter(house_org_id=house, bank_reference=refunds.reference_key(reference)).count() == 1
    )
    posted = await LedgerTransaction.filter(house_org_id=house, kind__in=["deposit_refunded", "buyer_refunded"])
    assert len(posted) == 1  # the bank money left once
    # The loser is still due, and is recorded with a transfer of its own.
    if await DepositRefund.filter(id=deposit_refund, status="due").exists():
        _, created = await deposits.complete_refund(staff, house, deposit_refund, "ICBC OWN", datetime.now(UTC))
    else:
        _, created = await refunds.complete(staff, house, buyer_refund, "ICBC OWN", datetime.now(UTC))
    assert created


async def test_the_database_holds_one_reference_per_house(client: ApiClient) -> None:
    await RefundReference.create(house_org_id=1, bank_reference="R-1", refund_kind="deposit", refund_id=1)
    with pytest.raises(IntegrityError):
        await RefundReference.create(house_org_id=1, bank_reference="R-1", refund_kind="buyer", refund_id=1)
    await RefundReference.create(house_org_id=2, bank_reference="R-1", refund_kind="buyer", refund_id=1)


async def test_a_house_s_buyer_refunds_page_past_the_old_500_cap(client: ApiClient) -> None:
    w = await build(client)
    await BuyerRefund.bulk_create([
        BuyerRefund(house_org_id=w.house, user_id=w.users["buyer"].id, amount_fen=100 + n, currency="CNY",
                    source="adjustment", source_key=f"test:{w.house}:{n}", status="done" if n % 4 == 0 else "due")
        for n in range(520)
    ])  # fmt: skip
    await w.as_("house_admin")
    url = f"/api/houses/{w.house}/buyer-refunds"
    for status, expected in ((None, 520), ("due", 390), ("done", 130)):
        seen: list[int] = []
        params: dict[str, object] = {"limit": 100} if status is None else {"limit": 100, "status": status}
        while True:
            r = await client.get(url, params=params)
            assert r.status_code == 200, r.text
            page = r.json()
            assert len(page["items"]) <= 100
            seen += [i["id"] for i in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert len(seen) == len(set(seen)) == expected, status
        assert seen == sorted(seen)  # oldest first, as the desk works through them
    first = (await client.get(url)).json()
    assert len(first["items"]) == 50  # the default page
    assert first["next_cursor"]
    for params in ({"limit": 0}, {"limit": 101}, {"limit": 10**30}):
        r = await client.get(url, params=params)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), params
    r = await client.get(url, params={"cursor": "not-ours"})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_cursor")
    await w.as_("rival_admin")
    assert (await client.get(url, params={"cursor": first["next_cursor"]})).status_code == 404
