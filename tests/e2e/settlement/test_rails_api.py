"""The payment rails over HTTP: a statement imported as a raw file (and again), bad files refused with a code, the
queue worked and the reconciliation read; Stripe's webhook posted as Stripe posts it (no session, a signature
header) to the app, verified against the LOCAL FAKE of Stripe (tests/support_stripe_fake.py)."""

from __future__ import annotations

from typing import Any

from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settlement.models import CardEvent, Invoice
from marketplace.settlement.services import cards
from tests.integration.settlement.support_cards import buyer, fake, rail
from tests.support import ApiClient, make_member, make_org, make_user
from tests.support_bank import icbc_csv, icbc_row, make_invoice
from tests.support_export import login_as
from tests.support_payees import connect_payee
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "rail"]  # the fixtures


async def staff_client(client: ApiClient) -> tuple[ApiClient, int]:
    house = await make_org("auction_house")
    member = await make_member(client.app, house, ["auctioneer"], "auc")
    assert (await client.login(member.login)).status_code == 200
    return client, house.id


async def test_a_statement_over_http(client: ApiClient) -> None:
    c, house = await staff_client(client)
    inv = await make_invoice(house, 4242, 100_000)
    data = icbc_csv([
        icbc_row("H1", "2026-03-02 09:00", f"{inv.total_fen / 100:.2f}", "", inv.number),
        icbc_row("H2", "2026-03-02 09:05", "9.00", "", "?"),
    ])  # fmt: skip
    url = f"/api/houses/{house}/bank/statements?layout=icbc-csv&filename=march.csv"
    first = await c.post(url, content=data, headers={"Content-Type": "text/csv"})
    assert first.status_code == 201, first.text
    body: dict[str, Any] = first.json()
    assert (body["created"], body["lines_new"], body["outcomes"]) == (True, 2, {"applied": 1, "queued": 1})
    again = await c.post(url, content=data, headers={"Content-Type": "text/csv"})
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert (await Invoice.get(id=inv.id)).status == "paid"

    bad = await c.post(f"/api/houses/{house}/bank/statements?layout=ccb-xlsx", content=b"PK\x03\x04 not a workbook")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_file")
    line = await c.post(url.replace("march", "bad"), content=data.replace(b"9.00", b"9.001"))
    assert (line.status_code, line.json()["error"]["code"]) == (422, "invalid_statement_line")

    queued = (await c.get(f"/api/houses/{house}/bank/lines?status=queued")).json()["items"]
    assert [x["serial"] for x in queued] == ["H2"]
    listed = (await c.get(f"/api/houses/{house}/bank/statements")).json()
    assert [(x["filename"], x["matched"], x["unmatched"], x["excluded"]) for x in listed["items"]] == [
        ("march.csv", 1, 1, 0)
    ]
    assert listed["next_cursor"] is None
    done = await c.post(f"/api/houses/{house}/bank/lines/{queued[0]['id']}/resolve",
                        json={"action": "exclude", "note": "not ours"})  # fmt: skip
    assert done.json()["status"] == "excluded"
    now_counts = (await c.get(f"/api/houses/{house}/bank/statements")).json()["items"][0]
    assert (now_counts["matched"], now_counts["unmatched"], now_counts["excluded"]) == (1, 0, 1)
    assert now_counts["counts"] == {"applied": 1, "excluded": 1}
    view = (await c.get(f"/api/houses/{house}/reconciliation/bank")).json()
    assert (view["reconciled"], view["clearing_fen"], view["bank_fen"]) == (True, 0, inv.total_fen)


async def test_stripe_webhook_over_http(client: ApiClient, rail: StripeCards, fake: FakeStripe) -> None:
    house = await make_org("auction_house")
    account = await connect_payee(house.id)
    inv = await make_invoice(house.id, 4343, 10_000, "HKD")
    from datetime import UTC, datetime

    op, _ = await cards.pay_invoice(buyer(4343), inv.id, datetime.now(UTC))
    assert op.provider_id is not None
    fake.confirm(op.provider_id)
    payload, sig = fake.event("payment_intent.succeeded", fake.intents[op.provider_id])
    hook = "/api/payments/stripe/webhook"
    headers = {"Stripe-Signature": sig, "Content-Type": "application/json"}
    r = await client.request("POST", hook, csrf=False, content=payload, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"received": True, "outcome": "payment:succeeded"}
    # A direct charge on the house's own connected account: made there, and its event named it.
    assert ("POST", "/v1/payment_intents") in fake.calls_on(account)
    assert (await CardEvent.get(object_id=op.provider_id)).account == account
    r = await client.request("POST", hook, csrf=False, content=payload, headers=headers)
    assert r.json()["received"] is False
    tampered = payload.replace(b"succeeded", b"canceled")
    r = await client.request("POST", hook, csrf=False, content=tampered, headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "webhook_signature_invalid")
    r = await client.request("POST", hook, csrf=False, content=b"x" * 300_000, headers=headers)
    assert r.status_code == 413
    assert await CardEvent.all().count() == 1
    assert (await Invoice.get(id=inv.id)).status == "paid"


