"""The buyer's and dealer's listing pages in Chromium: watchlist, saved searches, offers, condition reports."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed, signed_in


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    return seed(server, "seed_listings")


async def api_get(page: Any, server: Server, path: str) -> Any:
    """The API as the page's user sees it (the request shares the browser context's session cookie)."""
    res = await page.request.get(server.url + path)
    assert res.ok, await res.text()
    return await res.json()


def cny(fen: int) -> str:
    """An amount as the English UI shows it (docs/ui.md): exact yuan, "CNY 128,000"."""
    cents = f".{fen % 100:02d}" if fen % 100 else ""
    return f"CNY {fen // 100:,}{cents}"


async def test_buyer_watches_a_listing_and_finds_it_on_the_watchlist(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    car = world["listings"][0]
    page = await signed_in(browser, server, world["buyer"])
    await page.goto(f"{server.url}/listings/{car['id']}")
    await expect(page.get_by_test_id("watch-button")).to_have_text("Watch")
    await page.get_by_test_id("watch-button").click()
    await expect(page.get_by_test_id("watch-button")).to_have_text("Watching ✓")
    await page.reload()  # the state comes from the server, not from the click
    await expect(page.get_by_test_id("watch-button")).to_have_text("Watching ✓")

    await page.get_by_test_id("user-menu").click()

    await page.get_by_test_id("nav-watchlist").click()
    card = page.get_by_test_id("listing-card").filter(has_text=car["title"])
    await expect(card).to_have_count(1)
    await expect(card.get_by_test_id("listing-price")).to_have_text(cny(car["price_fen"]))
    assert [item["id"] for item in (await api_get(page, server, "/api/me/watchlist"))["items"]] == [car["id"]]

    await card.get_by_test_id("watch-remove").click()
    await expect(page.get_by_text("Removed from your watchlist.")).to_be_visible()
    await expect(page.get_by_text("You are not watching any car.")).to_be_visible()
    assert (await api_get(page, server, "/api/me/watchlist"))["items"] == []


async def test_buyer_saves_a_search_then_pauses_and_reruns_it(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await signed_in(browser, server, world["buyer"])
    await page.goto(f"{server.url}/listings?q=Model%20Y&energy_type=bev&price_max_fen=30000000&no_accident=true")
    await page.get_by_test_id("save-search").click()
    await page.get_by_test_id("save-search-name").fill("Cheap Model Y")
    await page.get_by_test_id("save-search-confirm").click()
    await expect(page.get_by_text("Search saved")).to_be_visible()
    await page.get_by_role("link", name="See saved searches").click()

    row = page.get_by_test_id("saved-search").filter(has_text="Cheap Model Y")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("“Model Y”")
    await expect(row).to_contain_text("Battery electric")
    await expect(row).to_contain_text("≤ CNY 300,000")
    await expect(row.get_by_test_id("saved-search-state")).to_have_text("Alerts on")
    saved = (await api_get(page, server, "/api/me/saved-searches"))["items"]
    assert [(s["name"], s["query"]["energy_type"], s["query"]["price_max_fen"]) for s in saved] == [
        ("Cheap Model Y", "bev", 30_000_000)
    ]

    await row.get_by_test_id("saved-search-pause").click()
    await expect(row.get_by_test_id("saved-search-state")).to_have_text("Paused")
    await expect(row.get_by_test_id("saved-search-pause")).to_have_text("Resume alerts")
    assert [s["paused"] for s in (await api_get(page, server, "/api/me/saved-searches"))["items"]] == [True]
    await page.reload()
    await expect(page.get_by_test_id("saved-search").get_by_test_id("saved-search-state")).to_have_text("Paused")
    await expect(page.get_by_test_id("alerts").or_(page.get_by_text("No alerts yet."))).to_be_visible()

    await page.get_by_test_id("saved-search-run").click()
    await expect(page).to_have_url(re.compile(r"/listings\?.*energy_type=bev"))
    await expect(page).to_have_url(re.compile(r"price_max_fen=30000000"))
    await expect(page.get_by_test_id("search-input")).to_have_value("Model Y")


async def test_alerts_are_listed_newest_first_and_link_to_the_listing(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    first, second = world["listings"][:2]
    page = await signed_in(browser, server, world["alerted"])
    await page.get_by_test_id("user-menu").click()
    await page.get_by_test_id("nav-saved-searches").click()
    await expect(page.get_by_test_id("saved-search")).to_contain_text("All my cars")
    alerts = page.get_by_test_id("alert")
    await expect(alerts).to_have_count(2)
    await expect(alerts.nth(0)).to_contain_text(second["title"])  # the newer alert first
    await expect(alerts.nth(0)).to_contain_text(cny(second["price_fen"]))
    await expect(alerts.nth(0)).to_contain_text("for “All my cars”")
    await expect(alerts.nth(1)).to_contain_text(first["title"])
    await expect(page.get_by_test_id("alert-new")).to_have_count(2)  # new on this first visit
    await expect(page.get_by_test_id("alerts-unread")).to_have_text("2 new")
    for _ in range(50):  # seeing them marked them read on the server
        if (await api_get(page, server, "/api/me/alerts"))["unread"] == 0:
            break
        await page.wait_for_timeout(100)
    seen = (await api_get(page, server, "/api/me/alerts"))["items"]
    assert [(a["listing_id"], a["read"]) for a in seen] == [(second["id"], True), (first["id"], True)]
    assert all(a["read_at"] and a["created_at"] for a in seen)
    await alerts_link(page, second["title"]).click()
    await expect(page).to_have_url(f"{server.url}/listings/{second['id']}")
    await expect(page.get_by_test_id("listing-title")).to_have_text(second["title"])
    await page.go_back()  # the second visit: nothing is new any more
    await expect(page.get_by_test_id("alert")).to_have_count(2)
    await expect(page.get_by_test_id("alert-new")).to_have_count(0)
    await expect(page.get_by_test_id("alerts-unread")).to_have_count(0)


def alerts_link(page: Any, title: str) -> Any:
    return page.get_by_test_id("alert").get_by_role("link", name=title)


async def test_mark_all_read_clears_the_new_badges_at_once(server: Server, browser: Any, world: dict[str, Any]) -> None:
    page = await signed_in(browser, server, world["reader"])
    await page.goto(f"{server.url}/me/searches")
    await expect(page.get_by_test_id("alert-new")).to_have_count(1)
    await expect(page.get_by_test_id("alerts-unread")).to_have_text("1 new")
    await page.get_by_test_id("alerts-mark-read").click()
    await expect(page.get_by_test_id("alert-new")).to_have_count(0)
    await expect(page.get_by_test_id("alerts-unread")).to_have_count(0)
    await expect(page.get_by_test_id("alerts-mark-read")).to_have_count(0)
    page_of_alerts = await api_get(page, server, "/api/me/alerts")
    assert (page_of_alerts["unread"], [a["read"] for a in page_of_alerts["items"]]) == (0, [True])
    await page.reload()
    await expect(page.get_by_test_id("alert")).to_have_count(1)
    await expect(page.get_by_test_id("alert-new")).to_have_count(0)


async def test_buyer_offers_dealer_counters_and_buyer_accepts_the_counter(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    car = world["listings"][1]
    price = car["price_fen"]
    buyer = await signed_in(browser, server, world["buyer"])
    await buyer.goto(f"{server.url}/listings/{car['id']}")
    amount = buyer.get_by_test_id("offer-amount")
    await amount.fill(str(price // 1_000_000 + 1))  # above the asking price: refused before sending
    await buyer.get_by_role("button", name="Send offer").click()
    await expect(buyer.get_by_test_id("offer-problem")).to_contain_text("above the asking price")
    offer_fen = price - 2_000_000  # 2 万元 under the asking price
    await amount.fill(str(offer_fen // 1_000_000))
    await buyer.get_by_role("button", name="Send offer").click()
    await expect(buyer.get_by_text("Offer sent.")).to_be_visible()
    my_offer = buyer.get_by_test_id("my-offer")  # the buyer's offer, as the detail page shows it
    await expect(my_offer).to_contain_text(f"Your offer: {cny(offer_fen)} · Awaiting the dealer")
    await buyer.get_by_role("button", name="Send offer").click()  # a second open offer: the API's code, translated
    await expect(buyer.get_by_test_id("form-error")).to_contain_text("You already have an open offer on this car")

    dealer = await signed_in(browser, server, world["dealer"])
    await dealer.get_by_test_id("nav-inventory").click()
    await dealer.get_by_test_id("inventory-row").filter(has_text=car["vin"]).get_by_test_id("offers-link").click()
    row = dealer.get_by_test_id("offer-row")
    await expect(row).to_have_count(1)
    await expect(row.get_by_test_id("offer-amount")).to_have_text(cny(offer_fen))
    await expect(row.get_by_test_id("offer-status")).to_have_text("Awaiting the dealer")
    await row.get_by_test_id("counter-amount").fill(str(offer_fen // 1_000_000))  # not above the offer
    await row.get_by_test_id("offer-counter-send").click()
    await expect(row.get_by_test_id("counter-problem")).to_contain_text("must be above the buyer’s offer")
    await row.get_by_test_id("counter-amount").fill(f"{(price - 1_000_000) / 1_000_000:.1f}")
    # the exact amount in yuan beside the 万元 typed, before sending
    await expect(row.get_by_test_id("counter-amount-echo")).to_have_text(f"= {cny(price - 1_000_000)}")
    await row.get_by_test_id("offer-counter-send").click()
    await expect(row.get_by_test_id("offer-status")).to_have_text("Countered")
    await expect(row.get_by_test_id("offer-counter")).to_have_text(cny(price - 1_000_000))

    await buyer.get_by_test_id("user-menu").click()

    await buyer.get_by_test_id("nav-offers").click()
    mine = buyer.get_by_test_id("offer-row").filter(has_text=car["title"])
    await expect(mine.get_by_test_id("offer-status")).to_have_text("Countered")
    await mine.get_by_test_id("offer-accept-counter").click()
    await expect(mine.get_by_test_id("offer-status")).to_have_text("Accepted")
    offers = (await api_get(buyer, server, "/api/me/offers"))["items"]
    assert [(o["status"], o["counter_fen"]) for o in offers if o["listing_id"] == car["id"]] == [
        ("accepted", price - 1_000_000)
    ]

    await mine.get_by_role("link", name=car["title"]).click()
    await expect(buyer.get_by_test_id("detail-price")).to_contain_text("Reserved")
    await expect(my_offer).to_contain_text(f"Accepted (Counter-offer: {cny(price - 1_000_000)})")
    await dealer.reload()
    await expect(dealer.get_by_test_id("listing-status")).to_have_text("Reserved")


async def test_dealer_accepts_an_offer_and_the_listing_is_reserved(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    car = world["listings"][2]
    buyer = await signed_in(browser, server, world["buyer"])
    await buyer.goto(f"{server.url}/listings/{car['id']}")
    await buyer.get_by_test_id("offer-amount").fill(str(car["price_fen"] // 1_000_000 - 1))
    await buyer.get_by_role("button", name="Send offer").click()
    await expect(buyer.get_by_text("Offer sent.")).to_be_visible()

    dealer = await signed_in(browser, server, world["dealer"])
    await dealer.goto(f"{server.url}/listings/{car['id']}")
    await expect(dealer.get_by_test_id("offer-amount")).to_have_count(0)  # a dealer does not bid on its own car
    await dealer.get_by_test_id("detail-offers-link").click()
    row = dealer.get_by_test_id("offer-row")
    await row.get_by_test_id("offer-accept").click()
    await expect(dealer.get_by_text("The offer is accepted and the car is reserved")).to_be_visible()
    await expect(row.get_by_test_id("offer-status")).to_have_text("Accepted")
    await expect(dealer.get_by_test_id("listing-status")).to_have_text("Reserved")
    assert (await api_get(dealer, server, f"/api/listings/{car['id']}"))["status"] == "reserved"

    await buyer.reload()
    await expect(buyer.get_by_test_id("detail-price")).to_contain_text("Reserved")
    await expect(buyer.get_by_test_id("offer-amount")).to_have_count(0)  # no more offers on a reserved car


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


async def test_dealer_edits_the_condition_report_shown_on_the_detail_page(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    car = world["listings"][3]
    dealer = await signed_in(browser, server, world["dealer"])
    await dealer.get_by_test_id("nav-inventory").click()
    await dealer.get_by_test_id("inventory-row").filter(has_text=car["vin"]).get_by_test_id("condition-link").click()

    rows = dealer.get_by_test_id("condition-row")
    await expect(rows).to_have_count(1)
    await rows.nth(0).get_by_test_id("condition-item").fill("外观 Exterior")
    await rows.nth(0).get_by_test_id("condition-grade").select_option("A")
    await rows.nth(0).get_by_test_id("condition-note").fill("轻微划痕 light scratches on the rear bumper")
    await dealer.get_by_test_id("condition-add").click()
    await rows.nth(1).get_by_test_id("condition-note").fill("a note without an item")
    await dealer.get_by_test_id("condition-add").click()
    await rows.nth(2).get_by_test_id("condition-item").fill("To be removed")
    await rows.nth(2).get_by_test_id("condition-remove").click()
    await expect(rows).to_have_count(2)
    await dealer.get_by_role("button", name="Save the report").click()
    await expect(rows.nth(1).get_by_test_id("condition-problem")).to_have_text("Name the item.")
    await expect(dealer.get_by_text("Fix the marked rows first.")).to_be_visible()

    await rows.nth(1).get_by_test_id("condition-item").fill("轮胎 Tyres")
    await rows.nth(1).get_by_test_id("condition-grade").select_option("C")
    # a photo of the scratch, uploaded from the row itself
    await (
        rows.nth(0)
        .get_by_test_id("condition-photo-input")
        .set_input_files({"name": "scratch.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()})
    )
    await expect(rows.nth(0).get_by_test_id("condition-photo-thumb")).to_be_visible()
    await dealer.get_by_role("button", name="Save the report").click()
    await expect(dealer.get_by_text("Condition report saved.")).to_be_visible()
    detail = await api_get(dealer, server, f"/api/listings/{car['id']}")
    saved = detail["condition"]
    assert [(c["item"], c["grade"]) for c in saved] == [("外观 Exterior", "A"), ("轮胎 Tyres", "C")]
    assert saved[0]["photo_id"] in {p["id"] for p in detail["photos"]}
    assert saved[1]["photo_id"] is None

    await dealer.get_by_test_id("condition-view").click()
    report = dealer.get_by_test_id("condition-report-row")
    await expect(report).to_have_count(2)
    await expect(report.nth(0)).to_contain_text("外观 Exterior")
    await expect(report.nth(0)).to_contain_text("A — excellent")
    await expect(report.nth(0)).to_contain_text("light scratches")
    await expect(report.nth(1)).to_contain_text("C — fair")
    await expect(report.nth(0).get_by_test_id("condition-report-photo")).to_be_visible()
    await expect(report.nth(1).get_by_test_id("condition-report-photo")).to_have_count(0)

    buyer = await signed_in(browser, server, world["buyer"])  # what every visitor sees
    await buyer.goto(f"{server.url}/listings/{car['id']}")
    await expect(buyer.get_by_test_id("condition-report-row")).to_have_count(2)
    await expect(buyer.get_by_test_id("condition-report")).to_contain_text("轮胎 Tyres")


async def test_dealer_answers_offers_on_all_its_cars_from_one_page(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    countered, accepted = world["listings"][4:6]
    buyer = await signed_in(browser, server, world["buyer"])
    for car in (countered, accepted):
        await buyer.goto(f"{server.url}/listings/{car['id']}")
        await buyer.get_by_test_id("offer-amount").fill(str(car["price_fen"] // 1_000_000 - 1))
        await buyer.get_by_role("button", name="Send offer").click()
        await expect(buyer.get_by_text("Offer sent.")).to_be_visible()

    dealer = await signed_in(browser, server, world["dealer"])
    await dealer.get_by_test_id("nav-inventory").click()
    await dealer.get_by_test_id("dealer-offers-link").click()
    await expect(dealer).to_have_url(f"{server.url}/dealer/offers")
    await expect(dealer.get_by_role("heading", name="Offers on my cars")).to_be_visible()
    rows = dealer.get_by_test_id("offer-row")
    first, second = rows.filter(has_text=countered["title"]), rows.filter(has_text=accepted["title"])
    await expect(first).to_have_count(1)
    await expect(second).to_have_count(1)
    await expect(rows.first).to_contain_text(accepted["title"])  # newest first
    await expect(first.get_by_test_id("offer-buyer")).to_have_text("Buyer Sun")  # the name, never the email
    assert world["buyer"] not in await dealer.content()

    await first.get_by_test_id("counter-amount").fill(str(countered["price_fen"] // 1_000_000 + 1))
    await first.get_by_test_id("offer-counter-send").click()
    await expect(first.get_by_test_id("counter-problem")).to_contain_text("above the asking price")
    counter_fen = countered["price_fen"] - 500_000
    await first.get_by_test_id("counter-amount").fill(f"{counter_fen / 1_000_000:.2f}")
    await first.get_by_test_id("offer-counter-send").click()
    await expect(first.get_by_test_id("offer-status")).to_have_text("Countered")
    await expect(first.get_by_test_id("offer-counter")).to_have_text(cny(counter_fen))

    await second.get_by_test_id("offer-accept").click()
    await expect(dealer.get_by_text("The offer is accepted and the car is reserved")).to_be_visible()
    await expect(second.get_by_test_id("offer-status")).to_have_text("Accepted")
    await expect(second.get_by_test_id("offer-car")).to_contain_text("Reserved")

    await dealer.get_by_test_id("dealer-offers-status").select_option("countered")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(countered["title"])
    listed = (await api_get(dealer, server, f"/api/dealers/{world['dealer_org']}/offers?status=countered"))["items"]
    assert [(o["listing"]["id"], o["counter_fen"]) for o in listed] == [(countered["id"], counter_fen)]
    await rows.first.get_by_test_id("offer-car").get_by_role("link").click()  # the offers page of that one car
    await expect(dealer).to_have_url(f"{server.url}/dealer/listings/{countered['id']}/offers")
    await expect(dealer.get_by_test_id("offer-row").get_by_test_id("offer-buyer")).to_have_text("Buyer Sun")
