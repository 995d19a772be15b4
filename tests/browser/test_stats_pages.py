"""Statistics in the browser: an analyst submits a file with a bad row, reads the error, fixes it, approves and
publishes; a visitor reads the report with its charts in both languages and downloads a table as CSV."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, seed, signed_in
from tests.integration.stats.test_imports import SALE_COLUMNS, SALES, SESSION_COLUMNS, SESSIONS, csv_bytes

pytestmark = pytest.mark.browser


async def _upload(page: Any, kind: str, path: Path, *, approve: bool) -> None:
    await page.get_by_test_id("desk-kind").select_option(kind)
    await page.get_by_test_id("desk-file").set_input_files(str(path))
    approve_box = page.get_by_test_id("desk-approve")
    if approve != await approve_box.is_checked():
        await approve_box.click()
    await page.get_by_test_id("desk-submit").click()


async def test_analyst_fixes_a_bad_row_publishes_and_a_visitor_reads_and_downloads(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    login = seed(server, "seed_stats")["analyst"]
    sessions, bad, good = tmp_path / "sessions.csv", tmp_path / "bad-sales.csv", tmp_path / "sales.csv"
    sessions.write_bytes(csv_bytes(SESSION_COLUMNS, SESSIONS, "gbk"))
    bad.write_bytes(csv_bytes(SALE_COLUMNS, [SALES[0], [*SALES[1][:4], "12万", *SALES[1][5:]]]))
    good.write_bytes(csv_bytes(SALE_COLUMNS, SALES))

    page = await signed_in(browser, server, login)
    await page.goto(server.url + "/stats")
    await page.get_by_test_id("stats-desk-link").click()
    await _upload(page, "sessions", sessions, approve=True)
    await expect(page.get_by_test_id("desk-result")).to_contain_text("2 new")

    await _upload(page, "sales", bad, approve=True)
    await expect(page.get_by_test_id("desk-result")).to_contain_text("1 rows have errors: nothing was imported")
    errors = page.get_by_test_id("desk-errors")
    await expect(errors).to_contain_text("sales:hammer_price_fen")
    await expect(errors).to_contain_text("not a whole number of fen")
    await expect(errors.locator("tbody tr td").first).to_have_text("3")

    await _upload(page, "sales", good, approve=False)
    await expect(page.get_by_test_id("desk-result")).to_contain_text("2 new")
    submission = page.locator("[data-testid^=submission-]", has_text="To review")
    await submission.get_by_role("button", name="Approve").click()
    await expect(page.locator("[data-testid^=submission-]", has_text="To review")).to_have_count(0)

    await page.get_by_test_id("desk-period").fill("2023")
    await page.get_by_test_id("desk-publish-btn").click()
    await expect(page.get_by_text("Version 1 of 2023 is stored; public now.")).to_be_visible()
    await page.context.close()

    visitor = await (await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})).new_page()
    await visitor.goto(server.url + "/stats")
    await expect(visitor.get_by_test_id("card-turnover")).to_contain_text("成交额")
    await expect(visitor.get_by_test_id("card-turnover")).to_contain_text("4.53万元")  # S-2 is 2024 in Beijing
    await expect(visitor.get_by_test_id("card-transfer")).to_contain_text("100.00%")
    await expect(visitor.get_by_test_id("chart-monthly")).to_have_attribute("data-ready", "true")
    # One sale is a small cell (k = 5): the house is left out of the public list (docs/statistics.md, "Small cells").
    await expect(visitor.get_by_test_id("top30-units")).not_to_contain_text("宁波市机动车拍卖行")
    await expect(visitor.get_by_test_id("top30-units-empty")).to_contain_text("没有成交笔数足以单独列示")
    await expect(visitor.get_by_test_id("small-cells-note")).to_contain_text("为保护小样本")
    await visitor.get_by_role("button", name="English").click()
    await expect(visitor.get_by_test_id("card-turnover")).to_contain_text("Turnover")
    await expect(visitor.get_by_test_id("card-turnover")).to_contain_text("CNY 45,271")
    async with visitor.expect_download() as info:
        await visitor.get_by_test_id("download-top30_units").click()
    path = await (await info.value).path()
    text = await asyncio.to_thread(Path(path).read_bytes)
    assert text.startswith("\ufeff".encode())
    assert "rank,house,units,turnover_fen,previous_rank" in text.decode("utf-8-sig")
    await visitor.context.close()


async def test_a_house_submits_a_monthly_return_and_the_analyst_reviews_its_month(browser: Any, server: Server) -> None:
    from playwright.async_api import expect

    logins = seed(server, "seed_stats")
    page = await signed_in(browser, server, logins["house_admin"])
    await page.goto(server.url + "/stats/desk")
    await page.get_by_test_id("return-month").fill("2023-05")
    for field, value in (("units", "10"), ("sessions_online", "3"), ("bev_units", "2")):
        await page.get_by_test_id(f"return-{field}").fill(value)
    await page.get_by_test_id("return-turnover").fill("450000.50")
    form = page.get_by_test_id("return-form")
    await form.get_by_label("<5万").fill("9")  # one short of the units: refused, nothing recorded
    await page.get_by_test_id("return-submit").click()
    await expect(page.get_by_text("The return's parts disagree with its totals.")).to_be_visible()
    await form.get_by_label("≥20万").fill("1")
    await page.get_by_test_id("return-submit").click()
    await expect(page.get_by_text("The return for 2023-05 is submitted")).to_be_visible()
    await expect(page.get_by_test_id("returns")).to_contain_text("To review")
    await expect(page.locator("#desk-upload")).to_have_count(0)  # a house sees only its part of the desk
    await page.context.close()

    page = await signed_in(browser, server, logins["analyst"])
    await page.goto(server.url + "/stats/desk")
    row = page.get_by_test_id("returns").locator("tr", has_text=logins["house"])
    await row.get_by_role("button", name="Open the month").click()
    review = page.get_by_test_id("month-review")
    await expect(review.get_by_test_id("month-units")).to_have_text("10")
    await review.get_by_role("button", name="Request correction").click()
    await expect(review.get_by_test_id("month-comments")).to_contain_text("[correction requested]")
    await review.get_by_test_id("month-comment").fill("请核对成交额")
    await review.get_by_role("button", name="Post").click()
    await expect(review.get_by_test_id("month-comments")).to_contain_text("请核对成交额")
    await expect(page.get_by_test_id("returns")).to_contain_text("Sent back")
    await page.context.close()
