"""A dispute in the browser: once the car is handed over (a seed script pays and hands it over: the desk's own walk
is in test_settlement_pages.py), the buyer opens a dispute on My purchases, sends an evidence photo (a GIF is
refused before sending) and sees it; the house sees the photo on its Disputes tab and rejects the claim; the buyer
escalates to the trade association, whose member then sees the case and its photo and rules a price adjustment
(mediation); the buyer and the house see the ruling, and the buyer may take it to the authorities. On a phone, in
Chinese, the buyer's dispute does not scroll sideways.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import ROOT, Server, seed, signed_in
from tests.browser.test_bank_desk import poll
from tests.support_images import PNG

pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


def hand_over(server: Server, invoice: int, staff: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_dispute", "hand-over", str(invoice), staff],
        env=server.env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.timeout(300)
async def test_evidence_is_sent_seen_and_the_case_escalated(server: Server, browser: Any, tmp_path: Path) -> None:
    world = seed(server, "seed_settlement")
    house = await signed_in(browser, server, world["auctioneer"])  # also the house's administrator
    invoices = await poll(house, f"{server.url}/api/houses/{world['house']}/invoices?status=open", lambda b: b["items"])
    invoice = invoices["items"][0]
    done = hand_over(server, invoice["id"], world["auctioneer"])

    buyer = await signed_in(browser, server, world["buyer"])
    await buyer.goto(f"{server.url}/me/purchases")
    await buyer.get_by_test_id("dispute-open").click()
    form = buyer.get_by_test_id("dispute-form")
    await form.get_by_label("What is wrong").fill("底盘有未披露的泡水痕迹")
    await form.get_by_role("button", name="Open the dispute").click()
    mine = buyer.get_by_test_id("buyer-dispute")
    await expect(mine.get_by_test_id("dispute-opened")).to_be_visible()
    await expect(mine.get_by_test_id("dispute-level")).to_have_text("the auction house")
    await expect(mine).to_contain_text("No photo sent yet.")

    gif = tmp_path / "clip.gif"
    gif.write_bytes(b"GIF89a" + b"\0" * 32)
    await mine.get_by_test_id("evidence-file").set_input_files(str(gif))
    await expect(mine.get_by_test_id("evidence-form")).to_contain_text("Choose a JPEG, PNG or WebP photo.")
    photo = tmp_path / "chassis.png"
    photo.write_bytes(PNG)
    await mine.get_by_test_id("evidence-file").set_input_files(str(photo))
    await mine.get_by_role("button", name="Send the photo").click()
    await expect(mine.get_by_test_id("evidence-photo")).to_have_count(1)
    src = await mine.get_by_test_id("evidence-photo").get_attribute("src")
    assert src
    got = await buyer.request.get(server.url + src)
    assert got.ok
    assert (await got.body()) == PNG

    # The house sees the photo with the case, and rejects it.
    await house.goto(f"{server.url}/house/settlement")
    await house.get_by_test_id("desk-tab-disputes").click()
    row = house.get_by_test_id("dispute-row")
    await expect(row).to_have_count(1)
    await expect(row.get_by_test_id("evidence-photo")).to_have_count(1)
    await row.get_by_label("Note").fill("车况报告已载明")
    await row.get_by_role("button", name="Send the answer").click()
    await expect(house.get_by_text("No open disputes.")).to_be_visible()

    # The buyer escalates to the association; no more photos once answered.
    await buyer.reload()
    await expect(mine.get_by_test_id("dispute-state")).to_contain_text("Answer: Rejected")
    await expect(mine.get_by_test_id("evidence-form")).to_have_count(0)
    await mine.get_by_role("button", name="Not satisfied: take it to the trade association").click()
    await expect(mine).to_contain_text("The dispute is now with the trade association.")
    await expect(mine.get_by_test_id("dispute-level")).to_have_text("the trade association")
    await expect(mine.get_by_test_id("evidence-form")).to_be_visible()  # open again, at the next level

    # On a phone, in Chinese.
    await buyer.set_viewport_size({"width": 390, "height": 844})
    await buyer.get_by_test_id("lang-switch").click()
    await expect(mine.get_by_test_id("dispute-level")).to_have_text("行业协会")
    width = await buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the buyer's dispute scrolls sideways on a phone ({width}px)"

    # The association's member sees the escalated case, its photo and its steps.
    assoc = await signed_in(browser, server, done["association"])
    await assoc.goto(f"{server.url}/association/disputes")
    case = assoc.get_by_test_id("association-dispute")
    await expect(case).to_have_count(1)
    await expect(case.get_by_test_id("evidence-photo")).to_have_count(1)
    await expect(case.get_by_test_id("dispute-history").locator("li")).to_have_count(3)
    await expect(case).to_contain_text("底盘有未披露的泡水痕迹")

    # The association rules: a price adjustment, posted in the house's books; the buyer and the house see it.
    await case.get_by_label("Ruling").select_option("price_adjustment")
    await case.get_by_label("Refund to the buyer").fill("1000")
    await case.get_by_label("Note").fill("双方接受协会调解")
    await case.get_by_role("button", name="Record the ruling").click()
    await expect(assoc.get_by_test_id("ruling-recorded")).to_be_visible()
    await expect(case.get_by_test_id("ruling-form")).to_have_count(0)
    await expect(case.get_by_test_id("dispute-ruling")).to_contain_text("Price adjustment (partial refund)")
    await expect(case.get_by_test_id("dispute-history").locator("li")).to_have_count(4)

    await buyer.reload()
    await expect(mine.get_by_test_id("dispute-ruling")).to_contain_text("协会调解结果：调价（部分退款）")
    await expect(mine.get_by_test_id("dispute-ruling")).to_contain_text("双方接受协会调解")
    await expect(mine.get_by_role("button", name="不接受处理结果：提交主管部门")).to_be_visible()

    # The ruling reached the buyer as a notice too: the bell counts it, its page reads it, and reading clears it.
    await expect(buyer.get_by_test_id("notice-badge")).to_be_visible()
    await buyer.get_by_test_id("notice-bell").click()
    await expect(buyer).to_have_url(f"{server.url}/me/notices")
    ruling = buyer.get_by_test_id("notice").filter(has_text="协会调解结果")
    await expect(ruling).to_have_count(1)
    await expect(ruling).to_contain_text("调整价格，拍卖企业退还买方 1,000.00 元。双方接受协会调解")
    await expect(buyer.get_by_test_id("notice-badge")).to_have_count(0)
    width = await buyer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the notices scroll sideways on a phone ({width}px)"
    await buyer.get_by_test_id("lang-switch").click()
    await expect(buyer.get_by_test_id("notice").filter(has_text="The association's ruling")).to_have_count(1)
    await buyer.get_by_test_id("lang-switch").click()
    await house.reload()
    await house.get_by_test_id("desk-tab-disputes").click()
    await expect(house.get_by_test_id("ruled-row").get_by_test_id("dispute-ruling")).to_contain_text("refund CNY 1,000")

    # The refund the ruling owes is a task on the house's Refunds tab: the house pays it and records the reference;
    # the buyer is told.
    await house.get_by_test_id("desk-tab-refunds").click()
    owed = house.get_by_test_id("buyer-refunds").get_by_test_id("refund-row")
    await expect(owed).to_have_count(1)
    await expect(owed).to_contain_text("CNY 1,000")
    await owed.get_by_label("Bank reference (流水号)").fill("ICBC 2026 1204 0001")
    await owed.get_by_role("button", name="Record the refund").click()
    await expect(house.get_by_text("No refunds owed to buyers.")).to_be_visible()
    await buyer.reload()
    await expect(buyer.get_by_test_id("notice-badge")).to_have_text("1")
    await buyer.get_by_test_id("notice-bell").click()
    await expect(buyer.get_by_test_id("notice").first).to_contain_text("ICBC 2026 1204 0001")
