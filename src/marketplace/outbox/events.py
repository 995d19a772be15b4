"""Recording events in the caller's transaction, and consuming them exactly once."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import bulk
from marketplace.outbox.models import OutboxEvent, ProcessedEvent


async def record_event(conn: BaseDBAsyncClient, topic: str, payload: Mapping[str, Any]) -> uuid.UUID:
    """Write an event in the same transaction as the state change that caused it."""
    event_id = uuid.uuid4()
    await OutboxEvent.create(event_id=event_id, topic=topic, payload=dict(payload), using_db=conn)
    return event_id


async def record_events(conn: BaseDBAsyncClient, topic: str, payloads: list[Mapping[str, Any]]) -> None:
    """Write many events of one topic in the caller's transaction, by one bulk insert."""
    rows = [(uuid.uuid4(), topic, dict(p)) for p in payloads]
    await bulk.insert(conn, OutboxEvent, ("event_id", "topic", "payload"), rows, copy=True)


def envelope(event: OutboxEvent) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "topic": event.topic,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }


async def consume_once(
    consumer: str, message: Mapping[str, Any], handle: Callable[[BaseDBAsyncClient], Awaitable[None]]
) -> bool:
    """Run `handle` and mark the event processed in one transaction; a redelivery does nothing.

    Returns False when the event had been processed already.
    """
    event_id = uuid.UUID(str(message["event_id"]))
    try:
        async with in_transaction() as conn:
            await ProcessedEvent.create(consumer=consumer, event_id=event_id, using_db=conn)
            await handle(conn)
    except IntegrityError:
        if await ProcessedEvent.exists(consumer=consumer, event_id=event_id):
            return False
        raise
    return True
