"""A fourth attack on settlement's money: an invoice a deposit paid in full voided after its vehicle left the yard
(the deposit back to the buyer, the consignor's payable reversed after the payout), and the others below. A 4xx with a
stable code; nothing posted."""

from __future__ import annotations

import pytest

from marketplace.settlement.models import Invoice, LedgerTransaction, Receipt
from tests.e2e.settlement.handover_world import TOTAL, World, build, run_jobs
from tests.e2e.settlement.test_attack_bank import import_ns, queued
from tests.e2e.settlement.test_bank_desk_api import other_bank_csv, staff
from tests.support import ApiClient
from tests.support_bank import make_invoice


async def _paid_by_deposit_and_handed_over(client: ApiClient) -> World:
    w = await build(client, deposit_fen=TOTAL)
    await run_jobs(client, "settlement.invoice_issued")  # a deposit that pays everything issues the gate pass
    await w.hand_over()
    return w


async def test_an_invoice_paid_by_deposit_is_not_voided_once_the_vehicle_left(client: ApiClient) -> None:
    w = await _paid_by_deposit_and_handed_over(client)
    await w.as_("house_admin")
    r = await client.post(f"/api/invoices/{w.invoice.id}/void", json={"reason": "wrong buyer"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_handed_over"), r.text
    # Nothing reversed: the deposit stays applied (no refund of it while the buyer keeps the vehicle).
    assert not await LedgerTransaction.filter(house_org_id=w.house, business_key__startswith="void:").exists()


@pytest.mark.parametrize("typed", ["NS-7", "ns-7"])
async def test_a_line_whose_serial_was_recorded_by_hand_for_other_money_is_not_applied_again(
    client: ApiClient, typed: str
) -> None:
    """Staff recorded transfer NS-7 by hand for the wrong amount; the statement shows it with the right one (queued,
    `receipt_amount_differs`). Applying the line as well would count one transfer twice (or, typed alike, mark an
    invoice paid with no posting behind it and fail on the receipt's key: a 500)."""
    house = await staff(client)
    first, second = await make_invoice(house, 4242, 100_000), await make_invoice(house, 4242, 100_000)
    hand = {"invoice_id": first.id, "reference": typed, "amount_fen": 10_000, "received_on": "2026-03-02"}
    assert (await client.post(f"/api/houses/{house}/receipts", json=hand)).status_code == 201
    await import_ns(client, house, other_bank_csv([["NS-7", "2026-03-02 10:00", "150.00", "张三", "货款"]]))
    line = (await queued(client, house))["NS-7"]
    assert line["reason"] == "receipt_amount_differs"
    before = await LedgerTransaction.filter(house_org_id=house).count()
    r = await client.post(f"/api/houses/{house}/bank/lines/{line['id']}/resolve",
                          json={"action": "apply", "invoices": [second.number]})  # fmt: skip
    assert (r.status_code, r.json()["error"]["code"]) == (409, "bank_line_recorded_by_hand"), r.text
    assert (await Invoice.get(id=second.id)).paid_fen == 0
    assert await Receipt.filter(house_org_id=house).count() == 1
    assert await LedgerTransaction.filter(house_org_id=house).count() == before
    # Excluding it (the money is the hand receipt's) is still possible.
    r = await client.post(f"/api/houses/{house}/bank/lines/{line['id']}/resolve", json={"action": "exclude"})
    assert r.status_code == 200, r.text
