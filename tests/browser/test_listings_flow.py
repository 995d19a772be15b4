"""Buyer search with facets, and a dealer creating, publishing and finding a listing, in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from typing import Any

import pytest
from playwright.async_api import expect

from listings.domain.vin import with_check_digit
from tests.browser.conftest import Server

DEALER_EMAIL = f"browser-dealer-{uuid.uuid4().hex[:6]}@example.cn"
PASSWORD = "a-dealer-password-9"

# Runs in a subprocess with the server's environment, so it writes to the server's database.
SEED = """
import asyncio, sys
from datetime import UTC, datetime, timedelta
from marketplace import db
from marketplace.settings import load_settings
from marketplace.accounts.models import AgentCertificate, Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from listings.demo_data import create_published, generate

async def main(email, password):
    settings = load_settings()
    await db.init_db(settings)
    org = await Organisation.create(name="浏览器测试车商 Browser Motors", kind="dealer",
                                    business_licence_no="91330200MA9" + email[15:21].upper().ljust(6, "0")[:6] + "X",
                                    verification_status="verified")
    user = await User.create(email=email, display_name="Dealer Zhao",
                             password_hash=await PasswordHasher(settings).hash(password))
    await Membership.create(user_id=user.id, organisation_id=org.id, roles=["dealer_admin"])
    today = datetime.now(UTC).date()
    await AgentCertificate.create(organisation_id=org.id, holder_user_id=user.id, holder_name="Zhao",
                                  certificate_no="BR-" + email[15:21], valid_from=today - timedelta(days=1),
                                  valid_until=today + timedelta(days=300), status="verified")
    await create_published(org.id, user.id, generate(120, seed=11))
    await db.close_db()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


@pytest.fixture(scope="module")
def seeded(server: Server) -> Server:
    def run(*args: str) -> None:
        subprocess.run([sys.executable, *args], check=True, env=server.env, capture_output=True, timeout=180)

    run("-c", SEED, DEALER_EMAIL, PASSWORD)
    run("-m", "marketplace", "search", "reindex")  # the server picks the index up on its next search
    return server  # in the production profile the server fixture also runs an arq worker (indexing jobs)


async def new_page(browser: Any, locale: str = "en-US") -> Any:
    context = await browser.new_context(locale=locale)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    return page


def yuan(text: str) -> float:
    """A card's price as the English UI shows it ("CNY 128,000")."""
    return float(text.removeprefix("CNY ").replace(",", ""))


async def prices_when(page: Any, condition: Any) -> list[float]:
    """The card prices once they satisfy `condition` (results replace the old ones asynchronously)."""
    prices: list[float] = []
    for _ in range(50):
        prices = [yuan(t) for t in await page.get_by_test_id("listing-price").all_text_contents()]
        if prices and condition(prices):
            return prices
        await page.wait_for_timeout(100)
    raise AssertionError(f"prices never satisfied the condition: {prices}")


async def test_buyer_searches_with_facets_sort_and_ranges(seeded: Server, browser: Any) -> None:
    page = await new_page(browser)
    await page.goto(seeded.url + "/listings")
    await expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"^\d+ cars$"))
    total = int((await page.get_by_test_id("search-total").text_content() or "0").split()[0])
    assert total >= 120

    energy = page.get_by_test_id("facet-energy_type")
    option = energy.locator("label", has_text="Battery electric")
    count = int(re.findall(r"\((\d+)\)", await option.text_content() or "")[0])
    await option.locator("input").click()  # controlled by the URL: it is checked once the URL changes
    await expect(page).to_have_url(re.compile(r"energy_type=bev"))
    await expect(page.get_by_test_id("search-total")).to_have_text(f"{count} cars")

    await page.get_by_test_id("search-sort").select_option("price_asc")
    await expect(page).to_have_url(re.compile(r"sort=price_asc"))
    await prices_when(page, lambda p: p == sorted(p))

    await page.get_by_test_id("range-priceMax").fill("10")
    await page.get_by_test_id("range-apply").click()
    await expect(page).to_have_url(re.compile(r"price_max_fen=10000000"))
    await expect(page.get_by_test_id("range-priceMax-echo")).to_have_text("= CNY 100,000")
    await prices_when(page, lambda p: max(p) <= 100_000 and p == sorted(p))

    # the URL is the search: a fresh page on it shows the same result
    other = await new_page(browser, "zh-CN")
    await other.goto(page.url)
    await expect(other.get_by_test_id("search-total")).to_have_text(re.compile(r"共 \d+ 辆"), timeout=10_000)

    await page.get_by_test_id("search-input").fill("zzzzqqqxxx")
    await page.get_by_test_id("search-submit").click()
    await expect(page.get_by_text("No car matches this search")).to_be_visible()


