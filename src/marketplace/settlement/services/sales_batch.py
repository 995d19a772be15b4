"""The batch consumer of `auctions.lot_sold`: the sale events waiting in the queue, settled together.

A session's close publishes hundreds of sales at once. The job run for one of them (`settle_waiting`) takes the
other sale events still owed to the same job (up to `BATCH`) and settles them all in one transaction, with the
same rules as one at a time (`invoices.record_sale`): each event recorded as processed, a sale already recorded
skipped, the invoice numbers of a house's year taken as one range (gapless), the deposit lodged once per bidder
and session and applied fees first, every posting balanced and no floor crossed (`ledger_batch.Books`: each
account moved once), one `settlement.invoice_issued` event per invoice. Rows are written by bulk insert, their
sales' and invoices' ids reserved first and the writes sent through a pipeline (PostgreSQL writes while the Python
goes on); the database's guards run on every row as ever. The jobs of the events it settled then find them processed.

If the batch fails — a row another writer committed first, or one bad event — it is tried again, then the
events are settled one at a time (`sales.consume`), each on its own, so one bad event blocks or loses no other.
On PostgreSQL batches take a transaction-scoped advisory lock, so two workers' batches take turns rather than
collide; in one process an asyncio lock does the same.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict, defaultdict
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import bulk
from marketplace.outbox.events import record_events
from marketplace.outbox.models import OutboxDelivery, OutboxEvent, ProcessedEvent
from marketplace.settlement import holidays
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.domain import invoices as rules
from marketplace.settlement.models import Invoice, Sale
from marketplace.settlement.services import fees, invoices, sales
from marketplace.settlement.services.ledger import Contended
from marketplace.settlement.services.ledger_batch import Books

log = logging.getLogger("marketplace.settlement")

JOB = "settlement.settle_sale"
CONSUMER = "settlement.sales"  # the same consumer name as one at a time: a batch and a single run dedup together
BATCH = 1000  # a large session closes in one batch
ATTEMPTS = 3
ADVISORY_LOCK = 0x5E771E  # pg_advisory_xact_lock key of the batch consumer
_local = asyncio.Lock()
# Events this process saw committed as processed (bounded): the queued jobs of a batch's other events return
# without a query. Only ever added after the commit, so a miss merely asks the database.
_settled: OrderedDict[str, None] = OrderedDict()
REMEMBER = 50_000
TURN = 50  # sales worked out between the pipeline's turns (a statement waiting on a reply goes on)


def _remember(event_ids: list[str]) -> None:
    for e in event_ids:
        _settled[e] = None
    while len(_settled) > REMEMBER:
        _settled.popitem(last=False)


_LINE_FIELDS = tuple(f.name for f in dataclass_fields(rules.Line))


def _line(line: rules.Line) -> dict[str, Any]:
    # `dataclasses.asdict` deep-copies recursively; a line is flat.
    return {f: getattr(line, f) for f in _LINE_FIELDS}


def batchable(message: dict[str, Any]) -> bool:
    """A plain hammer sale with a buyer (resales close a default's waterfall; listings have no session): the rest
    go one at a time."""
    p = message.get("payload") or {}
    return (
        message.get("topic") == sales.LOT_SOLD
        and p.get("buyer_user_id") is not None
        and p.get("resale_of_default_id") is None
    )


async def settle_waiting(message: dict[str, Any]) -> None:
    """The job: settle this event and the sale events waiting behind it. Raises if this very event failed."""
    if not batchable(message):
        await sales.consume(message)
        return
    own = str(message["event_id"])
    if own in _settled:
        return  # a batch in this process settled it
    async with _local:
        if own in _settled or await ProcessedEvent.exists(consumer=CONSUMER, event_id=uuid.UUID(own)):
            return  # a batch run for another event settled it
        waiting = await _waiting(exclude=own)
        failed = await consume_batch([message, *waiting])
    if own in failed:
        raise failed[own]


async def _waiting(exclude: str) -> list[dict[str, Any]]:
    # Plain rows, not models: only the three columns an envelope carries are read and decoded.
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT e.event_id, e.payload, e.created_at FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id"
        f" WHERE d.job = {bulk.mark(conn, 1)} AND d.done_at IS NULL AND e.topic = {bulk.mark(conn, 2)}"
        f" ORDER BY d.id LIMIT {BATCH}",
        [JOB, sales.LOT_SOLD],
    )
    payload = OutboxEvent._meta.fields_map["payload"]
    created = OutboxEvent._meta.fields_map["created_at"]
    out = []
    for r in rows:
        event_id = str(r["event_id"])  # the canonical text either way (SQLite stores str(uuid); asyncpg: a UUID)
        if event_id != exclude:
            # SQLite's stored text is ISO 8601 with its offset, which the standard parser reads at a fraction of
            # the field's cost; anything else (a naive text, asyncpg's datetime) as the field reads it.
            at = datetime.fromisoformat(r["created_at"]) if isinstance(r["created_at"], str) else None
            if at is None or at.tzinfo is None:
                at = created.to_python_value(r["created_at"])
            out.append({
                "event_id": event_id, "topic": sales.LOT_SOLD, "payload": payload.to_python_value(r["payload"]),
                "created_at": at.isoformat(),
            })  # fmt: skip
    return [m for m in out if batchable(m)][: BATCH - 1]


async def consume_batch(messages: list[dict[str, Any]]) -> dict[str, BaseException]:
    """Settle the events together, exactly once each; on failure one at a time. Returns the events that failed
    (event id → error); the others are settled (now, or before)."""
    together = [m for m in messages if batchable(m)]
    alone = [m for m in messages if not batchable(m)]
    for attempt in range(ATTEMPTS):
        try:
            await _settle_together(together)
            _remember([str(m["event_id"]) for m in together])
            together = []
            break
        except (Contended, IntegrityError) as exc:
            log.info("sale batch of %d lost a race (attempt %d): %s", len(together), attempt + 1, exc)
        except Exception as exc:
            log.warning("sale batch of %d failed, settling one at a time: %s", len(together), exc)
            break
    failed: dict[str, BaseException] = {}
    for m in [*together, *alone]:
        try:
            await sales.consume(m)
            _remember([str(m["event_id"])])
        except Exception as exc:
            log.exception("sale event %s not settled", m.get("event_id"))
            failed[str(m["event_id"])] = exc
    return failed


async def _settle_together(messages: list[dict[str, Any]]) -> int:
    if not messages:
        return 0
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCK])
        todo = await _claim_events(conn, messages)
        if not todo:
            return 0
        settled = await _settle(conn, [dict(m["payload"]) for _, m in todo])
        # The jobs of these events owe nothing more (those already queued run, and find them processed).
        done_at = OutboxDelivery._meta.fields_map["done_at"].to_db_value(datetime.now(UTC), OutboxDelivery)
        await conn.execute_query(
            f"UPDATE outbox_deliveries SET done_at = {bulk.mark(conn, 1)}, last_error = NULL"
            f" WHERE job = {bulk.mark(conn, 2)} AND done_at IS NULL AND event_id IN"
            f" (SELECT id FROM outbox_events WHERE event_id {bulk.one_of(conn, 3)})",
            [done_at, JOB, bulk.listed(conn, [e for e, _ in todo])],
        )
        return settled


async def _claim_events(
    conn: BaseDBAsyncClient, messages: list[dict[str, Any]]
) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    """Record as processed the events not processed yet, each once; returns them with their ids (parsed once).
    PostgreSQL: one insert that skips those recorded already (the unique key on consumer and event) and returns
    the others; SQLite: the recorded ones read first, then the others inserted."""
    ids = [uuid.UUID(str(m["event_id"])) for m in messages]
    fields = ("consumer", "event_id")
    if conn.capabilities.dialect == "postgres":
        inserted = await bulk.insert(
            conn, ProcessedEvent, fields, [(CONSUMER, e) for e in ids], returning=("event_id",), skip_conflicts=True
        )
        new = {uuid.UUID(str(r["event_id"])) for r in inserted or []}
        done: set[uuid.UUID] = set()
        todo = []
        for event_id, m in zip(ids, messages, strict=True):
            if event_id in new and event_id not in done:
                done.add(event_id)  # the same event twice in the batch: once
                todo.append((event_id, m))
        return todo
    _, rows = await conn.execute_query(
        f"SELECT event_id FROM processed_events WHERE consumer = {bulk.mark(conn, 1)}"
        f" AND event_id {bulk.one_of(conn, 2)}",
        [CONSUMER, bulk.listed(conn, ids)],
    )
    done = {uuid.UUID(str(r["event_id"])) for r in rows}
    todo = []
    for event_id, m in zip(ids, messages, strict=True):
        if event_id not in done:
            done.add(event_id)  # the same event twice in the batch: once
            todo.append((event_id, m))
    if todo:
        await bulk.insert(conn, ProcessedEvent, fields, [(CONSUMER, str(e)) for e, _ in todo])
    return todo


async def _auction_sales(conn: BaseDBAsyncClient, lots: list[int]) -> dict[int, int]:
    """The sales recorded for these lots: lot id → sale id."""
    _, rows = await conn.execute_query(
        f"SELECT source_ref, id FROM settlement_sales WHERE source = 'auction' AND source_ref {bulk.one_of(conn, 1)}",
        [bulk.listed(conn, lots)],
    )
    return {int(r["source_ref"]): int(r["id"]) for r in rows}


async def _settle(conn: BaseDBAsyncClient, payloads: list[dict[str, Any]]) -> int:
    # Sales: the first event of a lot makes its sale; a lot recorded already (before, or earlier in the batch)
    # makes nothing more.
    rows = [sales.lot_fields(p) for p in payloads]
    recorded = set((await _auction_sales(conn, [r["source_ref"] for r in rows])).keys())
    new: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for p, row in zip(payloads, rows, strict=True):
        if row["source_ref"] not in recorded:
            recorded.add(row["source_ref"])
            new.append((p, row))
    if not new:
        return 0
    terms: dict[int, tuple[fee_rules.FeeRules, int | None]] = {}
    for p, row in new:
        if row["session_id"] not in terms:
            starts = sales._when(p["session_starts_at"])
            pin = await fees.pin_session(conn, row["session_id"], row["house_org_id"], p.get("premium_terms"), starts)
            used, schedule = await fees.rules_for_session(conn, pin)
            terms[row["session_id"]] = (used, schedule.id if schedule else None)
    # Invoice numbers: one range per house and year, in event order.
    calendar = holidays.china()
    due_dates: dict[tuple[date, int], tuple[date, bool]] = {}
    sold_on = [invoices.local_day(row["sold_at"]) for _, row in new]
    need: dict[tuple[int, int], int] = defaultdict(int)
    for (_, row), day in zip(new, sold_on, strict=True):
        need[(row["house_org_id"], day.year)] += 1
    next_seq = {key: await invoices.next_numbers(conn, key[0], key[1], n) for key, n in sorted(need.items())}
    # The sales' and invoices' ids, drawn before their rows are written: every row that refers to one (an
    # invoice to its sale, a deposit's posting and an event to the invoice) is built without a read back.
    sale_ids = await bulk.reserve_ids(conn, Sale, len(new))
    invoice_ids = await bulk.reserve_ids(conn, Invoice, len(new))
    # The books, per house: every account the batch moves and every key it might repeat, loaded at once.
    books: dict[int, Books] = {}
    plans = []
    for (_, row), day in zip(new, sold_on, strict=True):
        used, _ = terms[row["session_id"]]
        est = fee_rules.estimate(used, row["hammer_fen"])
        if est.currency != row["currency"]:
            raise ValueError(f"the fee schedule is in {est.currency}, the sale in {row['currency']}")
        house, buyer, cur = row["house_org_id"], row["buyer_user_id"], row["currency"]
        legs = rules.sale_legs(est, buyer, row["seller_org_id"], row["seller_org_id"] == house)
        lodged = []
        if row["deposit_fen"] > 0:
            lodged = rules.deposit_lodged_legs(buyer, row["session_id"], row["deposit_fen"], cur)
        seq = next_seq[(house, day.year)]
        next_seq[(house, day.year)] += 1
        plans.append((row, est, legs, lodged, day, seq))
    for house in {row["house_org_id"] for row, *_ in plans}:
        mine = [pl for pl in plans if pl[0]["house_org_id"] == house]
        keys = set()
        business = set()
        for row, _, legs, lodged, _, _ in mine:
            keys |= {(leg.code, leg.party, leg.currency) for leg in legs + lodged}
            keys.add(("buyer_receivable", rules.buyer_party(row["buyer_user_id"]), row["currency"]))
            business.add(f"sale:auction:{row['source_ref']}")
            if lodged:
                business.add(f"deposit:lodged:{row['session_id']}:{row['buyer_user_id']}")
        books[house] = Books(conn, house)
        await books[house].open(keys, business)
    # From here every statement goes through the pipeline: the database writes the sales while the postings are
    # worked out, the invoices and legs while the events are built.
    async with bulk.Pipeline(conn) as pipe:
        # A sale row's optional keys (the registration's place) are absent from some events: the field's default.
        given = sorted(set().union(*(row.keys() for _, row in new)))
        absent = {key: Sale._meta.fields_map[key].default for key in given}
        rules_of = {session: (schedule_id, fee_rules.rules_json(used)) for session, (used, schedule_id) in
                    terms.items()}  # fmt: skip
        await pipe.send(
            bulk.insert(
                conn, Sale, ("id", *given, "fee_schedule_id", "rules"),
                [(sale_id, *(row.get(key, absent[key]) for key in given), *rules_of[row["session_id"]])
                 for sale_id, (_, row) in zip(sale_ids, new, strict=True)],
                copy=True,
            )
        )  # fmt: skip
        # Each sale in event order, as `record_sale` would: its posting, the deposit lodged and applied.
        invoice_rows: list[dict[str, Any]] = []
        for n, ((row, est, legs, lodged, day, seq), sale_id, invoice_id) in enumerate(
            zip(plans, sale_ids, invoice_ids, strict=True)
        ):
            if n % TURN == TURN - 1:
                await pipe.turn()
            b = books[row["house_org_id"]]
            buyer, cur, session = row["buyer_user_id"], row["currency"], row["session_id"]
            number = rules.number(day.year, row["house_org_id"], seq)
            if legs:
                b.post(f"sale:auction:{row['source_ref']}", "sale", legs, row["sold_at"], memo=f"invoice {number}")
            lines = rules.invoice_lines(est)
            applied = 0
            if lodged:
                b.post(f"deposit:lodged:{session}:{buyer}", "deposit_lodged", lodged, row["sold_at"])
                available = -b.balance("deposits_held", rules.deposit_party(buyer, session), cur)
                allocation = rules.allocate(lines, min(available, est.total_due_fen))
                if allocation.applied_fen:
                    applied = allocation.applied_fen
                    lines = allocation.lines
                    b.post(
                        f"deposit:applied:{invoice_id}", "deposit_applied",
                        rules.deposit_applied_legs(buyer, session, applied, cur), row["sold_at"],
                        memo=f"deposit applied to {number}",
                    )  # fmt: skip
            payment_days = terms[session][0].payment_days
            if (day, payment_days) not in due_dates:  # a session's sales share a few days: each computed once
                due = calendar.add_working_days(day, payment_days)
                due_dates[(day, payment_days)] = due, not (calendar.covers(day) and calendar.covers(due))
            due, provisional = due_dates[(day, payment_days)]
            invoice_rows.append(
                {
                    "id": invoice_id, "house_org_id": row["house_org_id"], "number": number, "year": day.year,
                    "seq": seq, "sale_id": sale_id, "buyer_user_id": buyer, "buyer_org_id": row["buyer_org_id"],
                    "currency": cur, "total_fen": est.total_due_fen, "lines": [_line(line) for line in lines],
                    "paid_fen": applied, "status": "paid" if applied and applied >= est.total_due_fen else "open",
                    "deposit_applied_fen": applied, "version": 1 if applied else 0, "issued_at": row["sold_at"],
                    "due_date": due, "due_date_provisional": provisional,
                }
            )  # fmt: skip
        invoice_fields = tuple(invoice_rows[0])
        await pipe.send(
            bulk.insert(conn, Invoice, invoice_fields, [tuple(inv.values()) for inv in invoice_rows], copy=True)
        )
        for b in books.values():
            await b.flush(pipe)
        await pipe.send(
            record_events(
                conn,
                "settlement.invoice_issued",
                [
                    {"invoice_id": inv["id"], "house_org_id": inv["house_org_id"],
                     "buyer_user_id": inv["buyer_user_id"], "total_fen": inv["total_fen"],
                     "balance_fen": inv["total_fen"] - inv["paid_fen"], "due_date": inv["due_date"].isoformat()}
                    for inv in invoice_rows
                ],
            )
        )  # fmt: skip
    return len(invoice_rows)
