"""The staff export pages in Chromium, on a phone: platform staff verify a dealer's pending filing (备案) and add a
destination rule version effective from tomorrow (a missing source refused on its field first); the dealer's desk
then shows the filing verified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import Server, seed, signed_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.timeout(180)
async def test_staff_verify_a_filing_and_add_a_rule_version_the_dealer_sees_it(browser: Any, server: Server) -> None:
    from playwright.async_api import expect

    world = seed(server, "seed_staff_export")
    tomorrow = (datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()

    staff = await signed_in(browser, server, world["staff"])
    await staff.set_viewport_size(PHONE)
    await staff.goto(server.url + "/admin/verification")
    await staff.get_by_test_id("nav-admin-filings").click()
    card = staff.get_by_test_id(f"filing-{world['filing']}")
    await expect(card).to_contain_text(world["filing_no"])
    await expect(card).to_contain_text("张评估")
    await expect(card.get_by_test_id("filing-status")).to_have_text("Awaiting verification")
    await card.get_by_test_id("filing-reject").click()  # a rejection needs its reason
    await expect(card).to_contain_text("Give the reason for rejecting.")
    await card.get_by_test_id("filing-verify").click()
    await expect(card.get_by_test_id("filing-status")).to_have_text("Verified")
    width = await staff.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the filings page is {width}px wide on a phone"

    await staff.get_by_test_id("nav-admin-rules").click()
    form = staff.get_by_test_id("rule-form")
    await form.get_by_label("Country (ISO code)").fill("KZ")
    await form.get_by_label("Effective from").fill(tomorrow)
    await form.get_by_label("Age limit (years)").fill("3")
    await staff.get_by_test_id("rule-submit").click()  # no source: the API's error lands on the field
    await expect(form.locator(".field-invalid")).to_have_count(1)
    await form.get_by_label("Source").fill("Kazakhstan customs order 2026-11 (browser test)")
    await staff.get_by_test_id("rule-submit").click()
    await expect(form.get_by_role("status")).to_have_text("Version added.")
    versions = staff.get_by_test_id("rules-KZ").get_by_test_id("rule-version")
    await expect(versions.first).to_contain_text(tomorrow)
    await expect(versions.first).to_contain_text("Kazakhstan customs order 2026-11 (browser test)")
    await staff.context.close()

    dealer = await signed_in(browser, server, world["dealer"])
    await dealer.set_viewport_size(PHONE)
    await dealer.goto(server.url + "/export")
    await expect(dealer.get_by_test_id("filing-status")).to_have_text("Verified")
    await dealer.context.close()
