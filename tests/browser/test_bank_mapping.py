"""Another bank's statement in the browser: house staff upload a file no built-in layout reads, map its columns
from the preview (the header row and the columns guessed from their names, the first lines shown as the import
will read them), save the layout by name, and import the file with it: the line quoting the invoice pays it. The
mapping form fits a phone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed, signed_in
from tests.browser.test_bank_desk import poll

pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


def rural_bank_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["某农商银行 交易明细"])
    w.writerow(["流水号", "交易日期", "金额", "付款人", "附言"])
    w.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.timeout(240)
async def test_another_banks_columns_are_mapped_saved_and_used(server: Server, browser: Any, tmp_path: Path) -> None:
    world = seed(server, "seed_settlement")
    house_id = world["house"]
    house = await signed_in(browser, server, world["auctioneer"])
    await house.goto(f"{server.url}/house/settlement")
    invoices = await poll(house, f"{server.url}/api/houses/{house_id}/invoices?status=open", lambda b: b["items"])
    invoice = invoices["items"][0]
    balance = invoice["balance_due_fen"]
    statement = tmp_path / "rural-december.csv"
    amount = f"{balance // 100}.{balance % 100:02d}"
    statement.write_bytes(rural_bank_csv([
        ["NS20261202001", "2026-12-02 10:15", amount, "张先生", f"车款 {invoice['number']}"],
        ["合计", "", amount, "", ""],
    ]))  # fmt: skip

    await house.get_by_test_id("desk-tab-bank").click()
    await house.get_by_test_id("statement-file").set_input_files(str(statement))
    await house.get_by_test_id("statement-map").click()
    form = house.get_by_test_id("mapping-form")
    await expect(form).to_be_visible()
    # The header is the third row; the columns are guessed from their names.
    await expect(form.get_by_test_id("mapping-header")).to_have_value("1")
    await expect(form.get_by_test_id("mapping-booked_at")).to_have_value("交易日期")
    await expect(form.get_by_test_id("mapping-amount")).to_have_value("金额")
    await expect(form.get_by_test_id("mapping-reference")).to_have_value("附言")
    await expect(form.get_by_test_id("mapping-serial")).to_have_value("流水号")
    preview = form.get_by_test_id("mapping-preview")
    await expect(preview).to_contain_text(invoice["number"])
    await expect(preview.locator("tbody tr")).to_have_count(1)  # the total row has no booking time
    # A column used twice is refused before sending.
    await form.get_by_test_id("mapping-payer").select_option("附言")
    await expect(form.get_by_test_id("mapping-problem")).to_have_text("Each column holds one field only.")
    await form.get_by_test_id("mapping-payer").select_option("付款人")
    await expect(form.get_by_test_id("mapping-problem")).to_have_count(0)
    await house.set_viewport_size({"width": 390, "height": 844})
    width = await house.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the mapping form scrolls sideways on a phone ({width}px)"
    await house.set_viewport_size({"width": 1280, "height": 720})

    await form.get_by_test_id("mapping-name").fill("农商行")
    await form.get_by_role("button", name="Save the layout").click()
    await expect(house.get_by_test_id("mapping-saved")).to_contain_text("农商行")
    await expect(house.get_by_test_id("statement-layout")).to_have_value("农商行")
    await house.get_by_role("button", name="Import the statement").click()
    await expect(house.get_by_test_id("statement-result")).to_have_text(
        "1 new lines of 1: 1 matched, 0 to check by hand."
    )
    paid = await (await house.request.get(f"{server.url}/api/invoices/{invoice['id']}")).json()
    assert paid["status"] == "paid"
    layouts = await (await house.request.get(f"{server.url}/api/houses/{house_id}/bank/layouts")).json()
    assert [x["name"] for x in layouts["items"] if not x["builtin"]] == ["农商行"]
