"""Closing driven from the database: every process (and the worker) sweeps lots that are due (to close, to
lapse, or — a timed lot published before its session's start — to open).

A deferred job per lot end is the fast path; this loop is the guarantee. Closing is a
compare-and-set on the lot's version, so however many sweepers find the same lot, it closes once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from tortoise.expressions import Q

from auctions.domain.terms import from_ms
from auctions.models import AuctionSession, Lot
from auctions.services import actions, second_chance
from auctions.services.clock import now_ms
from marketplace.outages import OutageLog

log = logging.getLogger("auctions.sweeper")
_OUTAGE = OutageLog(log, "closing sweeper")


class Sweeper:
    def __init__(self, services: Any, *, interval: float = 0.2, sessions_every: float = 5.0) -> None:
        self._services = services
        self._interval = interval
        self._sessions_every = sessions_every
        self._sessions_checked = 0.0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="auctions-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
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

    async def sweep_once(self) -> int:
        now = now_ms()
        at = from_ms(now)
        due: list[Any] = (
            await Lot.filter(
                Q(status__in=["open"], ends_at__lte=at)
                | Q(status__in=["conditional", "countered"], decision_deadline__lte=at)
            )
            .order_by("ends_at")
            .limit(100)
            .values_list("id", flat=True)
        )
        due = [*due, *await self._due_to_open(at)]
        closed = 0
        for lot_id in due:
            if await actions.close_if_due(self._services, int(lot_id), now_ms()):
                closed += 1
        if now / 1000 - self._sessions_checked >= self._sessions_every:
            # Less urgent, and heavier: sessions whose lots are all final end (deposits are refunded from that
            # event), and second-chance offers past their deadline expire.
            self._sessions_checked = now / 1000
            assert at is not None
            await second_chance.close_ended(at)
            await second_chance.expire_due(at)
        return closed

    async def _due_to_open(self, at: Any) -> list[Any]:
        """Timed lots of a session whose start has come (a live lot waits for the auctioneer: it has no end yet).

        One table per statement, no join: a statement holding one table's lock while waiting for another's
        could deadlock with a writer taking them in the other order.
        """
        waiting: list[Any] = (
            await Lot.filter(status="scheduled", ends_at__isnull=False).distinct().values_list("session_id", flat=True)
        )
        if not waiting:
            return []
        started: list[Any] = await AuctionSession.filter(id__in=list(waiting), starts_at__lte=at).values_list(
            "id", flat=True
        )
        if not started:
            return []
        return list(
            await Lot.filter(session_id__in=list(started), status="scheduled", ends_at__isnull=False)
            .limit(100)
            .values_list("id", flat=True)
        )
