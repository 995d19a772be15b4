"""The foreign buyer pays an export order through Stripe's hosted checkout, over HTTP, against a LOCAL FAKE of the
Stripe endpoints (tests/support_stripe_fake.py; no Stripe server is reachable here). The dealer opens the page for
the order's balance; Stripe's webhook (signed as Stripe signs it) leads to the order's payment, once."""

from __future__ import annotations

from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settlement.models import CardOperation, Receipt
from tests.e2e.listings.helpers import settle
from tests.integration.settlement.support_cards import fake, rail
from tests.support import ApiClient, make_member, make_org
from tests.support_export import login_as, make_exporter, make_order
from tests.support_payees import account_of
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "rail"]  # the fixtures
HOOK = "/api/payments/stripe/webhook"


async def post_event(client: ApiClient, fake: FakeStripe, type_: str, cs_id: str, **kw: object) -> dict[str, object]:
    payload, sig = fake.event(type_, fake.session_object(cs_id), **kw)  # type: ignore[arg-type]
    headers = {"Stripe-Signature": sig, "Content-Type": "application/json"}
    r = await client.request("POST", HOOK, csrf=False, content=payload, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


async def test_an_order_paid_by_card_is_recorded_once(client: ApiClient, rail: StripeCards, fake: FakeStripe) -> None:
    ex = await make_exporter(client, cars=2)
    order = await make_order(client, ex)  # USD, two cars at 12,500.00
    url = f"/api/export/orders/{order['id']}/card-checkout"
    state = (await client.get(url)).json()
    assert state == {"available": True, "reason": None, "checkout": None}
    r = await client.post(url)
    assert r.status_code == 200, r.text
    opened = r.json()
    assert (opened["status"], opened["amount_minor"], opened["currency"]) == ("open", 2_500_000, "USD")
    op = await CardOperation.get(id=opened["operation_id"])
    assert op.provider_id is not None
    assert opened["url"] == fake.sessions[op.provider_id]["url"]
    assert (op.purpose, op.house_org_id, op.subject) == ("order", ex.org.id, f"export_order:{order['id']}")
    cs = fake.sessions[op.provider_id]
    assert (cs["amount_total"], cs["currency"], cs["client_reference_id"]) == (
        2_500_000, "usd", f"export_order-{order['id']}",
    )  # fmt: skip
    assert (await client.post(url)).json()["operation_id"] == op.id  # a second click: the same page
    # A direct charge on the exporter's own connected account, never the platform's.
    assert (op.payee_account, ("POST", "/v1/checkout/sessions") in fake.calls_on(account_of(ex.org.id))) == (
        account_of(ex.org.id), True,
    )  # fmt: skip

    fake.checkout(op.provider_id, "pay")
    # Back from Stripe (before any webhook): the return page is that order's, with its payment as Stripe has it.
    assert fake.sessions[op.provider_id]["success_url"].endswith("/track?card=done&session_id={CHECKOUT_SESSION_ID}")
    back = await client.get("/api/export/consignee/checkout", headers={"X-Checkout-Session": op.provider_id})
    assert back.status_code == 200, back.text
    page = back.json()
    assert (page["order_reference"], page["payment"]["card_status"], page["payment"]["total_minor"]) == (
        order["reference"], "succeeded", 2_500_000,
    )  # fmt: skip
    assert page["documents"] == []  # the papers stay behind the consignee's own link
    for wrong in ("cs_test_unknown", "", "pi_x"):
        r = await client.get("/api/export/consignee/checkout", headers={"X-Checkout-Session": wrong})
        assert r.status_code == 404
    first = await post_event(client, fake, "checkout.session.completed", op.provider_id, event_id="evt_order_1")
    assert first == {"received": True, "outcome": "checkout:succeeded"}
    again = await post_event(client, fake, "checkout.session.completed", op.provider_id, event_id="evt_order_1")
    assert again["received"] is False
    await post_event(client, fake, "checkout.session.completed", op.provider_id)  # another id, the same session
    await settle(client)
    got = (await client.get(f"/api/export/orders/{order['id']}")).json()
    pi = fake.sessions[op.provider_id]["payment_intent"]
    assert [(p["method"], p["reference"], p["amount_minor"]) for p in got["payments"]] == [("card", pi, 2_500_000)]
    assert got["paid_minor"] == 2_500_000
    page = (await client.get("/api/export/consignee/checkout", headers={"X-Checkout-Session": op.provider_id})).json()
    assert (page["payment"]["paid_minor"], page["payment"]["due_minor"]) == (2_500_000, 0)
    assert await Receipt.all().count() == 0  # the exporter's money: no house's books
    state = (await client.get(url)).json()
    assert (state["available"], state["reason"], state["checkout"]["status"]) == (
        False,
        "order_nothing_due",
        "succeeded",
    )
    r = await client.post(url)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "order_nothing_due")


async def test_a_rival_dealer_sees_no_order_and_cny_is_refused(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex, currency="CNY")
    url = f"/api/export/orders/{order['id']}/card-checkout"
    assert (await client.get(url)).json()["reason"] == "card_currency_unsupported"
    r = await client.post(url)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "card_currency_unsupported")
    rival = await make_exporter(client, cars=0)  # logs the rival in
    missing = await client.post("/api/export/orders/2147483647/card-checkout")
    for method in ("GET", "POST"):
        r = await client.request(method, url)
        assert r.status_code == 404
        assert r.json() == missing.json()
    await login_as(client, ex.admin.user.id)
    assert rival.org.id != ex.org.id
    assert await CardOperation.all().count() == 0


async def test_without_a_rail_the_desk_is_told_why(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    url = f"/api/export/orders/{order['id']}/card-checkout"
    assert (await client.get(url)).json() == {"available": False, "reason": "card_rail_unavailable", "checkout": None}
    r = await client.post(url)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "card_rail_unavailable")


async def test_an_exporter_without_its_stripe_account_is_refused_the_card(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    ex = await make_exporter(client, cars=1, payee=False)
    order = await make_order(client, ex)
    url = f"/api/export/orders/{order['id']}/card-checkout"
    assert (await client.get(url)).json() == {"available": False, "reason": "card_payee_missing", "checkout": None}
    r = await client.post(url)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "card_payee_missing")
    assert await CardOperation.all().count() == 0

    # The export desk's settings: the dealer's administrator connects the exporter's own account.
    payee = f"/api/export/dealers/{ex.org.id}/card-payee"
    account = fake.connect(f"acct_exp{ex.org.id:010d}")
    r = await client.put(payee, json={"account": account})
    assert (r.status_code, r.json()["status"]) == (200, "verified")
    assert (await client.get(payee)).json()["refusal"] is None
    r = await client.post(url)
    assert r.status_code == 200, r.text
    assert (await CardOperation.get(id=r.json()["operation_id"])).payee_account == account


async def test_a_dealer_without_a_filing_cannot_connect_an_account(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    org = await make_org("dealer")
    admin = await make_member(client.app, org, ["dealer_admin"], "nofiling")
    await login_as(client, admin.user.id)
    r = await client.put(
        f"/api/export/dealers/{org.id}/card-payee", json={"account": fake.connect("acct_nofiling00001")}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "filing_missing")
