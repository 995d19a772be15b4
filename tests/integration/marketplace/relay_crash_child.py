"""Child process for the outbox crash test: commit a state change with its event, then die mid-relay.

Run as `python -m tests.integration.marketplace.relay_crash_child DATABASE_URL`. It exits with
status 137 from inside the relay, after the event is committed and claimed but before anything is
published: an abrupt death (no cleanup, no `finally`), as a SIGKILL at that moment would be.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

from tortoise.transactions import in_transaction

from marketplace import db
from marketplace.accounts.models import Organisation
from marketplace.outbox.events import record_event
from marketplace.outbox.models import OutboxEvent
from marketplace.outbox.relay import OutboxRelay
from marketplace.ports.bus.memory import InProcessBus
from marketplace.ports.jobs.base import JobRegistry
from marketplace.ports.jobs.inprocess import InProcessJobs
from marketplace.settings import load_settings


async def main(database_url: str) -> None:
    settings = load_settings(database_url=database_url, redis_url=None)
    await db.init_db(settings)
    async with in_transaction() as conn:
        org = await Organisation.create(name="crash test org", kind="dealer", using_db=conn)
        await record_event(conn, "organisation.created", {"organisation_id": org.id})
    sys.stdout.write(f"committed org {org.id}\n")
    sys.stdout.flush()

    async def die(event: OutboxEvent) -> None:
        os._exit(137)

    registry = JobRegistry()

    async def never(payload: dict[str, object]) -> None:
        raise AssertionError("the child must die before any job runs")

    registry.register("test.record_org", never)
    relay = OutboxRelay(
        InProcessBus(),
        InProcessJobs(registry),
        {"organisation.created": ["test.record_org"]},
        lease=timedelta(seconds=1),
        before_publish=die,
    )
    await relay.deliver_pending()
    sys.exit("relay returned: the crash hook did not run")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
