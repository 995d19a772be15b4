"""A fourth attack on settlement's money: an invoice a deposit paid in full voided after its vehicle left the yard
(the deposit back to the buyer, the consignor's payable reversed after the payout), and the others below. A 4xx with a
stable code; nothing posted."""

from __future__ import annotations

from marketplace.settlement.models import LedgerTransaction
from tests.e2e.settlement.handover_world import TOTAL, World, build, run_jobs
from tests.support import ApiClient


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
