"""The auction house's side in a browser: a dealer consigns a vehicle to a house and withdraws it; a session
created with its ladder, a consigned vehicle picked as a lot and the catalogue published to the public calendar;
a conditional sale accepted by the seller, and a counter-offer the buyer takes."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed, signed_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


pytestmark = pytest.mark.usefixtures("no_lingering_close_jobs")


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    return seed(server, "seed_auction_house")


async def test_dealer_consigns_a_vehicle_to_a_house_and_withdraws_it(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await signed_in(browser, server, world["seller"])
    await page.get_by_test_id("user-menu").click()
    await page.get_by_test_id("nav-consign").click()
    await expect(page.get_by_role("heading", name="Consign a vehicle to an auction house")).to_be_visible()
    vehicle = page.get_by_test_id("consign-vehicle")
    await expect(vehicle.locator(f"option[value='{world['own_vin']}']")).to_contain_text("大众 帕萨特 330TSI")
    # a car still on sale retail is marked, and refused before anything is sent, with the reason
    listed = vehicle.locator(f"option[value='{world['listed_vin']}']")
    await expect(listed).to_contain_text("in an open listing (on sale)")
    await vehicle.select_option(world["listed_vin"])
    await page.get_by_test_id("consign-house").select_option(label=world["house"])
    await page.get_by_role("button", name="Consign", exact=True).click()
    await expect(page.get_by_text("withdraw the listing before consigning it")).to_be_visible()
    await vehicle.select_option(world["own_vin"])
    await page.get_by_test_id("consign-reserve").fill("abc")
    await page.get_by_role("button", name="Consign", exact=True).click()
    await expect(page.get_by_text("Enter an amount in 万元")).to_be_visible()
    await page.get_by_test_id("consign-reserve").fill("5.6")  # 万元
    await expect(page.get_by_test_id("consign-reserve-echo")).to_have_text("= CNY 56,000")
    await page.get_by_role("button", name="Consign", exact=True).click()
    await expect(page.get_by_text(f"Consigned to {world['house']}.")).to_be_visible()
    rows = page.get_by_test_id("consignments")
    row = rows.locator("tr", has_text=world["own_vin"])
    await expect(row).to_contain_text(world["own_vin"])
    await expect(row).to_contain_text("suggested reserve CNY 56,000")
    await expect(row).to_contain_text("Waiting for the house")
    # consigned twice to the same house: the server's refusal is shown
    await vehicle.select_option(world["own_vin"])
    await page.get_by_test_id("consign-house").select_option(label=world["house"])
    await page.get_by_role("button", name="Consign", exact=True).click()
    await expect(page.get_by_test_id("form-error")).to_contain_text("already consigned to this house")
    # withdrawn, it is gone from the house's picker (checked in the next test)
    await row.get_by_role("button", name="Withdraw").click()
    await expect(page.get_by_text("Consignment withdrawn.")).to_be_visible()
    await expect(row).to_have_attribute("data-status", "withdrawn")
    await expect(row).to_contain_text("Withdrawn")
    await expect(row.get_by_role("button", name="Withdraw")).to_have_count(0)
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / "auction-consign.png"), full_page=True)
    # on a phone the page fits the width: the consignments become cards
    await page.set_viewport_size({"width": 390, "height": 844})
    await expect(row).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.screenshot(path=str(SHOTS / "auction-consign-phone.png"), full_page=True)


async def test_house_creates_a_session_with_a_ladder_adds_a_lot_and_publishes(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await signed_in(browser, server, world["auctioneer"])
    await page.get_by_test_id("nav-house-sessions").click()
    await page.get_by_test_id("new-session").click()
    await expect(page.get_by_role("heading", name="New auction session")).to_be_visible()
    title = f"Friday online sale {uuid.uuid4().hex[:6]}"
    await page.get_by_test_id("session-title").fill(title)
    # A band starting off the previous band's grid is a gap: refused before anything is sent, on that row.
    await page.get_by_test_id("ladder-start-1").fill("10050")
    await page.get_by_test_id("ladder-add").click()
    await page.get_by_test_id("ladder-start-3").fill("200000")
    await page.get_by_test_id("ladder-step-3").fill("0")
    await page.get_by_role("button", name="Create draft session").click()
    await expect(page.get_by_test_id("ladder-start-1-error")).to_contain_text("try 10000 or 10100")
    await expect(page.get_by_test_id("ladder-step-3-error")).to_contain_text("above 0")
    await expect(page.get_by_test_id("form-problems")).to_be_visible()
    await page.get_by_test_id("ladder-start-1").fill("10000")
    await page.get_by_test_id("ladder-step-3").fill("2000")
    await page.get_by_test_id("premium-add").click()
    await page.get_by_test_id("premium-start-1").fill("100000")
    await page.get_by_test_id("premium-percent-1").fill("3")
    await page.get_by_test_id("premium-fixed-1").fill("500")
    await page.get_by_test_id("terms-deposit").fill("1000")
    await page.get_by_test_id("terms-soft_close_seconds").fill("60")
    await page.get_by_test_id("terms-extension_cap_seconds").fill("600")
    await page.get_by_role("button", name="Create draft session").click()

    # The draft's catalogue page: add a lot; an amount off the ladder is refused with its neighbours.
    await expect(page.get_by_test_id("draft-manager")).to_be_visible()
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    session_url = page.url
    # The vehicle picker offers the vehicles consigned to this house, described (make, series, VIN, year).
    picker = page.get_by_test_id("lot-vehicle")
    await expect(picker.locator(f"option[value='{world['vehicle']}']")).to_contain_text(world["vehicle_vin"])
    await expect(picker.locator(f"option[value='{world['vehicle']}']")).to_contain_text("大众 帕萨特 330TSI")
    # the seller's own vehicle, unconsigned or withdrawn (previous test), is not offered
    await expect(picker).not_to_contain_text(world["own_vin"])
    await picker.select_option(str(world["vehicle"]))
    await page.get_by_test_id("lot-starting").fill("0.105")  # 万元: ¥1,050, off the ladder
    await page.get_by_test_id("lot-reserve").fill("0.3")
    await page.get_by_role("button", name="Add lot").click()
    await expect(page.get_by_text("try 0.1 or 0.11")).to_be_visible()
    await page.get_by_test_id("lot-starting").fill("0.1")
    await page.get_by_role("button", name="Add lot").click()
    await expect(page.get_by_text("Lot 1 added.")).to_be_visible()
    lots = page.get_by_test_id("lot-list")
    await expect(lots).to_contain_text("大众 帕萨特 330TSI")
    await expect(lots).to_contain_text("Reserve CNY 3,000")
    # The consignment is used by that lot: the vehicle is no longer offered, and adding without one is refused.
    await expect(picker.locator(f"option[value='{world['vehicle']}']")).to_have_count(0)
    await page.get_by_test_id("lot-starting").fill("0.1")
    await page.get_by_role("button", name="Add lot").click()
    await expect(page.get_by_text("Choose a vehicle.")).to_be_visible()
    # Taken out of the draft again, the lot frees its vehicle for the picker; put back, it is lot 1 again.
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await lots.get_by_role("button", name="Remove from catalogue").click()
    await expect(lots).not_to_contain_text("大众 帕萨特 330TSI")
    await expect(picker.locator(f"option[value='{world['vehicle']}']")).to_have_count(1)
    await picker.select_option(str(world["vehicle"]))
    await page.get_by_test_id("lot-starting").fill("0.1")
    await page.get_by_test_id("lot-reserve").fill("0.3")
    await page.get_by_role("button", name="Add lot").click()
    await expect(page.get_by_text("Lot 1 added.")).to_be_visible()
    await expect(lots).to_contain_text("Reserve CNY 3,000")
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SHOTS / "auction-house-draft.png"), full_page=True)

    await page.get_by_test_id("publish").click()
    await expect(page.get_by_test_id("draft-manager")).to_have_count(0)
    await expect(page.get_by_test_id("registrations")).to_be_visible()
    await expect(page.get_by_test_id("lot-list").get_by_role("link", name="Enter lot room")).to_be_visible()

    # The public calendar lists it for anyone; its catalogue shows the lot and the terms as entered.
    anonymous = await (await browser.new_context(locale="en-US")).new_page()
    await anonymous.goto(server.url + "/auctions")
    await expect(anonymous.get_by_test_id("session-list")).to_contain_text(title)
    await anonymous.get_by_role("link", name=title).click()
    await expect(anonymous.get_by_test_id("lot-list")).to_contain_text("大众 帕萨特 330TSI")
    await expect(anonymous.get_by_test_id("lot-list")).not_to_contain_text("Reserve")  # the reserve stays secret
    assert anonymous.url == session_url
    await anonymous.get_by_text("Terms", exact=True).click()
    summary = anonymous.get_by_test_id("terms-summary")
    await expect(summary).to_contain_text("From CNY 10,000: steps of CNY 500")
    await expect(summary).to_contain_text("From CNY 200,000: steps of CNY 2,000")
    await expect(summary).to_contain_text("Hammer from CNY 100,000: 3 % + CNY 500")
    await expect(summary).to_contain_text("stop 600 s after")

    # A dealer registers; the house sees the registration and confirms the deposit transfer.
    bidder = await signed_in(browser, server, world["bidder"])
    await bidder.goto(session_url)
    await bidder.get_by_test_id("register").click()
    await expect(bidder.get_by_test_id("deposit-status")).to_have_attribute("data-status", "pending")
    await page.reload()
    await expect(page.get_by_test_id("registration-101")).to_contain_text("CNY 1,000")
    await page.get_by_test_id("confirm-deposit-101").click()
    await expect(page.get_by_test_id("confirm-deposit-101")).to_have_count(0)
    await expect(page.get_by_test_id("registration-101")).to_contain_text("Deposit confirmed")
    await bidder.reload()
    await expect(bidder.get_by_test_id("deposit-status")).to_have_attribute("data-status", "confirmed")


async def test_seller_accepts_a_conditional_sale(server: Server, browser: Any, world: dict[str, Any]) -> None:
    seller = await signed_in(browser, server, world["seller"])
    # The seller finds the lot waiting in the catalogue and enters its room.
    await seller.goto(f"{server.url}/auctions/{world['session']}")
    await expect(seller.get_by_test_id(f"decision-needed-{world['accept_lot']}")).to_be_visible()
    await seller.get_by_test_id(f"enter-lot-{world['accept_lot']}").click()
    decision = seller.get_by_test_id("decision")
    await expect(decision).to_have_attribute("data-status", "conditional")
    await expect(decision).to_contain_text(f"High bid CNY 2,000 by paddle {world['paddle']}")
    await expect(seller.get_by_test_id("decision-countdown")).to_contain_text("Decision due in")
    await seller.get_by_test_id("decision-accept").click()
    await expect(seller.get_by_test_id("lot-status")).to_have_text("Sold")
    record = seller.get_by_test_id("sale-record")
    await expect(record).to_have_attribute("data-hammer", "200000")
    await expect(record).to_contain_text("the seller accepting the high bid")
    await expect(record).to_contain_text("CNY 2,100")  # 5 % buyer premium on top
    await expect(seller.get_by_test_id("decision")).to_have_count(0)


async def test_seller_counters_and_the_high_bidder_accepts(server: Server, browser: Any, world: dict[str, Any]) -> None:
    room = f"{server.url}/auctions/lots/{world['counter_lot']}"
    seller = await signed_in(browser, server, world["seller"])
    bidder = await signed_in(browser, server, world["bidder"])
    await seller.goto(room)
    await bidder.goto(room)
    await expect(bidder.get_by_test_id("decision-pending")).to_contain_text("the seller is deciding")
    amount = seller.get_by_test_id("decision-counter-amount")
    await amount.fill("0.15")  # 万元
    await seller.get_by_test_id("decision-counter").click()
    await expect(seller.get_by_test_id("decision-message")).to_contain_text("must be above the high bid (CNY 2,000)")
    await amount.fill("0.205")  # above the high bid, but off the ladder's 100 元 steps: the server says so
    await seller.get_by_test_id("decision-counter").click()
    await expect(seller.get_by_test_id("decision-message")).to_contain_text("not on the increment ladder")
    await amount.fill("0.3")
    await seller.get_by_test_id("decision-counter").click()
    await expect(seller.get_by_test_id("decision-message")).to_contain_text("Counter-offer sent")
    await expect(seller.get_by_test_id("decision")).to_have_attribute("data-status", "countered")
    # The high bidder sees the counter-offer live and takes it.
    await expect(bidder.get_by_test_id("counter-amount")).to_have_attribute("data-fen", "300000")
    await bidder.get_by_test_id("decision-accept").click()
    for page in (seller, bidder):
        await expect(page.get_by_test_id("lot-status")).to_have_text("Sold")
        await expect(page.get_by_test_id("sale-record")).to_have_attribute("data-hammer", "300000")
        await expect(page.get_by_test_id("sale-record")).to_contain_text("the buyer accepting the counter-offer")
    await bidder.screenshot(path=str(SHOTS / "auction-counter-accepted.png"), full_page=True)
