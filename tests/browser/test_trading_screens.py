"""The trading screens dealers use on phones, at 390 px and at desktop width, in Chromium: search (results before
filters, filters in a drawer), the inventory (every car, searched and filtered, fitting the width), refused filters
that name their field, a page past the end, and the money convention on the listing form."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import Server, seed
from tests.support import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    data = seed(server, "seed_screens")
    subprocess.run(
        [sys.executable, "-m", "marketplace", "search", "reindex"], check=True, env=server.env, capture_output=True
    )
    return data


def _total(server: Server) -> int:
    # Every published car (50 of this module's; on the production pass other modules' cars share the database).
    total = httpx.get(server.url + "/api/listings/search", timeout=10).json()["total"]
    assert total >= 50
    return int(total)


async def page_at(
    browser: Any, server: Server, viewport: dict[str, int], *, login: str | None = None, locale: str = "en-US"
) -> Any:
    context = await browser.new_context(viewport=viewport, locale=locale, reduced_motion="reduce")
    page = await context.new_page()
    page.set_default_timeout(15_000)
    if login:
        await page.goto(server.url + "/login")
        await page.locator("input").first.fill(login)
        await page.locator("input[type=password]").fill(PASSWORD)
        await page.locator("form button[type=submit]").click()
        await expect(page.get_by_test_id("user-menu")).to_be_visible()
    return page


async def fits_the_width(page: Any) -> None:
    """Nothing scrolls sideways: the document is no wider than the viewport."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


