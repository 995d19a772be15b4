"""The batch consumer of sale events: the same books as one at a time, each event once, a bad event alone.

Events are made here as auctions publishes them (every figure settlement needs); each test calls the consumer
itself, so batches form exactly as the test says.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from marketplace.outbox.models import OutboxDelivery, OutboxEvent, ProcessedEvent
from marketplace.settings import Settings
from marketplace.settlement import jobs
from marketplace.settlement.models import Invoice, LedgerAccount, LedgerEntry, LedgerTransaction, Sale
from marketplace.settlement.services import sales, sales_batch
from tests.conftest import PG_URL
from tests.integration.settlement.test_ledger import assert_books_consistent

STARTS = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def event(house: int, i: int, *, session: int | None = None, buyers: int = 4, deposit: int = 500_000) -> dict[str, Any]:
    """Lot i of the house's session: buyers take turns, so deposits are lodged once and used up across lots."""
    hammer = 300_000 + (i * 7919) % 2_000_000
    return {
        "topic": sales.LOT_SOLD,
        "event_id": str(uuid.uuid4()),
        "payload": {
            "lot_id": house * 1000 + i, "session_id": session or house, "session_starts_at": STARTS.isoformat(),
            "house_org_id": house, "seller_org_id": 77, "vehicle_id": None, "buyer_user_id": 500 + i % buyers,
            "buyer_org_id": None, "buyer_paddle": str(i % buyers), "hammer_fen": hammer, "buyer_premium_fen": None,
            "premium_terms": [[0, 500, 0], [10_000_000, 300, 50_000]], "deposit_fen": deposit, "currency": "CNY",
            "sold_at": (STARTS + timedelta(seconds=30 * i)).isoformat(),
        },
    }  # fmt: skip


async def books_of(house: int) -> dict[str, Any]:
    """A house's books with its own ids taken out, to compare two houses that settled the same sales."""
    invoices = await Invoice.filter(house_org_id=house).order_by("seq")
    sale_of = {s.id: s.source_ref % 1000 for s in await Sale.filter(house_org_id=house)}
    lot_of_invoice = {inv.id: sale_of[inv.sale_id] for inv in invoices}
    accounts = await LedgerAccount.filter(house_org_id=house).order_by("code", "party")
    entries = {}
    for a in accounts:
        legs = await LedgerEntry.filter(account_id=a.id).order_by("id")
        entries[(a.code, a.party.replace(f"session:{house}", "session:S"))] = [
            (e.amount_fen, e.balance_after_fen) for e in legs
        ]
    keys = []
    for t in await LedgerTransaction.filter(house_org_id=house):
        kind, *rest = t.business_key.split(":")
        if t.kind == "sale":
            key = f"sale:lot{int(rest[-1]) % 1000}"
        elif t.kind == "deposit_lodged":
            key = f"lodged:buyer{rest[-1]}"
        else:
            key = f"applied:lot{lot_of_invoice[int(rest[-1])]}"
        keys.append((key, t.kind, t.memo.replace(f"-{house:05d}-", "-H-")))
    issued = [
        e.payload
        for e in await OutboxEvent.filter(topic="settlement.invoice_issued")
        if e.payload["house_org_id"] == house
    ]
    return {
        "invoices": [
            (inv.seq, inv.number.replace(f"-{house:05d}-", "-H-"), lot_of_invoice[inv.id], inv.total_fen,
             inv.paid_fen, inv.deposit_applied_fen, inv.status, inv.lines, inv.due_date, inv.version)
            for inv in invoices
        ],
        "balances": [
            (a.code, a.party.replace(f"session:{house}", "session:S"), a.balance_fen, a.floor_zero) for a in accounts
        ],
        "entries": entries,
        "postings": sorted(keys),
        "issued": sorted((lot_of_invoice[p["invoice_id"]], p["total_fen"], p["balance_fen"], p["due_date"])
                         for p in issued),
    }  # fmt: skip


async def test_a_batch_settles_the_same_books_as_one_at_a_time(database: Settings) -> None:
    for i in range(12):
        assert await sales.consume(event(41, i))
    assert await sales_batch.consume_batch([event(42, i) for i in range(12)]) == {}
    one, batch = await books_of(41), await books_of(42)
    assert len(one["invoices"]) == 12
    assert any(inv[5] for inv in one["invoices"])  # deposits were applied …
    assert any(inv[5] == 0 for inv in one["invoices"])  # … until used up
    assert batch == one
    assert [inv[0] for inv in batch["invoices"]] == list(range(1, 13))  # gapless
    await assert_books_consistent()


