"""The live room's reserve badge follows the bids and the close without a reload (issue 8).

Seen in a walk-through: with an 18.00 万 reserve the room said "未达保留价" at 19.80 万 and 24.20 万, and
"已成交 未达保留价" at the close; only a reload showed "已达保留价". Bids go in over the HTTP fallback so the
test depends on the room's display alone, not on the bid form.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import ROOT, Server, seed, signed_in

pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


async def _bid(server: Server, token: str, lot: int, amount: int, key: str) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        r = await http.post(f"/api/lots/{lot}/bids", json={"amount": amount}, headers={"Idempotency-Key": key})
    assert r.json()["status"] == "accepted", r.text


async def test_the_reserve_badge_turns_when_a_bid_crosses_the_reserve_and_stays_at_the_close(
    server: Server, browser: Any
) -> None:
    world = seed(server, "seed_reserve")
    lot = world["lot"]
    watcher = await (await browser.new_context(locale="zh-CN")).new_page()  # anyone may watch
    seller = await signed_in(browser, server, world["seller"])  # sees the amount too; same badge
    for page in (watcher, seller):
        await page.goto(f"{server.url}/auctions/lots/{lot}")
        await expect(page.get_by_test_id("conn-status")).to_have_attribute("data-status", "live")
    badge = watcher.get_by_test_id("reserve-badge")
    await expect(badge).to_have_text("未达保留价")

    await _bid(server, world["a"], lot, 17_000_000, "reserve-a-0001")
    await expect(watcher.get_by_test_id("lot-price")).to_have_attribute("data-fen", "17000000")
    await expect(badge).to_have_text("未达保留价")

    await _bid(server, world["b"], lot, 19_800_000, "reserve-b-0001")
    await expect(watcher.get_by_test_id("lot-price")).to_have_attribute("data-fen", "19800000")
    await expect(badge).to_have_text("已达保留价")
    await expect(badge).to_have_attribute("data-state", "met")
    await expect(seller.get_by_test_id("reserve-badge")).to_have_text("Reserve met")

    await _bid(server, world["a"], lot, 24_200_000, "reserve-a-0002")
    await expect(watcher.get_by_test_id("lot-price")).to_have_attribute("data-fen", "24200000")
    await expect(badge).to_have_text("已达保留价")

    _close(server, lot)
    await expect(watcher.get_by_test_id("lot-status")).to_have_text("已成交", timeout=15_000)
    await expect(seller.get_by_test_id("lot-status")).to_have_text("Sold")
    await expect(badge).to_have_text("已达保留价")
    await expect(seller.get_by_test_id("reserve-badge")).to_have_text("Reserve met")


def _close(server: Server, lot: int) -> None:
    """Move the lot's end to now (in the server's database); its sweeper closes the lot."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_reserve", "close", str(lot)],
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
