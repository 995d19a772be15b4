"""Two bidders in two browser contexts, a soft-close extension, and an auctioneer hammering a live lot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed, signed_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    return seed(server, "seed_auctions")


async def test_two_bidders_see_the_same_result_and_the_soft_close_extension(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    a = await signed_in(browser, server, world["a"])
    b = await signed_in(browser, server, world["b"])
    room = f"{server.url}/auctions/lots/{world['timed_lot']}"
    await a.goto(room)
    await b.goto(room)
    for page in (a, b):
        await expect(page.get_by_test_id("conn-status")).to_have_attribute("data-status", "live")
    await a.get_by_test_id("bid-next").click()
    await expect(a.get_by_test_id("bid-message")).to_contain_text("Bid accepted")
    await expect(b.get_by_test_id("lot-price")).to_have_attribute("data-fen", "100000")
    await b.get_by_test_id("bid-next").click()
    for page in (a, b):
        await expect(page.get_by_test_id("lot-price")).to_have_attribute("data-fen", "110000")
        await expect(page.get_by_test_id("extended")).to_be_visible()  # bids in the last 20 s moved the end
    await expect(a.get_by_test_id("you-status")).to_have_attribute("data-status", "outbid")
    await expect(b.get_by_test_id("you-status")).to_have_attribute("data-status", "leading")
    # a clear message on a refused bid: the leader cannot outbid themselves
    await b.get_by_test_id("bid-amount").fill("0.13")  # 万元: ¥1,300
    await b.get_by_role("button", name="Place bid").click()
    await expect(b.get_by_test_id("bid-message")).to_contain_text("already the highest bidder")
    SHOTS.mkdir(exist_ok=True)
    await a.screenshot(path=str(SHOTS / "auction-room.png"), full_page=True)
    # the lot closes on the server's clock; both rooms show the same final result
    for page in (a, b):
        await expect(page.get_by_test_id("lot-status")).to_have_text("Sold", timeout=35_000)
        await expect(page.get_by_test_id("lot-price")).to_have_attribute("data-fen", "110000")


async def test_auctioneer_hammers_a_live_lot(server: Server, browser: Any, world: dict[str, Any]) -> None:
    console = await signed_in(browser, server, world["auctioneer"])
    bidder = await signed_in(browser, server, world["a"])
    await console.goto(f"{server.url}/auctions/lots/{world['live_lot']}/console")
    await expect(console.get_by_test_id("conn-status")).to_have_attribute("data-status", "live")
    await console.get_by_test_id("ctl-open").click()
    await bidder.goto(f"{server.url}/auctions/lots/{world['live_lot']}")
    await expect(bidder.get_by_test_id("lot-status")).to_have_text("Open")
    await bidder.get_by_test_id("bid-next").click()
    await expect(console.get_by_test_id("lot-price")).to_have_attribute("data-fen", "100000")
    await console.get_by_test_id("ctl-warn1").click()
    await expect(bidder.get_by_test_id("warning")).to_contain_text("Going once")
    await console.get_by_test_id("ctl-hammer").click()
    for page in (console, bidder):
        await expect(page.get_by_test_id("lot-status")).to_have_text("Sold")
    await console.screenshot(path=str(SHOTS / "auctioneer-console.png"), full_page=True)
