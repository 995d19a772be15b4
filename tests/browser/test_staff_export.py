"""The staff export pages in Chromium, on a phone: the dealer uploads its filing certificate on the desk; platform
staff see the dealer's name and the paper (it downloads), verify the pending filing (a rejection needs its reason),
suspend it with a reason (the dealer's desk then shows it suspended with the reason), and reinstate it (the
decisions listed with who); staff add a destination rule version effective from tomorrow with a certificate (a
missing source refused on its field first), and start a new version from Russia's with its certificates filled in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import Server, seed, signed_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _fits(page: Any, what: str) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the {what} is {width}px wide on a phone"


@pytest.mark.timeout(240)
async def test_staff_verify_suspend_reinstate_a_filing_and_add_rule_versions(browser: Any, server: Server) -> None:
    from playwright.async_api import expect

    world = seed(server, "seed_staff_export")
    tomorrow = (datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()

    dealer = await signed_in(browser, server, world["dealer"])
    await dealer.set_viewport_size(PHONE)
    await dealer.goto(server.url + "/export")
    papers = dealer.get_by_test_id("filing-papers")
    await expect(papers).to_contain_text("No papers uploaded yet")
    await papers.get_by_test_id("filing-paper-number").fill("浙商务备-2026-017")
    await papers.get_by_test_id("filing-paper-file").set_input_files(
        {"name": "filing.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await papers.get_by_test_id("filing-paper-upload").click()
    await expect(papers.get_by_test_id("filing-paper")).to_contain_text("浙商务备-2026-017")
    await _fits(dealer, "desk")

    staff = await signed_in(browser, server, world["staff"])
    await staff.set_viewport_size(PHONE)
    await staff.goto(server.url + "/admin/verification")
    await staff.get_by_test_id("nav-admin-filings").click()
    card = staff.get_by_test_id(f"filing-{world['filing']}")
    await expect(card).to_contain_text(world["filing_no"])
    await expect(card.get_by_test_id("filing-dealer")).to_have_text(f"{world['org_name']} (dealer #{world['org']})")
    await expect(card).to_contain_text("张评估")
    paper = card.get_by_test_id("filing-paper")
    await expect(paper).to_contain_text("Filing certificate / approval (备案证明)")
    href = await paper.get_by_test_id("filing-paper-download").get_attribute("href")
    got = await staff.request.get(server.url + str(href))
    assert got.status == 200
    assert await got.body() == PDF
    await expect(card.get_by_test_id("filing-status")).to_have_text("Awaiting verification")
    await card.get_by_test_id("filing-reject").click()  # a rejection needs its reason
    await expect(card).to_contain_text("Give the reason for rejecting.")
    await card.get_by_test_id("filing-verify").click()
    await expect(card.get_by_test_id("filing-status")).to_have_text("Verified")
    await card.get_by_test_id("filing-suspend").click()  # so does a suspension
    await expect(card).to_contain_text("Give the reason for suspending.")
    await card.get_by_test_id("filing-reason").fill("评估师证书过期 (browser test)")
    await card.get_by_test_id("filing-suspend").click()
    await expect(card.get_by_test_id("filing-status")).to_have_text("Suspended")
    await expect(card.get_by_test_id("filing-history")).to_contain_text("Suspended by Staff Li")
    await _fits(staff, "filings page")

    await dealer.reload()
    await expect(dealer.get_by_test_id("filing-status")).to_have_text("Suspended")
    await expect(dealer.get_by_test_id("export-filing")).to_contain_text("评估师证书过期 (browser test)")

    await card.get_by_test_id("filing-reinstate").click()
    await expect(card.get_by_test_id("filing-status")).to_have_text("Verified")
    await expect(card.get_by_test_id("filing-history").locator("li")).to_have_count(3)
    await expect(card.get_by_test_id("filing-history")).to_contain_text("Reinstated by Staff Li")
    await dealer.reload()
    await expect(dealer.get_by_test_id("filing-status")).to_have_text("Verified")
    await dealer.context.close()

    await staff.get_by_test_id("nav-admin-rules").click()
    form = staff.get_by_test_id("rule-form")
    await form.get_by_label("Country (ISO code)").fill("KZ")
    await form.get_by_label("Effective from").fill(tomorrow)
    await form.get_by_label("Age limit (years)").fill("3")
    await form.get_by_test_id("rule-certificate-add").click()
    cert = form.get_by_test_id("rule-certificate")
    await cert.get_by_label("Certificate").fill("era_glonass")
    await staff.get_by_test_id("rule-submit").click()  # no source: the API's error lands on the field
    await expect(form.locator(".field-invalid")).to_have_count(1)
    await form.get_by_label("Source").fill("Kazakhstan customs order 2026-11 (browser test)")
    await staff.get_by_test_id("rule-submit").click()
    await expect(form.get_by_role("status")).to_have_text("Version added.")
    versions = staff.get_by_test_id("rules-KZ").get_by_test_id("rule-version")
    await expect(versions.first).to_contain_text(tomorrow)
    await expect(versions.first).to_contain_text("Kazakhstan customs order 2026-11 (browser test)")
    await expect(versions.first.get_by_test_id("rule-certificates")).to_contain_text("ERA-GLONASS unit (0+ years)")

    # a new version of Russia's rule starts from the one in force, certificates and all
    await staff.get_by_test_id("rules-RU-start").click()
    form = staff.get_by_test_id("rule-form")
    await expect(form.get_by_label("Country (ISO code)")).to_have_value("RU")
    certs = form.get_by_test_id("rule-certificate")
    await expect(certs).to_have_count(3)
    await expect(certs.nth(0).get_by_label("Certificate")).to_have_value("type_approval")
    await certs.nth(2).get_by_test_id("rule-certificate-remove").click()  # ERA-GLONASS dropped in this version
    await form.get_by_label("Effective from").fill(tomorrow)
    await form.get_by_label("Source").fill("EAEU change 2026-12 (browser test)")
    await staff.get_by_test_id("rule-submit").click()
    await expect(form.get_by_role("status")).to_have_text("Version added.")
    ru = staff.get_by_test_id("rules-RU").get_by_test_id("rule-version")
    await expect(ru.first).to_contain_text("EAEU change 2026-12 (browser test)")
    await expect(ru.first.get_by_test_id("rule-certificates")).to_contain_text("Type approval (ОТТС) (0–3 years)")
    await expect(ru.first.get_by_test_id("rule-certificates")).not_to_contain_text("ERA-GLONASS")
    await expect(ru.nth(1).get_by_test_id("rule-certificates")).to_contain_text("ERA-GLONASS")  # history kept
    await _fits(staff, "rules page")
    await staff.context.close()
