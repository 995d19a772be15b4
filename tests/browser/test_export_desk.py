"""The export desk in Chromium, on a phone: a dealer walks one order of three cars from purchase to deregistration
(issue 12, "Done means"): a right-hand-drive car refused by the destination with the rule's source, a temporary
plate run out shown red with what to do, a licence blocked for the 180-day car until its after-sales confirmation
(售后维修服务确认书) is uploaded, a shipping event corrected (the retracted one struck through), a forwarder's CSV
with a bad row, and the consignee's read-only English page through the secret link, in a fresh context."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import Server, seed, signed_in
from tests.unit.documents.samples import flat

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _today() -> date:
    # The legal clocks count days in China, as the server does.
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


async def _no_sideways_scroll(page: Any) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


async def _record(page: Any, vin: str, step: str, **facts: str) -> None:
    form = page.get_by_test_id(f"step-{vin}-{step}")
    for name, value in facts.items():
        field = form.get_by_test_id(f"step-{vin}-{step}-{name}")
        if name == "inspection_standard":
            await field.select_option(value)
        elif name == "file":
            await field.set_input_files(value)
        else:
            await field.fill(value)
    await form.get_by_test_id(f"step-{vin}-{step}-submit").click()


async def _upload(page: Any, vin: str, kind: str, path: Path, *, for_consignee: bool = False) -> None:
    docs = page.get_by_test_id(f"vehicle-{vin}-docs")
    if not await docs.evaluate("d => d.open"):
        await docs.locator("summary").click()
    await docs.get_by_test_id(f"doc-{vin}-kind").select_option(kind)
    await docs.get_by_test_id(f"doc-{vin}-file").set_input_files(str(path))
    if for_consignee:
        await docs.get_by_label("shared with the consignee").check()
    await docs.get_by_test_id(f"doc-{vin}-upload").click()
    await page.get_by_text(f"Uploaded {path.name}.").wait_for()


async def _pack(page: Any, vin: str, **values: str) -> None:
    box = page.get_by_test_id(f"packing-{vin}")
    if not await box.evaluate("d => d.open"):
        await box.locator("summary").click()
    for name, value in values.items():
        field = box.get_by_test_id(f"packing-{vin}-{name}")
        await (field.select_option(value) if name == "mode" else field.fill(value))
    await box.get_by_test_id(f"packing-{vin}-submit").click()


@pytest.mark.timeout(360)  # one order walked through every step in the browser: about 90 s here, more on PostgreSQL
async def test_a_dealer_walks_an_order_of_three_cars_to_deregistration(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    from playwright.async_api import expect

    world = seed(server, "seed_export")
    a, b, c, rhd = world["cars"]
    today = _today()
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(PDF)
    ref = f"EX-{world['org']}-1"

    page = await signed_in(browser, server, world["dealer"])
    await page.set_viewport_size(PHONE)
    await page.goto(server.url + "/export")
    await expect(page.get_by_test_id("filing-status")).to_have_text("Verified")

    # The order: consignee, incoterm, currency and the rate fixed for it.
    await page.get_by_text("New order").click()
    form = page.get_by_test_id("new-order")
    for label, value in [("Order reference", ref), ("Consignee name", "Gulf Auto Trading LLC"),
                         ("Consignee country (ISO code)", "AE"), ("Address", "Al Aweer, Dubai"),
                         ("Contact (name, phone or e-mail)", "buyer@gulf-auto.ae"), ("Contract no.", "CT-2026-88"),
                         ("Destination", "AE"), ("Named place", "Jebel Ali"), ("Rate fixed for the order", "7.1234"),
                         ("Rate source", "PBOC central parity"), ("Rate date", today.isoformat())]:  # fmt: skip
        await form.get_by_label(label, exact=True).fill(value)
    await form.get_by_label("Incoterm", exact=True).select_option("CIF")
    await page.get_by_test_id("new-order-submit").click()
    await expect(page.get_by_role("heading", name=f"Order {ref}")).to_be_visible()
    await expect(page.get_by_test_id("order-rate")).to_contain_text("1 USD = 7.1234 CNY")

    # Three cars from the inventory; a right-hand-drive fourth is refused with the rule and its source.
    await page.get_by_test_id("add-vehicle").locator("summary").click()
    for car, steering in [(a, "lhd"), (b, "lhd"), (c, "lhd"), (rhd, "rhd")]:
        await page.get_by_test_id("add-vehicle-ref").fill(str(car["id"]))
        await page.get_by_test_id("add-vehicle-steering").select_option(steering)
        await page.get_by_test_id("add-vehicle-price").fill("12,500.00")
        await page.get_by_test_id("add-vehicle-submit").click()
        if steering == "lhd":
            await expect(page.get_by_test_id(f"vehicle-{car['vin']}")).to_be_visible()
    refusal = page.get_by_test_id("add-vehicle-error")
    await expect(refusal).to_contain_text("The destination does not admit this steering side.")
    await expect(page.get_by_test_id("add-vehicle-violations-source")).to_contain_text(
        "UAE: right-hand-drive cars are not registered"
    )
    await expect(page.get_by_test_id(f"vehicle-{rhd['vin']}")).to_have_count(0)
    # 3 × 12,500.00 USD at 7.1234 = 267,127.50 yuan, fixed when each car entered the order.
    await expect(page.get_by_test_id("order-total")).to_contain_text("USD 37,500.00")
    await expect(page.get_by_test_id("order-total")).to_contain_text("CNY 267,127.50")

    # The 待出口 transfer with the temporary plate; the third car's plate was issued 70 days ago: red.
    plates = [(a, today - timedelta(days=3)), (b, today - timedelta(days=3)), (c, today - timedelta(days=70))]
    for car, issued in plates:
        await _record(page, car["vin"], "transfer_registered", pending_export_on=today.isoformat(),
                      plate_no="浙B0" + car["vin"][-4:], plate_issued=issued.isoformat(),
                      insurance_ends=(today + timedelta(days=200)).isoformat())  # fmt: skip
        await expect(page.get_by_test_id(f"vehicle-{car['vin']}-step")).to_have_text("Transfer registered (待出口)")
    red = page.get_by_test_id(f"vehicle-{c['vin']}")
    await expect(red).to_have_attribute("data-tone", "red")
    await expect(page.get_by_test_id(f"vehicle-{c['vin']}-deadline")).to_contain_text("Temporary plate")
    await expect(page.get_by_test_id(f"vehicle-{c['vin']}-deadline")).to_contain_text("days overdue")
    await expect(page.get_by_test_id(f"vehicle-{c['vin']}-deadline-todo")).to_contain_text("apply for a new plate")
    assert await red.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(185, 28, 28)"
    await expect(page.get_by_test_id(f"vehicle-{a['vin']}")).to_have_attribute("data-tone", "none")
    await _no_sideways_scroll(page)
    # … and in Chinese, on the desk's list of orders too.
    await page.get_by_test_id("lang-switch").click()
    await expect(page.get_by_test_id(f"vehicle-{c['vin']}-deadline-todo")).to_contain_text("临时号牌已过期")
    await page.get_by_test_id("lang-switch").click()
    await page.goto(server.url + "/export")
    await expect(page.get_by_test_id(f"order-row-{ref}")).to_have_attribute("data-tone", "red")
    await expect(page.get_by_test_id(f"order-row-{ref}")).to_contain_text("1 red")
    await page.get_by_role("link", name=ref).click()

    # Inspection: two cars pass; the red one is refused until a new plate is issued.
    for car in (a, b):
        await _record(page, car["vin"], "inspected", inspection_standard="WM/T 8-2022", file=str(pdf))
        await expect(page.get_by_test_id(f"vehicle-{car['vin']}-step")).to_have_text("Inspected")
    await _record(page, c["vin"], "inspected", inspection_standard="WM/T 8-2022", file=str(pdf))
    await expect(page.get_by_test_id(f"step-{c['vin']}-inspected-error")).to_contain_text(
        "The temporary plate has expired"
    )
    # The vehicle administration issues a new plate; the dealer records it on the red car's card.
    plate = page.get_by_test_id(f"plate-{c['vin']}")
    await plate.get_by_test_id(f"plate-{c['vin']}-no").fill("浙B1" + c["vin"][-4:])
    await plate.get_by_test_id(f"plate-{c['vin']}-issued").fill(today.isoformat())
    await plate.get_by_test_id(f"plate-{c['vin']}-insurance").fill((today + timedelta(days=300)).isoformat())
    await plate.get_by_test_id(f"plate-{c['vin']}-submit").click()
    await expect(page.get_by_test_id(f"vehicle-{c['vin']}")).to_have_attribute("data-tone", "none")
    await _record(page, c["vin"], "inspected", inspection_standard="WM/T 8-2022")
    await expect(page.get_by_test_id(f"vehicle-{c['vin']}-step")).to_have_text("Inspected")

    # One batch, one licence: blocked for the 60-day-old car until its after-sales confirmation is on file.
    await page.get_by_text("New batch").click()
    await page.get_by_test_id("batch-reference").fill(f"B-{ref}")
    await page.get_by_test_id("batch-departure").fill((today + timedelta(days=5)).isoformat())
    await page.get_by_test_id("batch-create").click()
    batch = page.get_by_test_id(f"batch-B-{ref}")
    await batch.get_by_test_id("licence-no").fill("26-EX-000123")
    await batch.get_by_test_id("licence-issued").fill(today.isoformat())
    await batch.get_by_test_id("licence-form-submit").click()
    blocked = batch.get_by_test_id("licence-form-error")
    await expect(blocked).to_contain_text("Licence blocked")
    await expect(blocked).to_contain_text("售后维修服务确认书")
    await expect(blocked.get_by_test_id("refusal-vehicles")).to_contain_text(a["vin"])
    await expect(blocked.get_by_test_id("refusal-vehicles")).not_to_contain_text(b["vin"])
    confirmation = tmp_path / "after-sales.pdf"
    confirmation.write_bytes(PDF)
    await _upload(page, a["vin"], "after_sales_confirmation", confirmation)
    await batch.get_by_test_id("licence-form-submit").click()
    await expect(batch.get_by_test_id("batch-licence")).to_contain_text("26-EX-000123")

    # The packing list: refused on the form while a figure breaks a rule, offered once every car has its details.
    await expect(page.get_by_test_id("packing-list-missing")).to_contain_text(a["vin"])
    size = {"length_mm": "4948", "width_mm": "1836", "height_mm": "1469"}
    await _pack(page, a["vin"], gross_kg="1,650", net_kg="1700", **size)
    await expect(page.get_by_test_id(f"packing-{a['vin']}-error")).to_contain_text(
        "The net weight cannot exceed the gross weight."
    )
    for i, car in enumerate((a, b, c)):
        await _pack(page, car["vin"], gross_kg=str(1650 + i), net_kg="1520", mode="ro_ro", **size)
        await expect(page.get_by_test_id(f"packing-{car['vin']}-summary")).to_contain_text(f"1,{650 + i} kg gross")
    href = await page.get_by_test_id("packing-list-download").get_attribute("href")
    assert href is not None
    r = await page.request.get(server.url + href)
    assert r.status == 200
    assert r.headers["content-type"] == "application/pdf"
    text = flat(await r.body())
    for needle in (a["vin"], b["vin"], c["vin"], "装箱单", "4,953", "滚装Ro-Ro"):
        assert needle in text, needle

    # Declaration, clearance, loading and departure for the whole batch.
    await batch.get_by_test_id("declaration-no").fill("310120260000123456")
    await batch.get_by_test_id("declaration-on").fill(today.isoformat())
    await batch.get_by_test_id("declaration-form-submit").click()
    await batch.get_by_test_id("clearance-on").fill(today.isoformat())
    await batch.get_by_test_id("clearance-form-submit").click()
    for step in ("loaded", "departed"):
        await batch.get_by_test_id(f"batch-step-{step}-submit").click()
        await expect(page.get_by_test_id(f"vehicle-{a['vin']}-step")).to_have_text(step.capitalize())

    # The journey: a departure typed at the wrong hour, corrected; the ETA is the latest estimate.
    events = batch.get_by_test_id("event-form")
    await events.get_by_test_id("event-type").select_option("departed")
    await events.get_by_test_id("event-time").fill(f"{today.isoformat()}T08:00")
    await events.get_by_test_id("event-locode").fill("CNNGB")
    await events.get_by_test_id("event-place").fill("Ningbo")
    await events.get_by_test_id("event-submit").click()
    first = batch.locator("[data-testid^=event-][data-retracted]").first
    await expect(first).to_contain_text("Departed")
    await first.get_by_role("button", name="Correct").click()
    await expect(batch.get_by_test_id("event-correcting")).to_be_visible()
    await batch.get_by_test_id("event-time").fill(f"{today.isoformat()}T18:30")
    await batch.get_by_test_id("event-note").fill("sailed in the evening")
    await batch.get_by_test_id("event-submit").click()
    retracted = batch.locator("[data-retracted=true]")
    await expect(retracted).to_have_count(1)
    assert await retracted.locator("del").count() == 1
    assert await retracted.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    correction = batch.locator("[data-retracted=false]", has_text="sailed in the evening")
    await expect(correction).to_contain_text("corrects #")
    for days in (20, 18):
        await batch.get_by_test_id("event-type").select_option("arrived")
        await batch.get_by_test_id("event-classifier").select_option("EST")
        await batch.get_by_test_id("event-time").fill(f"{(today + timedelta(days=days)).isoformat()}T09:00")
        await batch.get_by_test_id("event-offset").select_option("+04:00")
        await batch.get_by_test_id("event-submit").click()
        eta = (today + timedelta(days=days)).strftime("%b %-d, %Y")
        await expect(batch.get_by_test_id("journey-eta")).to_contain_text(f"ETA (latest estimate): {eta}")

    # A forwarder's CSV: the good row goes in, the bad one is reported with its line and column.
    csv = tmp_path / "forwarder.csv"
    csv.write_text(
        "event_id,batch,event_type,classifier,event_time,time_zone,location_code,location_name\n"
        f"FWD-1,B-{ref},gate_in,ACT,{today.isoformat()}T06:00:00+08:00,Asia/Shanghai,CNNGB,Ningbo\n"
        f"FWD-2,B-{ref},arrived,SOON,{today.isoformat()}T06:00:00+08:00,Asia/Shanghai,AEJEA,Jebel Ali\n",
        encoding="utf-8",
    )
    await page.get_by_test_id("event-import").locator("summary").click()
    await page.get_by_test_id("import-file").set_input_files(str(csv))
    await page.get_by_test_id("import-submit").click()
    await expect(page.get_by_test_id("import-result")).to_contain_text("1 rows refused")
    bad = page.get_by_test_id("import-errors").locator("tbody tr")
    await expect(bad).to_have_count(1)
    await expect(bad.locator("td").first).to_have_text("3")
    await expect(bad).to_contain_text("classifier")

    # Arrival, delivery, then each car's registration is cancelled.
    for step, shown in (("arrived", "Arrived"), ("delivered", "Delivered")):
        await batch.get_by_test_id(f"batch-step-{step}-submit").click()
        await expect(page.get_by_test_id(f"vehicle-{a['vin']}-step")).to_have_text(shown)
    for car in (a, b, c):
        await _record(page, car["vin"], "deregistered", file=str(pdf))
        await expect(page.get_by_test_id(f"vehicle-{car['vin']}-step")).to_have_text("Registration cancelled")
    await expect(page.get_by_test_id("step-timeline")).to_contain_text("Registration cancelled")
    await expect(page.get_by_test_id("step-timeline")).to_contain_text("Export licence issued")
    invoice = tmp_path / "commercial-invoice.pdf"
    invoice.write_bytes(PDF)
    await _upload(page, b["vin"], "commercial_invoice", invoice, for_consignee=True)
    await _no_sideways_scroll(page)

    # A link sent to the wrong address is revoked from the desk: it is dead at once.
    await page.get_by_test_id("consignee-link-create").click()
    dead = await page.get_by_test_id("consignee-link").get_attribute("href")
    links = page.get_by_test_id("consignee-links")
    await links.locator("[data-testid^=consignee-link-revoke-]").first.click()
    await expect(links.locator("[data-revoked=true]")).to_have_count(1)
    await expect(links).to_contain_text("no longer opens")
    await expect(page.get_by_test_id("consignee-link")).to_have_count(0)
    # The consignee's link: read-only, English, no login.
    await page.get_by_test_id("consignee-link-create").click()
    await expect(links.locator("[data-revoked=false]")).to_have_count(1)
    link = await page.get_by_test_id("consignee-link").get_attribute("href")
    assert link != dead
    assert link is not None
    assert "/track#token=" in link
    await page.context.close()
    consignee = await (await browser.new_context(locale="zh-CN", viewport=PHONE)).new_page()
    await consignee.goto(link)
    await expect(consignee.get_by_role("heading", name=f"Shipment {ref}")).to_be_visible()
    await expect(consignee.get_by_test_id("consignee-vehicles")).to_contain_text(b["vin"])
    await expect(consignee.get_by_test_id("consignee-documents")).to_contain_text("Commercial invoice")
    await expect(consignee.get_by_test_id("consignee-documents")).not_to_contain_text("After-sales")
    # After arrival the page says so: the batch's arrived step is recorded (today), so no estimate is shown even
    # though the forwarder sent no actual arrival event.
    await expect(consignee.get_by_test_id("consignee-eta")).to_have_text(f"Arrived: {today.strftime('%b %-d, %Y')}")
    await expect(consignee.get_by_test_id(f"consignee-status-{b['vin']}")).not_to_be_empty()
    await expect(consignee.get_by_test_id("user-menu")).to_have_count(0)
    assert await consignee.locator("[data-testid=consignee-page]").get_attribute("lang") == "en"
    await _no_sideways_scroll(consignee)
    await consignee.goto(server.url + "/track#token=not-a-token")
    await expect(consignee.get_by_test_id("consignee-invalid")).to_be_visible()
    assert dead is not None
    await consignee.goto(dead)
    await consignee.reload()  # a change of the fragment alone does not reload the page
    await expect(consignee.get_by_test_id("consignee-invalid")).to_be_visible()
    await consignee.context.close()
