"""Registration, login, organisation application and verification, as people do it in Chromium."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from marketplace.accounts import domain
from tests.browser.conftest import Server

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def licence() -> str:
    body = "91330200MA" + str(uuid.uuid4().int)[:7]
    return body + domain.uscc_check_char(body)


async def new_page(browser: Any, locale: str = "en-US") -> Any:
    context = await browser.new_context(locale=locale)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    # Every page of these flows must work under the Content-Security-Policy the server sends.
    page.csp_violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_violations.append(m.text))
    return page


def mailed_link(server: Server, to: str) -> str:
    """The last link mailed to `to`, from the directory the server's mail adapter writes."""
    outbox = Path(server.env["VAR_DIR"]) / "mail-outbox"
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in outbox.glob("*.eml")]
    mine = sorted((m for m in messages if m["To"] == to), key=lambda m: parsedate_to_datetime(m["Date"]))
    assert mine, f"no mail to {to}"
    body = mine[-1].get_body(("plain",))
    assert body is not None
    match = re.search(r"https?://\S+#token=[A-Za-z0-9_-]+", str(body.get_content()))
    assert match
    return match.group(0)


async def test_register_apply_verify_and_see_status(server: Server, browser: Any) -> None:
    email = f"dealer-{uuid.uuid4().hex[:6]}@example.cn"
    org_name = f"Ningbo Test Motors {uuid.uuid4().hex[:4]}"
    code = licence()

    dealer = await new_page(browser)
    await dealer.goto(server.url + "/register")
    await dealer.get_by_label("Display name").fill("Wang Wu")
    await dealer.get_by_label("Email").fill(email)
    await dealer.get_by_label("Password", exact=True).fill("a-long-password-1")
    await dealer.get_by_label("Confirm password").fill("a-long-password-1")
    await dealer.get_by_role("button", name="Create account").click()
    await expect(dealer.get_by_role("heading", name="Check your messages")).to_be_visible()
    link = mailed_link(server, email)
    assert link.startswith("http://127.0.0.1:8000/register/confirm#token=")  # PUBLIC_URL's default
    await dealer.goto(server.url + link.removeprefix("http://127.0.0.1:8000"))
    await expect(dealer).to_have_url(server.url + "/account")
    await expect(dealer.get_by_test_id("me-display-name")).to_have_text("Wang Wu", timeout=15_000)

    await dealer.get_by_label("Organisation name").fill(org_name)
    await dealer.get_by_label("Unified social credit code").fill(code)
    await dealer.get_by_role("button", name="Register organisation").click()
    await expect(dealer.get_by_text(org_name).first).to_be_visible()

    admin = await new_page(browser)
    await admin.goto(server.url + "/login")
    await admin.get_by_label("Email or mobile").fill(server.admin_email)
    await admin.get_by_label("Password", exact=True).fill(server.admin_password)
    await admin.get_by_role("button", name="Sign in").click()
    await expect(admin.get_by_test_id("nav-admin")).to_be_visible()
    await admin.get_by_test_id("nav-admin").click()
    row = admin.locator("[data-testid^='org-row-']", has_text=org_name)
    await expect(row).to_be_visible()
    org_id = (await row.get_attribute("data-testid") or "").removeprefix("org-row-")
    await admin.get_by_test_id(f"verify-btn-{org_id}").click()
    await admin.get_by_test_id("reason-input").fill("licence and certificates checked")
    await admin.get_by_test_id("confirm-action").click()
    await expect(admin.get_by_test_id(f"org-status-{org_id}")).to_contain_text("Verified")
    SHOTS.mkdir(exist_ok=True)
    await admin.screenshot(path=str(SHOTS / "admin-verification.png"), full_page=True)

    await dealer.reload()
    await expect(dealer.get_by_text("Verified").first).to_be_visible()
    await dealer.screenshot(path=str(SHOTS / "account-verified.png"), full_page=True)

    # The dealer invites the ops user as a buyer; they join only by accepting.
    await dealer.get_by_label("Member email or mobile").fill(server.admin_email)
    await dealer.get_by_role("group", name="Roles").get_by_label("Buyer").check()
    await dealer.get_by_role("button", name="Send invitation").click()
    await expect(dealer.get_by_text(f"Invitation sent to {server.admin_email}")).to_be_visible()
    await admin.goto(server.url + "/account/invitations")
    invitation = admin.get_by_test_id("my-invitations").locator("li", has_text=org_name)
    await invitation.get_by_role("button", name="Accept").click()
    await expect(admin.get_by_text(f"You joined {org_name}")).to_be_visible()
    await expect(admin.locator("[data-testid^='org-row-']", has_text=org_name)).to_be_visible()
    assert dealer.csp_violations == []
    assert admin.csp_violations == []


async def test_wrong_password_shows_an_error_and_language_switch(server: Server, browser: Any) -> None:
    page = await new_page(browser)
    await page.goto(server.url + "/login")
    await page.get_by_label("Email or mobile").fill(server.admin_email)
    await page.get_by_label("Password", exact=True).fill("definitely-wrong-1")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("form-error")).to_be_visible()
    await page.get_by_test_id("lang-switch").click()
    await expect(page.get_by_role("button", name="登录")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("button", name="登录")).to_be_visible()  # the choice persists
