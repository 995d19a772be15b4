"""The payee of every card operation is the house's (or the exporter's) own Stripe connected account: direct charges
made with the Stripe-Account header, against the LOCAL FAKE of Stripe (tests/support_stripe_fake.py; no Stripe
server can be reached here). No verified account: the card rail refuses, never charging on the platform's own
account. Webhooks are applied only from the account the operation's money went to; reconciliation reads each
house's own account."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from tortoise.transactions import in_transaction

from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement.models import CardBalanceLine, CardEvent, CardOperation, Invoice, PayeeAccount, Receipt
from marketplace.settlement.services import cards, checkout, payees, reconciliation, webhooks
from tests.integration.settlement.support_cards import buyer, deliver, fake, house, paid_with_credit, rail, staff
from tests.support_bank import make_invoice
from tests.support_payees import account_of, connect_payee
from tests.support_stripe_fake import SECRET_KEY, FakeStripe

__all__ = ["fake", "house", "rail"]  # the fixtures
CREATES = ("/v1/payment_intents", "/v1/checkout/sessions", "/v1/refunds")


def now() -> datetime:
    return datetime.now(UTC)


def bare_house() -> int:
    return uuid.uuid4().int % 90_000 + 10_000


def admin(org: int) -> Principal:
    return Principal(user_id=7, display_name="admin", memberships={org: frozenset({"house_admin"})},
                     org_kinds={org: "auction_house"})  # fmt: skip


def platform_creates(fake: FakeStripe, since: int) -> list[tuple[str, str]]:
    """Money-moving calls made on the platform's own account (no Stripe-Account header) since a point."""
    return [(m, p) for m, p, a in fake.calls[since:] if a == "" and m == "POST" and p.startswith(CREATES)]


async def refused(awaitable: object) -> tuple[int, str | None]:
    try:
        await awaitable  # type: ignore[misc]
    except ApiError as exc:
        return exc.status, exc.code
    raise AssertionError("not refused")


async def test_without_a_verified_payee_no_card_operation_is_made(
    database: Settings, rail: StripeCards, fake: FakeStripe
) -> None:
    house, seen = bare_house(), len(fake.calls)
    inv = await make_invoice(house, 61, 10_000, "USD")
    missing = (409, "card_payee_missing")
    assert await refused(cards.pay_invoice(buyer(61), inv.id, now())) == missing
    assert await refused(checkout.checkout_invoice(buyer(61), inv.id)) == missing
    assert await refused(checkout.checkout_order(house, 9_001, 10_000, "USD", 1)) == missing
    async with in_transaction() as conn:
        assert await refused(cards.hold_deposit(conn, house, "deposit:session:1:user:61", "user:61", 10_000,
                                                "USD")) == missing  # fmt: skip
    _, reason, _ = await checkout.invoice_checkout(buyer(61), inv.id)
    assert reason == "card_payee_missing"
    assert await checkout.configured_for("USD", house) == "card_payee_missing"

    # An account Stripe does not know as the platform's (refused) or not yet checked: the same refusal.
    row = await payees.set_account(admin(house), house, "acct_NotConnected0001", now())
    assert (row.status, row.reason) == ("refused", "card_account_not_found")
    assert await refused(cards.pay_invoice(buyer(61), inv.id, now())) == missing
    await PayeeAccount.create(org_id=house, account="acct_Unchecked00001", set_by_user_id=7, set_at=now())
    assert await refused(checkout.checkout_invoice(buyer(61), inv.id)) == missing

    assert await CardOperation.filter(house_org_id=house).count() == 0
    assert [p for _, p, _ in fake.calls[seen:] if p.startswith(CREATES)] == []  # nothing reached Stripe at all


async def test_an_operation_without_a_payee_is_refused_below_the_services_too(database: Settings,
                                                                             rail: StripeCards) -> None:  # fmt: skip
    async with in_transaction() as conn:
        assert await refused(cards.new_operation(
            conn, house_org_id=1, kind="payment", purpose="invoice", subject="invoice:1", party="user:1",
            amount_fen=1, currency="USD",
        )) == (409, "card_payee_missing")  # fmt: skip


