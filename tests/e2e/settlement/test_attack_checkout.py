"""Hostile use of an invoice's hosted card checkout, against the LOCAL Stripe fake: a rival house's staff and
platform staff, a paid invoice, a CNY invoice clicked again and again, the balance changed under an open session,
a member removed from the house. Refusals carry their stable codes, create no card operation, and a rival learns
nothing a missing invoice would not tell."""

from __future__ import annotations

from marketplace.accounts.models import Membership
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settlement.models import CardOperation
from tests.integration.settlement.support_cards import fake, rail
from tests.support import ApiClient, make_member, make_org, make_platform_admin, make_user
from tests.support_bank import make_invoice
from tests.support_export import login_as
from tests.support_payees import connect_payee
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "rail"]  # the fixtures


async def test_others_are_told_nothing_and_platform_staff_pay_nothing(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    house, rival = await make_org("auction_house"), await make_org("auction_house")
    await connect_payee(house.id)
    payer = await make_user(client.app, "abroad")
    inv = await make_invoice(house.id, payer.id, 10_000, "USD")
    url = f"/api/invoices/{inv.id}/card-checkout"
    rival_staff = await make_member(client.app, rival, ["house_admin"], "radm")
    await login_as(client, rival_staff.user.id)
    missing = await client.get("/api/invoices/2147483647/card-checkout")
    for method in ("GET", "POST"):
        r = await client.request(method, url)
        assert (r.status_code, r.json()) == (404, missing.json()), method
    await login_as(client, (await make_platform_admin(client.app)).user.id)
    r = await client.post(url)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_invoice_payer")
    assert await CardOperation.all().count() == 0


async def test_a_paid_invoice_and_a_cny_one_open_nothing_however_often_clicked(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    house = await make_org("auction_house")
    await connect_payee(house.id)  # the house takes card payments on its own Stripe account
    staff = await make_member(client.app, house, ["auctioneer"], "auc")
    payer = await make_user(client.app, "abroad")
    paid = await make_invoice(house.id, payer.id, 10_000, "USD")
    cny = await make_invoice(house.id, payer.id, 10_000, "CNY")
    await login_as(client, staff.user.id)
    r = await client.post(
        f"/api/houses/{house.id}/receipts",
        json={"invoice_id": paid.id, "reference": "HSBC-1", "amount_fen": paid.total_fen, "received_on": "2026-12-01"},
    )
    assert r.status_code == 201, r.text
    await login_as(client, payer.id)
    for _ in range(3):
        r = await client.post(f"/api/invoices/{paid.id}/card-checkout")
        assert (r.status_code, r.json()["error"]["code"]) == (409, "invoice_not_open")
        r = await client.post(f"/api/invoices/{cny.id}/card-checkout")
        assert (r.status_code, r.json()["error"]["code"]) == (409, "card_currency_unsupported")
    assert await CardOperation.all().count() == 0


async def test_a_session_follows_the_balance_and_a_removed_member_loses_it_at_once(
    client: ApiClient, rail: StripeCards, fake: FakeStripe
) -> None:
    house = await make_org("auction_house")
    await connect_payee(house.id)  # the house takes card payments on its own Stripe account
    staff = await make_member(client.app, house, ["auctioneer"], "auc")
    payer = await make_user(client.app, "abroad")
    inv = await make_invoice(house.id, payer.id, 10_000, "USD")
    url = f"/api/invoices/{inv.id}/card-checkout"
    await login_as(client, staff.user.id)
    first = (await client.post(url)).json()
    assert first["amount_minor"] == inv.total_fen
    assert (await client.post(url)).json()["operation_id"] == first["operation_id"]  # a second click resumes it
    r = await client.post(
        f"/api/houses/{house.id}/receipts",
        json={"invoice_id": inv.id, "reference": "HSBC-2", "amount_fen": 1_000, "received_on": "2026-12-01"},
    )
    assert r.status_code == 201, r.text
    second = (await client.post(url)).json()
    assert (second["amount_minor"], second["operation_id"] != first["operation_id"]) == (inv.total_fen - 1_000, True)

    await Membership.filter(user_id=staff.user.id, organisation_id=house.id).delete()
    missing = await client.get("/api/invoices/2147483647/card-checkout")
    for method in ("GET", "POST"):
        r = await client.request(method, url)
        assert (r.status_code, r.json()) == (404, missing.json()), method
    assert await CardOperation.all().count() == 2
