"""Kill tests for the card rail (the outbox crash test's method): a worker killed before the Stripe call, after it
(before its answer committed), and after the commit. The job is still owed (its outbox event), its retry makes one
charge or refund at the provider (the LOCAL FAKE of Stripe, tests/support_stripe_fake.py, counts them), and the
ledger equals the provider."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import pytest

from marketplace.outbox.events import envelope
from marketplace.outbox.models import OutboxEvent
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement import jobs
from marketplace.settlement.models import CardOperation, Invoice, Receipt
from marketplace.settlement.services import cards, ledger
from tests.integration.settlement.support_cards import deliver, fake, paid_with_credit, rail
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support_bank import make_invoice
from tests.support_payees import connect_payee
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "rail"]  # the fixtures


async def run_child(database: Settings, fake: FakeStripe, point: str, kind: str, ref: int) -> int:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    env.pop("REDIS_URL", None)
    child = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tests.integration.settlement.card_kill_child", str(database.database_url), fake.url,
         point, kind, str(ref)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert child.returncode == 137, child.stderr
    return int(child.stdout.split("operation ")[1].split()[0])


async def rerun_owed_job(op_id: int) -> None:
    """What the restarted worker does: the operation's job is still owed (its outbox event), so it runs again."""
    owed = [e for e in await OutboxEvent.filter(topic=cards.OPERATION_TOPIC) if e.payload["operation_id"] == op_id]
    assert len(owed) == 1  # no lost job
    await jobs.card_operation(envelope(owed[0]))
    await jobs.card_operation(envelope(owed[0]))  # and a duplicate delivery of it does nothing more


@pytest.mark.parametrize("point", ["before", "after", "commit"])
async def test_a_worker_killed_around_the_charge_charges_once(
    database: Settings, rail: StripeCards, fake: FakeStripe, point: str
) -> None:
    house = uuid.uuid4().int % 90_000 + 10_000
    await connect_payee(house)
    inv = await make_invoice(house, 91, 100_000, "USD")
    before = fake.created["payment_intent"]
    op_id = await run_child(database, fake, point, "payment", inv.id)
    op = await CardOperation.get(id=op_id)
    assert (op.provider_id is None) == (point != "commit")
    assert fake.created["payment_intent"] == before + (0 if point == "before" else 1)

    await rerun_owed_job(op_id)
    op = await CardOperation.get(id=op_id)
    assert op.provider_id is not None
    assert fake.created["payment_intent"] == before + 1  # one PaymentIntent, whenever the worker died
    fake.confirm(op.provider_id)
    await deliver(fake, "payment_intent.succeeded", op.provider_id)
    # The ledger equals the provider: what Stripe received is what Stripe clearing holds and the invoice got.
    received = fake.intents[op.provider_id]["amount_received"]
    assert await ledger.balance(house, "stripe_clearing", "", "USD") == received == inv.total_fen
    assert (await Invoice.get(id=inv.id)).paid_fen == received
    assert await Receipt.filter(house_org_id=house, rail="stripe").count() == 1
    await assert_books_consistent()


@pytest.mark.parametrize("point", ["before", "after", "commit"])
async def test_a_worker_killed_around_a_refund_refunds_once(
    database: Settings, rail: StripeCards, fake: FakeStripe, point: str
) -> None:
    house = uuid.uuid4().int % 90_000 + 10_000
    await connect_payee(house)
    inv, paid = await paid_with_credit(fake, house, 92)
    before = fake.created["refund"]
    op_id = await run_child(database, fake, point, "refund", paid.id)
    assert fake.created["refund"] == before + (0 if point == "before" else 1)
    await rerun_owed_job(op_id)
    op = await CardOperation.get(id=op_id)
    assert op.status == "succeeded"
    assert fake.created["refund"] == before + 1
    refunded = sum(r["amount"] for r in fake.refunds.values() if r["payment_intent"] == paid.provider_id)
    assert refunded == inv.total_fen
    received = fake.intents[str(paid.provider_id)]["amount_received"]
    assert await ledger.balance(house, "stripe_clearing", "", "USD") == received - refunded == 0
    assert await ledger.balance(house, "buyer_credit", "user:92", "USD") == 0
    await assert_books_consistent()