async def test_every_kind_of_operation_is_a_direct_charge_on_the_payees_account(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    account, seen = account_of(house), len(fake.calls)
    # An invoice paid by card (and a credit refunded to it), a hosted checkout, a card-held deposit and its capture
    # and release, and an export order's checkout on the exporter's own account.
    inv, op = await paid_with_credit(fake, house, 62)
    await cards.refund_credit(staff(house), house, op.id, inv.total_fen)
    inv2 = await make_invoice(house, 63, 10_000, "EUR")
    opened = await checkout.checkout_invoice(buyer(63), inv2.id)
    async with in_transaction() as conn:
        held = await cards.hold_deposit(conn, house, "deposit:session:2:user:64", "user:64", 30_000, "HKD")
        other = await cards.hold_deposit(conn, house, "deposit:session:3:user:64", "user:64", 10_000, "HKD")
    held, other = await cards.execute(held.id), await cards.execute(other.id)
    for auth in (held, other):
        assert auth.provider_id is not None
        fake.confirm(auth.provider_id)
        await deliver(fake, "payment_intent.amount_capturable_updated", auth.provider_id)
    async with in_transaction() as conn:
        capture = await cards.act_on(conn, await CardOperation.get(id=held.id), "capture")
        cancel = await cards.act_on(conn, await CardOperation.get(id=other.id), "cancel")
    await cards.execute(capture.id)
    await cards.execute(cancel.id)
    exporter = bare_house()
    exporter_account = await connect_payee(exporter)
    order = await checkout.checkout_order(exporter, 9_002, 250_000, "USD", 1)

    on_house = fake.calls_on(account)
    for call in [("POST", "/v1/payment_intents"), ("POST", "/v1/refunds"), ("POST", "/v1/checkout/sessions"),
                 ("POST", f"/v1/payment_intents/{held.provider_id}/capture"),
                 ("POST", f"/v1/payment_intents/{other.provider_id}/cancel")]:  # fmt: skip
        assert call in on_house
    assert ("POST", "/v1/checkout/sessions") in fake.calls_on(exporter_account)
    assert platform_creates(fake, seen) == []  # the platform's own account took nothing
    ops = await CardOperation.filter(house_org_id=house)
    assert {o.payee_account for o in ops} == {account}
    assert (await CardOperation.get(id=order.operation_id)).payee_account == exporter_account
    assert (await CardOperation.get(id=opened.operation_id)).payee_account == account
    assert (await CardOperation.get(id=capture.id)).status == "succeeded"


async def test_a_new_account_applies_to_new_operations_only(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    first = account_of(house)
    async with in_transaction() as conn:
        held = await cards.hold_deposit(conn, house, "deposit:session:4:user:65", "user:65", 30_000, "HKD")
    held = await cards.execute(held.id)
    assert held.provider_id is not None
    fake.confirm(held.provider_id)
    await deliver(fake, "payment_intent.amount_capturable_updated", held.provider_id)

    second = fake.connect(f"acct_second{house:010d}")
    row = await payees.set_account(admin(house), house, second, now())
    assert (row.status, row.set_by_user_id, row.country) == ("verified", 7, "HK")
    async with in_transaction() as conn:
        new = await cards.hold_deposit(conn, house, "deposit:session:5:user:65", "user:65", 10_000, "HKD")
        capture = await cards.act_on(conn, await CardOperation.get(id=held.id), "capture")
    assert new.payee_account == second
    assert capture.payee_account == first  # the hold lives on the first account: its capture is made there
    assert (await cards.execute(capture.id)).status == "succeeded"
    assert ("POST", f"/v1/payment_intents/{held.provider_id}/capture") in fake.calls_on(first)
    history = await payees.history(staff(house), house)
    assert [r.account for r in history] == [second, first]


async def test_setting_an_account_is_checked_by_stripe_and_by_role(
    database: Settings, rail: StripeCards, fake: FakeStripe
) -> None:
    house, other = bare_house(), bare_house()
    good = fake.connect(f"acct_good{house:010d}", country="SG")
    disabled = fake.connect(f"acct_off{house:010d}", charges_enabled=False)
    assert (await payees.set_account(admin(house), house, disabled, now())).reason == "card_account_charges_disabled"
    assert await payees.refusal_for(house) == "card_payee_missing"
    row = await payees.set_account(admin(house), house, f"  {good} ", now())
    assert (row.account, row.status, row.country, row.verified_at is not None) == (good, "verified", "SG", True)
    assert await payees.payee_account(house) == good
    assert ("GET", f"/v1/accounts/{good}") in fake.calls_on("")  # the platform asks about its connected account
    assert await refused(payees.set_account(admin(house), house, "acct_", now())) == (422, "card_account_invalid")
    assert await refused(payees.set_account(admin(house), house, "pk_test_123456789", now())) == (
        422, "card_account_invalid",
    )  # fmt: skip
    assert await refused(payees.set_account(admin(other), other, good, now())) == (409, "card_account_taken")
    assert await refused(payees.set_account(staff(house), house, good, now())) == (403, "insufficient_role")
    assert await refused(payees.set_account(admin(other), house, good, now())) == (404, "not_found")
    assert await refused(payees.history(admin(other), house)) == (404, "not_found")


async def _stripe(fake: FakeStripe, account: str, method: str, path: str, **data: str) -> dict[str, object]:
    """A call made straight to the fake as a connected account's own integration would make it."""
    async with httpx.AsyncClient(base_url=fake.url) as client:
        r = await client.request(method, path, data=data or None, headers={"Stripe-Account": account},
                                 auth=(SECRET_KEY, ""))  # fmt: skip
    out: dict[str, object] = r.json()
    return out


async def test_an_event_from_another_account_changes_nothing(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 66, 10_000, "USD")
    op, _ = await cards.pay_invoice(buyer(66), inv.id, now())
    assert op.provider_id is not None
    rival = await connect_payee(bare_house())
    # Another connected account makes its own PaymentIntent quoting our operation's key, succeeds it, and its
    # (genuinely signed: Stripe sends every connected account's events) Connect event reaches us.
    forged = await _stripe(fake, rival, "POST", "/v1/payment_intents", amount=str(inv.total_fen), currency="usd",
                           **{"metadata[operation]": op.idempotency_key})  # fmt: skip
    fake.confirm(str(forged["id"]))
    assert await deliver(fake, "payment_intent.succeeded", str(forged["id"])) == ("payee_mismatch", True)
    # An event naming the rival's account about our own PaymentIntent: not on that account, nothing to apply.
    fake.confirm(op.provider_id)
    assert await deliver(fake, "payment_intent.succeeded", op.provider_id, account=rival) == ("object_not_found", True)
    # And one about it on the platform's own account (no `account`): Stripe has no such object there either.
    assert await deliver(fake, "payment_intent.succeeded", op.provider_id, account="") == ("object_not_found", True)
    assert (await Invoice.get(id=inv.id)).status == "open"
    assert await Receipt.filter(house_org_id=house).count() == 0
    assert (await CardOperation.get(id=op.id)).status == "requires_payment_method"

    # The house's own account's event is the one that counts.
    assert await deliver(fake, "payment_intent.succeeded", op.provider_id) == ("payment:succeeded", True)
    assert (await Invoice.get(id=inv.id)).status == "paid"
    events = {e.outcome: e.account for e in await CardEvent.all()}
    assert events["payment:succeeded"] == account_of(house)
    assert events["payee_mismatch"] == rival


async def test_a_checkout_event_from_another_account_changes_nothing(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 67, 10_000, "USD")
    opened = await checkout.checkout_invoice(buyer(67), inv.id)
    op = await CardOperation.get(id=opened.operation_id)
    assert op.provider_id is not None
    fake.checkout(op.provider_id, "pay")
    payload, sig = fake.event("checkout.session.completed", fake.session_object(op.provider_id),
                              account=await connect_payee(bare_house()))  # fmt: skip
    assert await webhooks.receive(payload, sig, now()) == ("object_not_found", True)
    assert (await Invoice.get(id=inv.id)).status == "open"
    payload, sig = fake.event("checkout.session.completed", fake.session_object(op.provider_id))
    assert await webhooks.receive(payload, sig, now()) == ("checkout:succeeded", True)
    assert (await Invoice.get(id=inv.id)).status == "paid"


async def test_reconciliation_reads_each_houses_own_account(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    other = bare_house()
    other_account = await connect_payee(other)
    _, mine = await paid_with_credit(fake, house, 68)
    _, theirs = await paid_with_credit(fake, other, 69)
    seen = len(fake.calls)
    outcomes = await reconciliation.sync_stripe(staff(house), house, now() - timedelta(minutes=5))
    assert outcomes == {"matched": 1}
    listed = [a for m, p, a in fake.calls[seen:] if p == "/v1/balance_transactions"]
    assert listed == [account_of(house)]  # never the platform's balance, never the other house's
    rows = await CardBalanceLine.filter(house_org_id=house)
    assert [(r.source, r.account, r.status) for r in rows] == [(mine.charge_id, account_of(house), "matched")]
    assert not await CardBalanceLine.filter(source=theirs.charge_id).exists()
    assert await reconciliation.sync_stripe(staff(other), other, now() - timedelta(minutes=5)) == {"matched": 1}
    assert (await CardBalanceLine.get(source=theirs.charge_id)).account == other_account
    lonely = bare_house()
    assert await refused(reconciliation.sync_stripe(staff(lonely), lonely, now())) == (409, "card_payee_missing")
