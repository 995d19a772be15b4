"""`marketplace.bulk` against a real database, on both profiles: rows written in bulk are stored exactly as the ORM
stores them, ids reserved ahead are the ones the rows keep and never handed out twice, and a pipeline runs its
statements in order, stops at the first failure and leaves nothing of a failed block."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import bulk
from marketplace.outbox.models import OutboxEvent
from marketplace.settings import Settings
from marketplace.settlement.models import Sale
from tests.conftest import PG_URL

AWKWARD = [
    {"text": "全角　空格 and emoji 🚗", "quote": 'say "hi" \\ back\\slash', "nl": "a\nb\tc"},
    {"big": 9_999_999_999_999, "neg": -1, "nested": [1, {"k": None}], "yes": True},
    {},
]


async def _stored(table: str, ids: list[Any], key: str = "id") -> list[dict[str, Any]]:
    conn = connections.get("default")
    _, rows = await conn.execute_query(f'SELECT * FROM "{table}" WHERE "{key}" {bulk.one_of(conn, 1)}',
                                       [bulk.listed(conn, ids)])  # fmt: skip
    return sorted((dict(r) for r in rows), key=lambda r: str(r[key]))


async def test_a_row_written_in_bulk_is_stored_as_the_orm_stores_it(database: Settings) -> None:
    at = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
    by_orm, by_bulk = [], []
    for payload in AWKWARD:
        made = await OutboxEvent.create(event_id=uuid.uuid4(), topic="t.x", payload=payload, created_at=at)
        by_orm.append(made.event_id)
    rows = [(uuid.uuid4(), "t.x", payload, at) for payload in AWKWARD]
    async with in_transaction() as conn:
        await bulk.insert(conn, OutboxEvent, ("event_id", "topic", "payload", "created_at"), rows)
    by_bulk = [r[0] for r in rows]
    orm_rows = await _stored("outbox_events", by_orm, "event_id")
    bulk_rows = await _stored("outbox_events", by_bulk, "event_id")
    # Every column but the keys: the same stored values, of the same types (SQLite: the same text for times).
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ("id", "event_id")} for r in rs]  # noqa: E731
    assert sorted(map(repr, strip(orm_rows))) == sorted(map(repr, strip(bulk_rows)))
    read = {e.event_id: e for e in await OutboxEvent.filter(event_id__in=by_bulk)}
    assert [read[i].payload for i in by_bulk] == AWKWARD
    assert all(read[i].created_at == at for i in by_bulk)
    assert all(read[i].attempts == 0 and read[i].published_at is None for i in by_bulk)


async def test_reserved_ids_are_the_rows_ids_and_never_handed_out_again(database: Settings) -> None:
    fields = ("id", "source", "source_ref", "house_org_id", "seller_org_id", "buyer_user_id", "hammer_fen",
              "currency", "sold_at", "rules")  # fmt: skip
    at = datetime(2026, 12, 1, tzinfo=UTC)
    async with in_transaction() as conn:
        ids = await bulk.reserve_ids(conn, Sale, 3)
        assert len(set(ids)) == 3
        assert ids == sorted(ids)
        await bulk.insert(conn, Sale, fields, [(i, "auction", 900 + n, 1, 2, 3, 100, "CNY", at, {}) for n, i in
                                               enumerate(ids)])  # fmt: skip
    assert sorted(await Sale.filter(source_ref__gte=900).values_list("id", flat=True)) == ids
    # An id the ORM hands out afterwards, and a second reservation, lie beyond the first range.
    later = await Sale.create(source="auction", source_ref=990, house_org_id=1, seller_org_id=2, buyer_user_id=3,
                              hammer_fen=100, currency="CNY", sold_at=at, rules={})  # fmt: skip
    async with in_transaction() as conn:
        again = await bulk.reserve_ids(conn, Sale, 2)
    assert later.id > max(ids)
    assert min(again) > later.id


@pytest.mark.skipif(
    bool(PG_URL), reason="SQLite's AUTOINCREMENT counter; PostgreSQL draws from a sequence, tested above"
)
async def test_sqlite_reserves_ids_for_a_table_never_written(database: Settings) -> None:
    conn = connections.get("default")
    await conn.execute_query("DELETE FROM sqlite_sequence WHERE name = 'settlement_sales'")
    async with in_transaction() as tx:
        ids = await bulk.reserve_ids(tx, Sale, 2)
    assert ids == [1, 2]
    at = datetime(2026, 12, 1, tzinfo=UTC)
    made = await Sale.create(source="auction", source_ref=1, house_org_id=1, seller_org_id=2, buyer_user_id=3,
                             hammer_fen=100, currency="CNY", sold_at=at, rules={})  # fmt: skip
    assert made.id == 3


async def test_a_pipeline_runs_in_the_order_sent_and_stops_at_the_first_failure(database: Settings) -> None:
    order: list[str] = []

    async def step(name: str, fail: bool = False) -> str:
        await asyncio.sleep(0.01 if name == "a" else 0)  # the first one is the slowest: order must still hold
        if fail:
            raise IntegrityError(f"{name} refused")
        order.append(name)
        return name

    conn = connections.get("default")
    overlaps = conn.capabilities.dialect == "postgres"  # SQLite runs each statement as it is sent
    async with bulk.Pipeline(conn) as pipe:
        a = await pipe.send(step("a"))
        b = await pipe.send(step("b"))
    assert order == ["a", "b"]
    assert (a.result(), b.result()) == ("a", "b")

    order.clear()
    with pytest.raises(IntegrityError, match="b refused"):
        async with bulk.Pipeline(conn) as pipe:
            await pipe.send(step("a"))
            await pipe.send(step("b", fail=True))
            await pipe.send(step("c"))  # never run: the transaction is lost already
    assert order == ["a"]

    order.clear()
    with pytest.raises(ValueError, match="the block's own"):
        async with bulk.Pipeline(conn) as pipe:
            await pipe.send(step("a"))
            await pipe.send(step("b"))
            raise ValueError("the block's own error")
    # PostgreSQL: the running one finished, the queued one did not run; SQLite: both had run when sent.
    assert order == (["a"] if overlaps else ["a", "b"])


async def test_statements_sent_through_a_pipeline_commit_together(database: Settings) -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    first, second = [(uuid.uuid4(), "t.p", {"n": n}, at) for n in range(3)], [(uuid.uuid4(), "t.p", {}, at)]
    fields = ("event_id", "topic", "payload", "created_at")
    with pytest.raises(IntegrityError):
        async with in_transaction() as conn, bulk.Pipeline(conn) as pipe:
            await pipe.send(bulk.insert(conn, OutboxEvent, fields, first))
            await pipe.send(bulk.insert(conn, OutboxEvent, fields, first[:1]))  # the same event id: refused
            await pipe.send(bulk.insert(conn, OutboxEvent, fields, second))
    assert await OutboxEvent.filter(topic="t.p").count() == 0  # nothing of the block was kept
    async with in_transaction() as conn, bulk.Pipeline(conn) as pipe:
        await pipe.send(bulk.insert(conn, OutboxEvent, fields, first))
        await pipe.send(bulk.insert(conn, OutboxEvent, fields, second))
    assert await OutboxEvent.filter(topic="t.p").count() == 4
