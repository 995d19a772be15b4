"""Shared by the card rail tests: the local Stripe fake (see tests/support_stripe_fake.py) and the rail on it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date

import pytest

from marketplace.accounts.domain import Principal
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement.models import CardOperation, Invoice
from marketplace.settlement.services import cards, invoices, webhooks
from tests.support_bank import make_invoice
from tests.support_payees import connect_payee
from tests.support_stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripe


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeStripe]:
    server = FakeStripe()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def rail(fake: FakeStripe) -> AsyncIterator[StripeCards]:
    r = StripeCards(SECRET_KEY, WEBHOOK_SECRET, api_base=fake.url)
    cards.use_rail(r)
    yield r
    cards.use_rail(None)
    cards.before_call = cards.after_call = None


@pytest.fixture
async def house(database: Settings) -> int:
    """An auction house (its id: settlement keeps no organisations) with its verified Stripe connected account."""
    org = uuid.uuid4().int % 90_000 + 10_000
    await connect_payee(org)
    return org


def staff(house: int) -> Principal:
    return Principal(user_id=1, display_name="staff", memberships={house: frozenset({"auctioneer"})},
                     org_kinds={house: "auction_house"})  # fmt: skip


def buyer(user_id: int) -> Principal:
    return Principal(user_id=user_id, display_name="buyer", memberships={}, org_kinds={})


async def deliver(fake: FakeStripe, type_: str, pi_id: str, **kw: object) -> tuple[str, bool]:
    from datetime import UTC, datetime

    payload, sig = fake.event(type_, fake.intents[pi_id], **kw)  # type: ignore[arg-type]
    return await webhooks.receive(payload, sig, datetime.now(UTC))


async def paid_with_credit(fake: FakeStripe, house: int, user: int) -> tuple[Invoice, CardOperation]:
    """A card payment that landed after a bank transfer had paid the invoice: all of it is the buyer's credit."""
    from datetime import UTC, datetime

    inv = await make_invoice(house, user, 10_000, "USD")
    op, _ = await cards.pay_invoice(buyer(user), inv.id, datetime.now(UTC))
    await invoices.record_receipt(staff(house), house, inv.id, f"TT-{inv.id}", inv.total_fen, date(2026, 3, 2),
                                  datetime.now(UTC))  # fmt: skip
    assert op.provider_id is not None
    fake.confirm(op.provider_id)
    await deliver(fake, "payment_intent.succeeded", op.provider_id)
    return inv, await CardOperation.get(id=op.id)