async def test_an_event_twice_in_a_batch_and_again_in_the_next_batch_is_settled_once(database: Settings) -> None:
    first = [event(43, i) for i in range(5)]
    same_lot = {**event(43, 2), "event_id": str(uuid.uuid4())}  # another delivery of lot 2 under a new event id
    assert await sales_batch.consume_batch([*first, first[1], same_lot]) == {}
    assert await Sale.filter(house_org_id=43).count() == 5
    written = (await LedgerEntry.all().count(), await OutboxEvent.all().count())
    later = [event(43, i) for i in range(5, 8)]
    assert await sales_batch.consume_batch([first[0], *later, first[4]]) == {}
    assert await Sale.filter(house_org_id=43).count() == 8
    assert await Invoice.filter(house_org_id=43).count() == 8
    # Only the three new lots wrote: a sale, its posting and the deposit applied (lodged once per bidder).
    entries, events = await LedgerEntry.all().count(), await OutboxEvent.all().count()
    assert events - written[1] == 3
    assert entries > written[0]
    assert not await sales.consume(first[0])  # the one-at-a-time consumer sees the batch's dedup rows
    assert await ProcessedEvent.filter(consumer=sales_batch.CONSUMER).count() == 9
    seqs = sorted(await Invoice.filter(house_org_id=43).values_list("seq", flat=True))
    assert seqs == list(range(1, 9))
    lodged = await LedgerTransaction.filter(house_org_id=43, kind="deposit_lodged").count()
    assert lodged == 4  # four bidders, one deposit each
    await assert_books_consistent()


async def test_a_poison_event_fails_alone_and_the_rest_of_its_batch_is_settled(database: Settings) -> None:
    good = [event(44, i) for i in range(6)]
    bad = event(44, 99)
    bad["payload"]["sold_at"] = "2026-11-20T02:00:00"  # no time zone: refused
    failed = await sales_batch.consume_batch([*good[:3], bad, *good[3:]])
    assert list(failed) == [bad["event_id"]]
    assert isinstance(failed[bad["event_id"]], ValueError)
    assert await Invoice.filter(house_org_id=44).count() == 6
    assert sorted(await Invoice.filter(house_org_id=44).values_list("seq", flat=True)) == list(range(1, 7))
    assert not await ProcessedEvent.exists(consumer=sales_batch.CONSUMER, event_id=uuid.UUID(bad["event_id"]))
    await assert_books_consistent()


async def owe(messages: list[dict[str, Any]]) -> None:
    """The events committed and owed to settlement's job, as the relay leaves them."""
    for m in messages:
        row = await OutboxEvent.create(event_id=uuid.UUID(m["event_id"]), topic=m["topic"], payload=m["payload"])
        await OutboxDelivery.create(event_id=row.id, job=sales_batch.JOB, due_at=datetime.now(UTC))


async def test_the_job_settles_the_events_waiting_behind_it_and_their_jobs_find_them_done(database: Settings) -> None:
    messages = [event(45, i) for i in range(10)]
    await owe(messages)
    await jobs.settle_sale(messages[3])
    assert await Invoice.filter(house_org_id=45).count() == 10
    assert await OutboxDelivery.filter(job=sales_batch.JOB, done_at=None).count() == 0  # settled with the batch
    written = await LedgerEntry.all().count()
    for m in messages:
        await jobs.settle_sale(m)  # the queued jobs of the others: nothing more
    assert await LedgerEntry.all().count() == written
    seqs = sorted(await Invoice.filter(house_org_id=45).values_list("seq", flat=True))
    assert seqs == list(range(1, 11))
    await assert_books_consistent()


async def test_the_job_raises_when_its_own_event_is_the_poison(database: Settings) -> None:
    messages = [event(46, i) for i in range(3)]
    messages[0]["payload"]["hammer_fen"] = "lots"
    await owe(messages)
    with pytest.raises(ValueError, match="lots"):
        await jobs.settle_sale(messages[0])
    assert await Invoice.filter(house_org_id=46).count() == 2


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_two_overlapping_batches_at_once_settle_each_event_once(database: Settings) -> None:
    messages = [event(47, i, buyers=6) for i in range(40)]
    a, b = messages[:30], messages[10:]
    listing_like = [event(47, 100 + i, session=4701) for i in range(5)]  # one at a time, on the same books
    results = await asyncio.gather(
        sales_batch.consume_batch(a),
        sales_batch.consume_batch(list(reversed(b))),
        *(sales.consume(m) for m in listing_like),
    )
    assert results[0] == {}
    assert results[1] == {}
    assert await Sale.filter(house_org_id=47).count() == 45
    seqs = sorted(await Invoice.filter(house_org_id=47).values_list("seq", flat=True))
    assert seqs == list(range(1, 46))
    assert await OutboxEvent.filter(topic="settlement.invoice_issued").count() == 45
    assert (
        await LedgerTransaction.filter(house_org_id=47, kind="deposit_lodged").count() == 6 + 4
    )  # per bidder and session
    await assert_books_consistent()