async def test_hosted_checkout_over_http(client: ApiClient, rail: StripeCards, fake: FakeStripe) -> None:
    """The buyer opens Stripe's hosted checkout for a USD invoice, pays on the (fake) page, and Stripe's webhook
    posts the receipt once; a CNY invoice is explained, not offered; another user gets the missing invoice's 404."""
    house = await make_org("auction_house")
    await connect_payee(house.id)
    payer = await make_user(client.app, "abroad")
    await login_as(client, payer.id)
    inv = await make_invoice(house.id, payer.id, 10_000, "USD")
    url = f"/api/invoices/{inv.id}/card-checkout"
    state = (await client.get(url)).json()
    assert (state["available"], state["reason"], state["currencies"], state["checkout"]) == (
        True, None, ["EUR", "HKD", "USD"], None,
    )  # fmt: skip
    r = await client.post(url)
    assert r.status_code == 200, r.text
    opened = r.json()
    assert opened["url"].startswith(fake.url)
    assert opened["amount_minor"] == inv.total_fen
    cs_id = next(iter(k for k, s in fake.sessions.items() if s["url"] == opened["url"]))
    fake.checkout(cs_id, "pay")
    payload, sig = fake.event("checkout.session.completed", fake.session_object(cs_id))
    headers = {"Stripe-Signature": sig, "Content-Type": "application/json"}
    for received in (True, False):
        r = await client.request("POST", "/api/payments/stripe/webhook", csrf=False, content=payload, headers=headers)
        assert r.json() == {"received": received, "outcome": "checkout:succeeded" if received else "duplicate"}
    state = (await client.get(url)).json()
    assert (state["available"], state["reason"], state["checkout"]["status"]) == (
        False,
        "invoice_not_open",
        "succeeded",
    )
    assert (await Invoice.get(id=inv.id)).status == "paid"

    cny = await make_invoice(house.id, payer.id, 10_000, "CNY")
    assert (await client.get(f"/api/invoices/{cny.id}/card-checkout")).json()["reason"] == "card_currency_unsupported"
    r = await client.post(f"/api/invoices/{cny.id}/card-checkout")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "card_currency_unsupported")

    other = await make_user(client.app, "rival")
    await login_as(client, other.id)
    missing = await client.get("/api/invoices/2147483647/card-checkout")
    for method in ("GET", "POST"):
        r = await client.request(method, url)
        assert (r.status_code, r.json()) == (404, missing.json())


async def test_the_house_connects_its_stripe_account_over_http(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    """The house's administrator records its connected account; Stripe (the fake) verifies it; until then its
    buyers are told why the card is not offered, and card payments are refused with `card_payee_missing`."""
    house = await make_org("auction_house")
    admin = await make_member(client.app, house, ["house_admin"], "adm")
    payer = await make_user(client.app, "abroad2")
    inv = await make_invoice(house.id, payer.id, 10_000, "USD")
    await login_as(client, payer.id)
    state = (await client.get(f"/api/invoices/{inv.id}/card-checkout")).json()
    assert (state["available"], state["reason"]) == (False, "card_payee_missing")
    r = await client.post(f"/api/invoices/{inv.id}/card-checkout")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "card_payee_missing")
    r = await client.post(f"/api/invoices/{inv.id}/card-payment")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "card_payee_missing")

    assert (await client.login(admin.login)).status_code == 200
    url = f"/api/houses/{house.id}/card-payee"
    assert (await client.get(url)).json() == {"current": None, "history": [], "card_rail": True,
                                              "refusal": "card_payee_missing"}  # fmt: skip
    bad = await client.put(url, json={"account": "acct_nope"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "card_account_invalid")
    account = f"acct_http{house.id:010d}"
    r = await client.put(url, json={"account": account})
    assert (r.status_code, r.json()["status"], r.json()["reason"]) == (200, "refused", "card_account_not_found")
    fake.connect(account)
    r = await client.post(f"{url}/verify")
    assert (r.status_code, r.json()["status"], r.json()["account"]) == (200, "verified", account)
    got = (await client.get(url)).json()
    assert (got["current"]["status"], got["current"]["set_by_user_id"], got["refusal"]) == (
        "verified", admin.user.id, None,
    )  # fmt: skip

    await login_as(client, payer.id)
    r = await client.post(f"/api/invoices/{inv.id}/card-checkout")
    assert r.status_code == 200, r.text
    assert ("POST", "/v1/checkout/sessions") in fake.calls_on(account)
