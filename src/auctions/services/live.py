"""Fan-out of committed lot events to this process's WebSocket connections.

Every process subscribes once to the bus channel and hands each event to the connections watching
its lot. Events are serialised once per event, not once per watcher. The bus is fast but not the
record: a connection that sees a gap in a lot's sequence numbers fills it from the event log, and
a reconciliation pass compares the log's head with what was fanned out (a process that died after
commit but before publishing loses nobody an event).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, Protocol

from auctions.models import Lot
from auctions.services.bidding import CHANNEL
from auctions.services.clock import now_ms
from auctions.services.present import events_after
from marketplace.outages import OutageLog
from marketplace.ports.bus.base import EventBus

log = logging.getLogger("auctions.services.live")
_OUTAGE = OutageLog(log, "live fan-out (watchers catch up from the database)")
_RECONCILE_OUTAGE = OutageLog(log, "live fan-out reconciliation")
PROTOCOL_VERSION = 1


class Watcher(Protocol):
    def deliver(self, lot_id: int, seq: int, text: str) -> None: ...


def dumps(message: dict[str, Any]) -> str:
    message.setdefault("v", PROTOCOL_VERSION)
    message.setdefault("server_time", now_ms())
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def event_message(lot_id: int, seq: int, event: dict[str, Any]) -> str:
    return dumps({"type": "event", "lot_id": lot_id, "seq": seq, "event": event})


def _event_json(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def event_text(lot_id: int, seq: int, event_json: str) -> str:
    """An `event` message around an event serialised once (the same bytes for every watcher and replay)."""
    return (
        f'{{"type":"event","lot_id":{lot_id},"seq":{seq},"event":{event_json},'
        f'"v":{PROTOCOL_VERSION},"server_time":{now_ms()}}}'
    )


def replay_text(lot_id: int, from_seq: int, events: list[tuple[int, str]], upto: int) -> str:
    """One `replay` page: `events` follow `from_seq`; `more` says whether pages up to `upto` follow it."""
    seq = events[-1][0] if events else upto
    body = ",".join(f'{{"seq":{n},"event":{e}}}' for n, e in events)
    more = "true" if seq < upto else "false"
    return (
        f'{{"type":"replay","lot_id":{lot_id},"seq":{seq},"from_seq":{from_seq},"more":{more},'
        f'"events":[{body}],"v":{PROTOCOL_VERSION},"server_time":{now_ms()}}}'
    )


class Hub:
    def __init__(self, bus: EventBus, *, reconcile_interval: float = 1.0, recent_events: int = 500) -> None:
        self._bus = bus
        self._interval = reconcile_interval
        self.watchers: dict[int, set[Watcher]] = {}
        self._seen: dict[int, int] = {}
        # Per watched lot, its latest events serialised once: replays and gap fills of every connection
        # are served from here (a string join) instead of a query and a serialisation per request.
        self._recent: dict[int, dict[int, str]] = {}
        self._recent_cap = recent_events
        self._loading: dict[int, asyncio.Lock] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.ready = asyncio.Event()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen(), name="auctions-hub"),
            asyncio.create_task(self._reconcile(), name="auctions-hub-reconcile"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def watch(self, watcher: Watcher, lot_id: int, seq: int) -> None:
        if lot_id not in self.watchers:
            # Only a lot nobody here watched yet starts at the snapshot: events still in flight for
            # earlier watchers must not be skipped (each connection drops what it already has).
            self._seen[lot_id] = seq
        self.watchers.setdefault(lot_id, set()).add(watcher)

    def unwatch(self, watcher: Watcher, lot_id: int) -> None:
        group = self.watchers.get(lot_id)
        if group is None:
            return
        group.discard(watcher)
        if not group:
            del self.watchers[lot_id]
            self._seen.pop(lot_id, None)
            self._recent.pop(lot_id, None)
            self._loading.pop(lot_id, None)

    def head(self, lot_id: int) -> int | None:
        """The last sequence number fanned out here for a lot this process watches (None: not watched)."""
        return self._seen.get(lot_id) if lot_id in self.watchers else None

    async def events(self, lot_id: int, after: int, upto: int) -> list[tuple[int, str]]:
        """The lot's events in (after, upto] as (seq, serialised event), from memory when it holds them.

        Concurrent requests for a lot share one database load (the per-lot lock), so a storm of replay
        requests costs one query, not one each.
        """
        wanted = range(after + 1, upto + 1)
        cache = self._recent.get(lot_id)
        if cache is None or any(n not in cache for n in wanted):
            lock = self._loading.setdefault(lot_id, asyncio.Lock()) if lot_id in self.watchers else asyncio.Lock()
            async with lock:
                cache = self._recent.get(lot_id)
                if cache is None or any(n not in cache for n in wanted):
                    loaded = {int(i["seq"]): _event_json(i["event"]) for i in await events_after(lot_id, after, upto)}
                    if lot_id not in self.watchers:
                        return sorted(loaded.items())  # nobody here watches it: nothing to keep
                    cache = self._recent.setdefault(lot_id, {})
                    for n, text in loaded.items():
                        cache.setdefault(n, text)
                    self._trim(cache)
        return [(n, cache[n]) for n in wanted if n in cache]

    def _trim(self, cache: dict[int, str]) -> None:
        if len(cache) > self._recent_cap * 5 // 4:
            for n in sorted(cache)[: len(cache) - self._recent_cap]:
                del cache[n]

    def dispatch(self, message: dict[str, Any]) -> None:
        lot_id = int(message["lot_id"])
        if lot_id not in self.watchers:
            return
        for item in message["events"]:
            self._fanout(lot_id, int(item["seq"]), item["event"])

    def _fanout(self, lot_id: int, seq: int, event: dict[str, Any]) -> None:
        if seq <= self._seen.get(lot_id, 0):
            return  # the bus and the reconciliation pass may both bring it
        self._seen[lot_id] = seq
        event_json = _event_json(event)
        cache = self._recent.setdefault(lot_id, {})
        cache[seq] = event_json
        self._trim(cache)
        text = event_text(lot_id, seq, event_json)
        for watcher in list(self.watchers.get(lot_id, ())):
            watcher.deliver(lot_id, seq, text)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._bus.subscribe(CHANNEL) as messages:
                    self.ready.set()
                    _OUTAGE.recovered()
                    async for message in messages:
                        try:
                            self.dispatch(message)
                        except Exception:
                            log.exception("bad lot event message")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _OUTAGE.report(exc, "lot event subscription failed; resubscribing")
            self.ready.clear()
            await asyncio.sleep(0.5)

    async def _reconcile(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.reconcile()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _RECONCILE_OUTAGE.report(exc, "reconciliation pass failed")
            else:
                _RECONCILE_OUTAGE.recovered()

    async def reconcile(self) -> None:
        lots = list(self.watchers)
        if not lots:
            return
        for lot_id, head in await Lot.filter(id__in=lots).values_list("id", "seq"):
            seen = self._seen.get(lot_id)
            if seen is not None and head > seen:
                for item in await events_after(lot_id, seen, head):
                    self._fanout(lot_id, int(item["seq"]), item["event"])