async def test_search_on_a_phone_shows_results_first_and_filters_in_a_drawer(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await page_at(browser, server, PHONE)
    await page.goto(server.url + "/listings")
    await expect(page.get_by_test_id("search-total")).to_have_text(f"{_total(server)} cars")
    first_card = page.get_by_test_id("listing-card").first
    await expect(first_card).to_be_in_viewport()  # a car above the fold, not a column of checkboxes
    await expect(page.get_by_test_id("search-filters")).to_be_hidden()
    await fits_the_width(page)

    await page.get_by_test_id("filters-open").click()
    drawer = page.get_by_test_id("search-filters")
    await expect(drawer).to_be_visible()
    box = await drawer.bounding_box()
    assert box is not None
    assert (box["x"], box["width"]) == (0, 390)  # the drawer covers the screen
    energy = page.get_by_test_id("facet-energy_type")
    option = energy.locator("label").first
    await option.locator("input").click()  # the URL, not the click, decides the box: wait for it
    await expect(page).to_have_url(re.compile(r"energy_type="))
    await expect(option.locator("input")).to_be_checked()
    await page.get_by_test_id("filters-done").click()  # "Show N cars"
    await expect(drawer).to_be_hidden()
    await expect(page.get_by_test_id("filters-open")).to_have_text("Filters (1)")
    await expect(first_card).to_be_in_viewport()
    await page.get_by_test_id("filters-open").click()
    await expect(page.get_by_test_id("filters-close")).to_be_focused()  # the drawer takes the focus
    await page.keyboard.press("Escape")
    await expect(drawer).to_be_hidden()
    await fits_the_width(page)


async def test_search_on_a_desktop_keeps_filters_beside_the_results(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await page_at(browser, server, DESKTOP)
    await page.goto(server.url + "/listings")
    await expect(page.get_by_test_id("search-total")).to_have_text(f"{_total(server)} cars")
    filters = page.get_by_test_id("search-filters")
    await expect(filters).to_be_visible()
    await expect(page.get_by_test_id("filters-open")).to_be_hidden()
    filters_box = await filters.bounding_box()
    card_box = await page.get_by_test_id("listing-card").first.bounding_box()
    assert filters_box is not None
    assert card_box is not None
    assert filters_box["x"] + filters_box["width"] <= card_box["x"]  # a sidebar
    await fits_the_width(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "desktop"])
async def test_inventory_pages_through_every_car_with_search_and_status(
    server: Server, browser: Any, world: dict[str, Any], viewport: dict[str, int]
) -> None:
    cars = world["cars"]
    page = await page_at(browser, server, viewport, login=world["dealer"])
    await page.goto(server.url + "/dealer/inventory")
    rows = page.get_by_test_id("inventory-row")
    await expect(rows).to_have_count(50)
    await expect(page.get_by_test_id("inventory-shown")).to_have_text("Showing 50 of 60")
    await fits_the_width(page)
    await page.get_by_role("button", name="Load more").click()
    await expect(rows).to_have_count(60)  # it used to stop at 50
    await expect(rows.last).to_contain_text(cars[-1]["vin"])

    await page.get_by_test_id("inventory-status-filter").select_option("draft")
    await expect(rows).to_have_count(10)
    await expect(page.get_by_test_id("inventory-status-filter")).to_contain_text("Draft (10)")
    for status in await page.get_by_test_id("inventory-status").all_text_contents():
        assert status == "Draft"
    await expect(page).to_have_url(re.compile(r"status=draft"))

    wanted = next(c for c in cars if c["status"] == "draft")
    await page.get_by_test_id("inventory-search").fill(wanted["vin"][-6:].lower())
    await page.get_by_test_id("inventory-search-submit").click()
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text(wanted["vin"])

    await page.get_by_test_id("inventory-search").fill("no-such-car")
    await page.get_by_test_id("inventory-search-submit").click()
    await expect(page.get_by_text("No car in the inventory matches this search.")).to_be_visible()
    await page.get_by_test_id("inventory-clear").click()  # the way back
    await expect(rows).to_have_count(50)
    await expect(page.get_by_test_id("inventory-shown")).to_have_text("Showing 50 of 60")
    await fits_the_width(page)


async def test_a_refused_filter_is_named_and_a_page_past_the_end_offers_the_way_back(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await page_at(browser, server, PHONE)
    await page.goto(server.url + "/listings?year_min=2020&year_max=2010")  # a shared link with an impossible range
    problem = page.get_by_test_id("search-problem")
    await expect(problem).to_contain_text("Year from: The lower bound must not be above the upper bound.")
    await page.get_by_test_id("search-problem-fix").click()
    await expect(page).not_to_have_url(re.compile(r"year_min"))
    await expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"\d+ cars"))

    await page.goto(server.url + "/listings?page=99")
    await expect(page.get_by_test_id("search-past-end")).to_have_text(
        f"Page 99 is past the end: the results fill {-(-_total(server) // 20)} pages."
    )
    await page.get_by_test_id("search-last-page").click()
    total = _total(server)
    last = -(-total // 20)
    await expect(page).to_have_url(re.compile(rf"page={last}\b"))
    await expect(page.get_by_test_id("listing-card")).to_have_count(total - 20 * (last - 1))


async def test_the_listing_form_on_a_phone_says_the_unit_and_echoes_the_amount(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    page = await page_at(browser, server, PHONE, login=world["dealer"])
    await page.goto(server.url + "/dealer/listings/new")
    price = page.get_by_label("Asking price (in CNY 10,000s · 万元)")
    await price.fill("14")
    await expect(page.get_by_test_id("listing-price-input-echo")).to_have_text("= CNY 140,000")  # never "¥14"
    echo_box = await page.get_by_test_id("listing-price-input-echo").bounding_box()
    input_box = await price.bounding_box()
    assert echo_box is not None
    assert input_box is not None
    assert 0 <= echo_box["y"] - (input_box["y"] + input_box["height"]) < 20  # right beside it
    await fits_the_width(page)

    zh = await page_at(browser, server, PHONE, login=world["dealer"], locale="zh-CN")
    await zh.goto(server.url + "/dealer/listings/new")
    await zh.get_by_label("售价（万元）").fill("12.8456")
    await expect(zh.get_by_test_id("listing-price-input-echo")).to_have_text("= ¥128,456")
    await fits_the_width(zh)


async def test_the_home_page_shows_what_is_live_and_the_freshest_cars(
    server: Server, browser: Any, world: dict[str, Any]
) -> None:
    seed(server, "seed_auctions")  # a timed session open now and an on-site one
    page = await page_at(browser, server, PHONE)
    await page.goto(server.url + "/")
    sessions = page.get_by_test_id("home-session")
    await expect(sessions.first).to_contain_text("Live")
    await expect(page.get_by_test_id("home-listings").get_by_test_id("listing-card")).to_have_count(4)
    await expect(page.get_by_text("Coming soon")).to_have_count(0)  # every feature on the home page is built
    await sessions.first.get_by_role("link").click()
    await expect(page).to_have_url(re.compile(r"/auctions/\d+$"))
    await fits_the_width(page)
