"""The reminder sweeper: every process (and the worker) runs it; posting is idempotent by each deadline's key,
so however many sweepers run, each reminder is posted and mailed once (export.services.reminders)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from export.services import reminders
from marketplace.outages import OutageLog

log = logging.getLogger("export.sweeper")
_OUTAGE = OutageLog(log, "export reminder sweeper")
CHINA = ZoneInfo("Asia/Shanghai")


class ReminderSweeper:
    def __init__(self, services: Any, *, interval: float = 300.0) -> None:
        self._services = services
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="export-reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await asyncio.sleep(5)  # let the app finish starting
        while True:
            try:
                await self.sweep_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _OUTAGE.report(exc, "sweep failed")
            else:
                _OUTAGE.recovered()
            await asyncio.sleep(self._interval)

    async def sweep_once(self) -> tuple[int, int]:
        now = datetime.now(UTC)
        return await reminders.sweep(self._services.mailer, now.astimezone(CHINA).date(), now)
