"""Settlement in the browser: a sold lot's invoice paid at the house's desk, seen by the buyer, handed over (issue 10).

The house's auctioneer checks the estimator, finds the invoice the sale issued, records the bank transfer by its
reference (fees first, then the price) and sees the books balance; the buyer sees the purchase paid, in both
languages and on a phone, with the invoice's documents and the gate pass code; the yard types the code at the desk
(a second scan is refused), the payout waits for the dispute window, and the buyer sees the 过户 steps.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed, signed_in

pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


def yuan(text: str) -> int:
    """'CNY 122,705' or 'CNY 1,234.50' → fen."""
    amount = text.replace("CNY", "").replace(",", "").strip()
    whole, _, cents = amount.partition(".")
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


@pytest.mark.timeout(300)  # sale, payment, handover and the 过户 walked in the browser: about 100 s here under load
async def test_an_invoice_is_paid_at_the_desk_and_the_buyer_sees_it_paid(server: Server, browser: Any) -> None:
    world = seed(server, "seed_settlement")
    hammer, deposit = world["hammer"], world["deposit"]
    assert deposit > 0
    house = await signed_in(browser, server, world["auctioneer"])

    # The estimator shows what the invoicing code answers (the public estimate), to the yuan.
    async with httpx.AsyncClient(base_url=server.url) as http:
        quote = (await http.get(f"/api/houses/{world['house']}/fee-estimate", params={"amount": hammer})).json()
    await house.goto(f"{server.url}/house/fees")
    await house.get_by_test_id("estimate-amount").fill("12.35")
    await house.get_by_role("button", name="Calculate").click()
    await expect(house.get_by_test_id("estimate-total")).to_contain_text(f"{quote['total_due_fen'] // 100:,}")
    await expect(house.get_by_test_id("estimate-net")).to_contain_text(f"{quote['seller_net_fen'] // 100:,}")

    # The sale's invoice reaches the desk through the relay and the settlement job.
    await house.goto(f"{server.url}/house/settlement")
    rows = house.get_by_test_id("house-invoice-row")
    for _ in range(30):
        if await rows.count():
            break
        await house.wait_for_timeout(500)
        await house.reload()
    await expect(rows).to_have_count(1)
    await rows.first.get_by_role("button").click()
    total = yuan(await house.get_by_test_id("invoice-total").inner_text())
    balance = yuan(await house.get_by_test_id("house-invoice-balance").inner_text())
    assert total > hammer  # the premium on top of the hammer
    assert balance == total - deposit  # the bidder's deposit applied at once
    await house.get_by_test_id("receipt-reference").fill("ICBC 2026 1202 0001")
    await house.get_by_test_id("receipt-amount").fill(f"{balance // 100}.{balance % 100:02d}")
    await house.get_by_role("button", name="Record receipt").click()
    await expect(house.get_by_text("Recorded:")).to_be_visible()
    await expect(rows).to_have_count(0)  # no longer open
    await house.get_by_test_id("invoice-status-filter").select_option("paid")
    await expect(rows).to_have_count(1)
    await house.get_by_test_id("desk-tab-books").click()
    await expect(house.get_by_test_id("trial-balance-state")).to_have_text("Debits equal credits.")

    # The buyer, on a phone, in Chinese.
    buyer = await signed_in(browser, server, world["buyer"])
    await buyer.set_viewport_size({"width": 390, "height": 844})
    await buyer.goto(f"{server.url}/me/purchases")
    await expect(buyer.get_by_test_id("invoice-status")).to_have_text("Paid")
    await expect(buyer.get_by_test_id("invoice-balance")).to_have_text("CNY 0")
    await buyer.get_by_test_id("lang-switch").click()
    await expect(buyer.get_by_test_id("invoice-status")).to_have_text("已付清")
    await expect(buyer.get_by_test_id("invoice-balance")).to_have_text("¥0")
    width = await buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the purchases page scrolls sideways on a phone ({width}px)"

    # Paid in full: the buyer has a gate pass code to show at the yard, and the invoice's documents.
    await expect(buyer.get_by_test_id("invoice-documents").get_by_role("link")).to_have_count(3)
    code = (await buyer.get_by_test_id("gate-pass-code").inner_text()).strip()
    assert len(code) == 8

    # The yard types the code (in lower case, with a dash) at the desk: the car is handed over, and the payout
    # waits for the dispute window.
    await house.get_by_test_id("desk-tab-handover").click()
    await house.get_by_test_id("scan-code").fill(f"{code[:4].lower()}-{code[4:].lower()}")
    await house.get_by_role("button", name="Hand over").click()
    await expect(house.get_by_test_id("handed-over")).to_be_visible()
    await expect(house.get_by_test_id("payout-state")).to_have_text("Waiting")
    await expect(house.get_by_test_id("payout-waiting")).to_contain_text("the dispute window is still open")
    # A second scan of the same pass is refused.
    await house.get_by_test_id("scan-code").fill(code)
    await house.get_by_role("button", name="Hand over").click()
    await expect(house.get_by_test_id("scan-form").get_by_role("alert")).to_be_visible()

    # The buyer now sees the 过户 steps (in Chinese), none done yet, and may open a dispute.
    await buyer.reload()
    await expect(buyer.get_by_test_id("transfer")).to_contain_text("等待随车文件")
    await expect(buyer.get_by_test_id("transfer-step-documents_handed")).to_have_attribute("data-done", "false")
    await expect(buyer.get_by_test_id("dispute-open")).to_be_visible()

    # The house hands the three documents over from its transfers tab; the buyer's first step is then done and the
    # buyer may say the transfer was filed.
    await house.get_by_test_id("desk-tab-transfers").click()
    await expect(house.get_by_test_id("transfer-row")).to_have_count(1)
    await house.get_by_role("button", name="All three documents handed over").click()
    await expect(house.get_by_test_id("transfer-row")).to_contain_text("Documents handed over")
    await buyer.reload()
    await expect(buyer.get_by_test_id("transfer-step-documents_handed")).to_have_attribute("data-done", "true")
    await buyer.get_by_test_id("transfer-file").click()
    await expect(buyer.get_by_test_id("transfer-step-filed")).to_have_attribute("data-done", "true")
    await expect(buyer.get_by_test_id("proof-form")).to_be_visible()
    width = await buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the purchases page scrolls sideways on a phone with the transfer ({width}px)"

    # The consignor's staff see the sale on My sales with the house: its net, waiting for the dispute window.
    seller = await signed_in(browser, server, world["seller"])
    await seller.goto(f"{server.url}/me/sales")
    await seller.get_by_test_id("sales-house").select_option(str(world["house"]))
    await expect(seller.get_by_test_id("sale-row")).to_have_count(1)
    await expect(seller.get_by_test_id("sale-row")).to_contain_text("the dispute window is still open")
