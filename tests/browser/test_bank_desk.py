"""The settlement desk's bank and payouts tabs in the browser: house staff upload the bank's statement, see the line
that quotes no invoice number in the unmatched queue, match it to the invoice by hand, hand the car over, and — once
the dispute window has run (the handover moved a week back by a seed script: the browser cannot wait) — see the
consignor's payout due on the Payouts tab, fetch its statement PDF and mark it paid. On a phone, in Chinese, the two
tabs do not scroll sideways.
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
from tests.support_bank import icbc_csv, icbc_row

pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


def age_handover(server: Server, sale: int, days: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_bank_desk", "age-handover", str(sale), str(days)],
        env=server.env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


async def poll(page: Any, url: str, ready: Any, tries: int = 40) -> Any:
    """GET `url` with the page's session until `ready(json)`: the relay and its jobs run in the background."""
    for _ in range(tries):
        r = await page.request.get(url)
        if r.ok and ready(body := await r.json()):
            return body
        await page.wait_for_timeout(500)
    raise AssertionError(f"{url} never became ready")


def no_sideways_scroll(width: int) -> str:
    return f"document.documentElement.scrollWidth <= {width}"


@pytest.mark.timeout(300)
async def test_a_statement_line_is_matched_by_hand_and_the_consignor_is_paid(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    world = seed(server, "seed_settlement")
    house_id = world["house"]
    house = await signed_in(browser, server, world["auctioneer"])
    await house.goto(f"{server.url}/house/settlement")

    # The sale's invoice, issued by the relay's settlement job; what is left after the deposit is what the buyer wires.
    invoices = await poll(house, f"{server.url}/api/houses/{house_id}/invoices?status=open", lambda b: b["items"])
    invoice = invoices["items"][0]
    balance = invoice["balance_due_fen"]
    assert balance > 0

    # The bank's export: one transfer for the balance whose payer wrote no invoice number, and the bank's interest.
    statement = tmp_path / "icbc-december.csv"
    statement.write_bytes(icbc_csv([
        icbc_row("ICBC20261202001", "2026-12-02 10:15", f"{balance // 100}.{balance % 100:02d}", "", "购车款 张先生"),
        icbc_row("ICBC20261202002", "2026-12-02 16:00", "3.21", "", "利息", payer="中国工商银行"),
    ]))  # fmt: skip
    await house.get_by_test_id("desk-tab-bank").click()
    await expect(house.get_by_text("No statement imported yet.")).to_be_visible()
    await house.get_by_test_id("statement-file").set_input_files(str(statement))
    await expect(house.get_by_text("ICBC (CSV)")).to_be_visible()  # the layout that reads a CSV
    await house.get_by_role("button", name="Import the statement").click()
    await expect(house.get_by_test_id("statement-result")).to_have_text(
        "2 new lines of 2: 0 matched, 2 to check by hand."
    )
    rows = house.get_by_test_id("statement-row")
    await expect(rows).to_have_count(1)
    await expect(rows.first.get_by_test_id("statement-unmatched")).to_have_text("2")

    # The unmatched queue: the buyer's transfer quotes no invoice number.
    lines = house.get_by_test_id("unmatched-line")
    await expect(lines).to_have_count(2)
    payment = lines.filter(has_text="购车款 张先生")
    await expect(payment.get_by_test_id("unmatched-reason")).to_contain_text("quotes no invoice number")
    # The invoice the amount pays exactly is offered first; matching it pays the invoice.
    await expect(payment.get_by_test_id("line-invoice")).to_have_value(invoice["number"])
    # The queue with its forms fits a phone too.
    await house.set_viewport_size({"width": 390, "height": 844})
    width = await house.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the unmatched queue scrolls sideways on a phone ({width}px)"
    await house.set_viewport_size({"width": 1280, "height": 720})
    await payment.get_by_role("button", name="Match").click()
    await expect(house.get_by_text(f"Line ICBC20261202001 applied to {invoice['number']}.")).to_be_visible()
    # The interest is not the house's business.
    await lines.filter(has_text="利息").get_by_role("button", name="Not the house’s business").click()
    await expect(house.get_by_text("Every statement line is matched.")).to_be_visible()
    await expect(rows.first.get_by_test_id("statement-matched")).to_have_text("1")
    await expect(rows.first.get_by_test_id("statement-unmatched")).to_have_text("0")
    paid = await (await house.request.get(f"{server.url}/api/invoices/{invoice['id']}")).json()
    assert (paid["status"], paid["balance_due_fen"]) == ("paid", 0)

    # Paid in full: the gate pass is issued (a job on the receipt's event); the yard types its code at the desk.
    sale = invoice["sale_id"]
    gate = await poll(house, f"{server.url}/api/sales/{sale}/gate-pass", lambda b: bool(b["pass_code"]))
    await house.get_by_test_id("desk-tab-handover").click()
    await house.get_by_test_id("scan-code").fill(gate["pass_code"])
    await house.get_by_role("button", name="Hand over").click()
    await expect(house.get_by_test_id("handed-over")).to_be_visible()

    # The Payouts tab: nothing due yet; the sale waits for the dispute window.
    await house.get_by_test_id("desk-tab-payouts").click()
    await expect(house.get_by_text("No payouts in this list.")).to_be_visible()
    await house.get_by_test_id("payout-state-filter").select_option("waiting")
    await expect(house.get_by_test_id("payout-row")).to_have_count(1)
    await expect(house.get_by_test_id("payout-row")).to_contain_text("the dispute window is still open")

    # A week later: due. The amount is the one-sale view's, in the app's money convention.
    age_handover(server, sale, 8)
    one = await (await house.request.get(f"{server.url}/api/sales/{sale}/payout")).json()
    assert one["state"] == "due"
    amount = one["figures"]["amount_fen"]
    await house.get_by_test_id("payout-state-filter").select_option("due")
    row = house.get_by_test_id("payout-row")
    await expect(row).to_have_count(1)
    await expect(row.get_by_test_id("payout-row-state")).to_have_text("Due")
    await expect(row.get_by_test_id("payout-row-amount")).to_have_text(f"CNY {amount // 100:,}" + (
        f".{amount % 100:02d}" if amount % 100 else ""))  # fmt: skip
    await row.get_by_role("button", name=f"Sale {sale}").click()
    href = await house.get_by_test_id("payout-statement-link").get_attribute("href")
    assert href
    pdf = await house.request.get(server.url + href)
    assert pdf.ok, await pdf.text()
    assert pdf.headers["content-type"] == "application/pdf"
    assert (await pdf.body()).startswith(b"%PDF")
    await house.get_by_test_id("payout-reference").fill("ICBC-OUT-20261210")
    await house.get_by_role("button", name="Record the payout").click()
    await expect(house.get_by_text(f"The payout of sale {sale} is recorded as paid.")).to_be_visible()
    await expect(house.get_by_text("No payouts in this list.")).to_be_visible()
    await house.get_by_test_id("payout-state-filter").select_option("paid")
    await expect(row.get_by_test_id("payout-row-state")).to_have_text("Paid")
    await expect(row).to_contain_text("ICBC-OUT-20261210")

    # On a phone, in Chinese: both tabs fit the width.
    await house.set_viewport_size({"width": 390, "height": 844})
    await house.get_by_test_id("lang-switch").click()
    await expect(row.get_by_test_id("payout-row-state")).to_have_text("已付")
    await house.wait_for_function(no_sideways_scroll(390))
    await house.get_by_test_id("desk-tab-bank").click()
    await expect(house.get_by_text("所有明细均已匹配。")).to_be_visible()
    await expect(house.get_by_test_id("statement-row")).to_have_count(1)
    width = await house.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the bank tab scrolls sideways on a phone ({width}px)"
