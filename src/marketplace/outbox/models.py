from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class OutboxEvent(Model):
    id = fields.BigIntField(primary_key=True)
    event_id = fields.UUIDField(unique=True)
    topic = fields.CharField(max_length=100)
    payload: Any = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True, db_index=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "outbox_events"


class ProcessedEvent(Model):
    # A consumer records each event it handled, so a redelivery is recognised and ignored.

    id = fields.BigIntField(primary_key=True)
    consumer = fields.CharField(max_length=100)
    event_id = fields.UUIDField()
    processed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "processed_events"
        unique_together = (("consumer", "event_id"),)


class OutboxDelivery(Model):
    # One subscribed job's debt for one event. It stays owed until the job itself reports its work done:
    # a broker that accepted the job can still lose it (Redis restarted empty), so the relay sends it
    # again whenever it is due and not done. The job's deterministic id makes a resend of a job that
    # is still queued a no-op, and consumers tolerate the rare second run.

    id = fields.BigIntField(primary_key=True)
    event: fields.ForeignKeyRelation[OutboxEvent] = fields.ForeignKeyField(
        "marketplace.OutboxEvent", related_name="deliveries", on_delete=fields.CASCADE
    )
    job = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)
    due_at = fields.DatetimeField(db_index=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    done_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_deliveries"
        unique_together = (("event", "job"),)