async def test_dealer_creates_publishes_and_finds_a_listing(seeded: Server, browser: Any) -> None:
    page = await new_page(browser)
    await page.goto(seeded.url + "/login")
    await page.get_by_label("Email or mobile").fill(DEALER_EMAIL)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_test_id("nav-inventory").click()
    await expect(page.get_by_test_id("inventory-table")).to_be_visible()
    await page.get_by_test_id("new-listing").click()

    marker = "browser" + uuid.uuid4().hex[:6]
    await page.get_by_label("VIN (17 characters)").fill("LBV5S1100MA00000X")  # wrong: caught before sending
    await page.get_by_label("Brand").fill("宝马")
    await page.get_by_label("Series", exact=True).fill("3系")
    await page.get_by_label("Asking price (in CNY 10,000s · 万元)").fill("23.8")
    await expect(page.get_by_test_id("listing-price-input-echo")).to_have_text("= CNY 238,000")
    await page.get_by_test_id("listing-save").click()
    await expect(page.get_by_text("A VIN has 17 characters")).to_be_visible()

    vin = with_check_digit("LBV5S1100MA" + str(uuid.uuid4().int)[:6])
    await page.get_by_label("VIN (17 characters)").fill(vin)
    await page.get_by_label("Trim").fill(f"320Li {marker}")
    await page.get_by_label("Plate prefix (e.g. 浙B)").fill("浙B")
    await page.get_by_test_id("listing-save").click()
    await expect(page).to_have_url(re.compile(r"/dealer/listings/\d+/edit"))

    # A visitor searches for the car before it is published: nothing yet.
    visitor = await new_page(browser)
    await visitor.goto(seeded.url + "/listings")
    await visitor.get_by_test_id("search-input").fill(f"BMW 3 series {marker}")
    await visitor.get_by_test_id("search-submit").click()
    await expect(visitor.get_by_text("No car matches this search")).to_be_visible()

    await page.get_by_test_id("nav-inventory").click()
    row = page.get_by_test_id("inventory-row").filter(has_text=vin)
    await expect(row.get_by_test_id("inventory-status")).to_have_text("Draft")
    await row.get_by_test_id("publish-button").click()
    await expect(row.get_by_test_id("inventory-status")).to_have_text("Published")

    # Pressing Search again on the unchanged query fetches again, and the published car appears once the
    # index has it (through the outbox; in production through the arq worker).
    for _ in range(100):
        await visitor.get_by_test_id("search-submit").click()
        try:
            await expect(visitor.get_by_test_id("listing-card")).to_have_count(1, timeout=300)
            break
        except AssertionError:
            continue
    await expect(visitor.get_by_test_id("listing-card")).to_have_count(1)

    await page.get_by_test_id("nav-listings").click()
    await page.get_by_test_id("search-input").fill(f"BMW 3 series {marker}")
    await page.get_by_test_id("search-submit").click()
    await expect(page.get_by_test_id("listing-card")).to_have_count(1)
    await page.get_by_test_id("listing-card").click()
    await expect(page.get_by_test_id("detail-price")).to_contain_text("CNY 238,000")
    await expect(page.get_by_test_id("spec")).to_contain_text("Ningbo".replace("Ningbo", "宁波"))
