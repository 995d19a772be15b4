"""The auction screens at 390 px (a phone) and at desktop width: the live room keeps price, countdown and the
bid button above the fold and shows the car beside the price; the winner and the loser are told the outcome;
my auctions and the calendar's results. Screenshots go to test-results/ for a person to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed
from tests.support import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    return seed(server, "seed_auction_screens")


async def _page(browser: Any, server: Server, email: str, viewport: dict[str, int], locale: str = "en-US") -> Any:
    context = await browser.new_context(locale=locale, viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    await page.goto(server.url + "/login")
    await page.get_by_label("Email or mobile" if locale.startswith("en") else "邮箱或手机号").fill(email)
    await page.get_by_label("Password" if locale.startswith("en") else "密码", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in" if locale.startswith("en") else "登录", exact=True).click()
    await expect(page.get_by_test_id("user-menu")).to_be_visible()
    return page


async def _above_the_fold(page: Any, test_id: str) -> None:
    box = await page.get_by_test_id(test_id).bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, test_id
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= height, f"{test_id} ends at {box['y'] + box['height']:.0f} px of {height}"


@pytest.mark.parametrize(("viewport", "name", "wan"), [(PHONE, "phone", 12), (DESKTOP, "desktop", 20)])
async def test_live_room_keeps_price_countdown_and_bid_above_the_fold_and_shows_the_car(
    server: Server, browser: Any, world: dict[str, Any], viewport: dict[str, int], name: str, wan: int
) -> None:
    # each run ends with its browser bidder leading: the next run is the other bidder's
    me, them = ("a", "b") if name == "phone" else ("b", "a")
    page = await _page(browser, server, world[me], viewport, "zh-CN")
    await page.goto(f"{server.url}/auctions/lots/{world['long_lot']}")
    await expect(page.get_by_test_id("conn-status")).to_have_attribute("data-status", "live")
    await expect(page.get_by_test_id("bid-next")).to_be_visible()
    for test_id in ("lot-price", "countdown", "bid-next"):
        await _above_the_fold(page, test_id)
    # the page does not scroll sideways on a phone
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # the car: photos, key specs and the condition report's summary
    await expect(page.get_by_test_id("lot-photo")).to_be_visible()
    assert await page.get_by_test_id("lot-photo").evaluate("img => img.naturalWidth") == 800
    await expect(page.get_by_test_id("lot-specs")).to_contain_text("7DCT")
    await expect(page.get_by_test_id("lot-condition")).to_contain_text("最差等级 C")
    await expect(page.get_by_test_id("lot-condition")).to_contain_text("左前翼子板")
    if name == "desktop":  # the car sits beside the price, as a lot page does
        car = await page.get_by_test_id("lot-car").bounding_box()
        price = await page.get_by_test_id("lot-price").bounding_box()
        assert car is not None
        assert price is not None
        assert car["x"] + car["width"] <= price["x"]
    # bids typed in 万元, the exact yuan echoed beside the input
    await page.get_by_test_id("bid-amount").fill(str(wan))
    await expect(page.get_by_test_id("bid-amount-echo")).to_have_text(f"= ¥{wan * 10_000:,}")
    await page.get_by_role("button", name="出价", exact=True).click()
    await expect(page.get_by_test_id("lot-price")).to_have_attribute("data-fen", str(wan * 1_000_000))
    # ten and more bids: each line's number reads in full ("10.", not "0.")
    async with httpx.AsyncClient(base_url=server.url) as other:
        # On the production profile the cookies are Secure: httpx keeps them from plain http, so send them by hand.
        def cookie_header() -> str:
            return "; ".join(f"{c.name}={c.value}" for c in other.cookies.jar)

        csrf = (await other.get("/api/auth/csrf")).json()["csrf_token"]
        r = await other.post(
            "/api/auth/login",
            json={"login": world[them], "password": PASSWORD},
            headers={"X-CSRF-Token": csrf, "Cookie": cookie_header()},
        )
        assert r.status_code == 200, r.text
        jar = {c.name: c.value for c in other.cookies.jar}
        cookie = cookie_header()
        for n in range(5):
            lot = (await other.get(f"/api/lots/{world['long_lot']}", headers={"Cookie": cookie})).json()
            r = await other.post(
                f"/api/lots/{world['long_lot']}/bids",
                json={"amount": lot["next_minimum"]},
                headers={"X-CSRF-Token": jar["mp_csrf"], "Idempotency-Key": f"b-{name}-{n}-{lot['seq']}",
                         "Cookie": cookie},
            )  # fmt: skip
            assert r.json()["status"] == "accepted", r.text
            await expect(page.get_by_test_id("you-status")).to_have_attribute("data-status", "outbid")
            await page.get_by_test_id("bid-next").click()
            await expect(page.get_by_test_id("you-status")).to_have_attribute("data-status", "leading")
    tenth = page.get_by_test_id("bid-history").locator("li").nth(9).locator(".bid-no")
    await expect(tenth).to_have_text("10.")
    box = await tenth.bounding_box()
    assert box is not None
    assert box["x"] >= 0  # not clipped off the left edge
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"auction-room-{name}.png"), full_page=False)
    await page.screenshot(path=str(SHOTS / f"auction-room-{name}-full.png"), full_page=True)
    await page.context.close()


async def test_the_winner_and_the_loser_are_told_when_the_lot_closes(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    loser = await _page(browser, server, world["a"], PHONE, "zh-CN")
    winner = await _page(browser, server, world["b"], DESKTOP)
    room = f"{server.url}/auctions/lots/{world['closing_lot']}"
    for page in (loser, winner):
        await page.goto(room)
        await expect(page.get_by_test_id("conn-status")).to_have_attribute("data-status", "live")
    await loser.get_by_test_id("bid-next").click()
    await expect(winner.get_by_test_id("lot-price")).to_have_attribute("data-fen", "10000000")
    await winner.get_by_test_id("bid-next").click()
    await expect(loser.get_by_test_id("lot-price")).to_have_attribute("data-fen", "10050000")
    # the lot closes on the server's clock
    await expect(winner.get_by_test_id("lot-outcome")).to_have_attribute("data-outcome", "won", timeout=70_000)
    await expect(winner.get_by_test_id("lot-outcome")).to_contain_text("You won this lot at CNY 100,500.")
    await expect(winner.get_by_test_id("lot-outcome")).to_contain_text("Pay the balance")
    await expect(winner.get_by_test_id("sale-balance")).to_be_visible()
    # hammer 100,500 + premium (3 % + 500 from 100,000) = 104,015; the 5,000 deposit counts toward it
    balance = 10_050_000 + 10_050_000 * 3 // 100 + 50_000 - 500_000
    await expect(winner.get_by_test_id("sale-balance")).to_have_attribute("data-fen", str(balance))
    await expect(winner.get_by_test_id("sale-next-steps")).to_contain_text("collects the car")
    await expect(loser.get_by_test_id("lot-outcome")).to_have_attribute("data-outcome", "lost")
    await expect(loser.get_by_test_id("lot-outcome")).to_contain_text("您未竞得此拍品")
    await expect(loser.get_by_test_id("lot-outcome")).to_contain_text("保证金")
    await _above_the_fold(loser, "lot-outcome")
    await _above_the_fold(winner, "lot-outcome")
    await loser.screenshot(path=str(SHOTS / "auction-lost-phone.png"))
    await winner.screenshot(path=str(SHOTS / "auction-won-desktop.png"), full_page=True)

    # my auctions: the winner's won lot with its balance; the loser's lost lot
    await winner.goto(f"{server.url}/auctions/mine")
    await winner.get_by_test_id("my-tab-won").click()
    won = winner.get_by_test_id(f"my-lot-{world['closing_lot']}")
    await expect(won).to_have_attribute("data-standing", "won")
    await expect(won).to_contain_text("balance due CNY 99,015")
    await winner.screenshot(path=str(SHOTS / "my-auctions-desktop.png"), full_page=True)
    await loser.goto(f"{server.url}/auctions/mine")
    await loser.get_by_test_id("my-tab-lost").click()
    await expect(loser.get_by_test_id(f"my-lot-{world['closing_lot']}")).to_have_attribute("data-standing", "lost")
    await loser.screenshot(path=str(SHOTS / "my-auctions-phone.png"), full_page=True)
    # the calendar: the session is live (one lot still open) and shows its results so far
    await loser.goto(f"{server.url}/auctions")
    card = loser.get_by_test_id(f"session-{world['session']}")
    await expect(card.get_by_test_id("session-phase")).to_have_attribute("data-phase", "live")
    await expect(card.get_by_test_id("results-sold")).to_have_text("1 / 2")
    await expect(card.get_by_test_id("results-rate")).to_have_text("50.0 %")
    await loser.screenshot(path=str(SHOTS / "auction-calendar-phone.png"), full_page=True)
    await card.get_by_role("link").first.click()
    await expect(loser.get_by_test_id("session-results")).to_contain_text("10.05万元")
    assert await loser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await loser.screenshot(path=str(SHOTS / "auction-catalogue-phone.png"), full_page=True)
    for page in (loser, winner):
        await page.context.close()
