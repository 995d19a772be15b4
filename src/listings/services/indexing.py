"""Keeping the search index equal to the database.

Three paths lead to the same upsert, each safe to repeat:
- the outbox job `listings.index` re-reads the listing named by an event and writes what it finds
  now (not what the event said), so a duplicate or out-of-order event changes nothing;
- the reconciler compares every published listing's version with the index's and repairs the
  difference, so a lost event leaves the index wrong for at most one interval;
- `marketplace search reindex` writes every published listing in batches while the site serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from listings.domain.lifecycle import Status, price_band
from listings.models import Listing, Photo
from marketplace.outages import OutageLog
from marketplace.ports.search.base import SearchIndex

log = logging.getLogger("listings.indexing")
_OUTAGE = OutageLog(log, "search reconciliation")
BATCH = 500


def document(listing: Listing, thumb_url: str | None) -> dict[str, Any]:
    v = listing.vehicle
    published = listing.published_at or listing.created_at
    return {
        "id": listing.id,
        "version": listing.version,
        "title": listing.title,
        "make": v.make,
        "make_en": v.make_en,
        "model": v.model,
        "model_en": v.model_en,
        "series": v.series,
        "energy_type": v.energy_type,
        "body_type": v.body_type,
        "transmission": v.transmission,
        "emission_standard": v.emission_standard,
        "colour": v.colour,
        "province": listing.location_province or v.registration_province,
        "city": listing.location_city or v.registration_city,
        "year": v.model_year or (v.first_registration.year if v.first_registration else 0),
        "price_fen": listing.price_fen,
        "price_band": price_band(listing.price_fen),
        "mileage_km": v.mileage_km,
        "transfers": v.transfers,
        "accident": v.accident or v.flood or v.fire,
        "published_at": int(published.timestamp()),
        "thumb_url": thumb_url,
    }


async def _thumbs(vehicle_ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    rows = await Photo.filter(vehicle_id__in=list(vehicle_ids)).order_by("-position", "-id")
    for p in rows:  # the last write wins: the lowest position
        out[p.vehicle_id] = f"/api/photos/{p.id}/thumb" if p.thumb_key else f"/api/photos/{p.id}"
    return out


async def sync(index: SearchIndex, listing_ids: list[int]) -> None:
    """Write the current state of these listings into the index (published: upsert; otherwise: remove)."""
    rows = {r.id: r for r in await Listing.filter(id__in=listing_ids).select_related("vehicle")}
    thumbs = await _thumbs(r.vehicle_id for r in rows.values())
    docs, gone = [], []
    for listing_id in listing_ids:
        row = rows.get(listing_id)
        if row is not None and row.status == Status.PUBLISHED:
            docs.append(document(row, thumbs.get(row.vehicle_id)))
        else:
            gone.append((listing_id, row.version if row is not None else 2**31 - 1))
    await index.upsert(docs)
    await index.delete(gone)


async def reconcile(index: SearchIndex) -> int:
    """Repair every difference between published listings and the index; returns how many were fixed."""
    wanted = dict(await Listing.filter(status=Status.PUBLISHED).values_list("id", "version"))
    have = await index.versions()
    stale = [i for i, v in wanted.items() if have.get(i) != v]
    extra = [i for i in have if i not in wanted]
    for start in range(0, len(stale) + len(extra), BATCH):
        await sync(index, (stale + extra)[start : start + BATCH])
    if stale or extra:
        log.info("search reconciliation fixed %d stale and %d extra documents", len(stale), len(extra))
    return len(stale) + len(extra)


async def reindex(index: SearchIndex, progress: Callable[[int, int], object] | None = None) -> int:
    """Rebuild from the database in id order; searches keep being served from the live index meanwhile."""
    total = await Listing.filter(status=Status.PUBLISHED).count()
    before = set(await index.versions())
    done, last_id = 0, 0
    seen: set[int] = set()
    while True:
        batch = (
            await Listing.filter(status=Status.PUBLISHED, id__gt=last_id)
            .select_related("vehicle")
            .order_by("id")
            .limit(BATCH)
        )
        if not batch:
            break
        thumbs = await _thumbs(r.vehicle_id for r in batch)
        await index.upsert([document(r, thumbs.get(r.vehicle_id)) for r in batch])
        seen.update(r.id for r in batch)
        last_id = batch[-1].id
        done += len(batch)
        if progress is not None:
            progress(done, total)
    # documents that were in the index before we began and are no longer published
    await sync(index, sorted(before - seen))
    return done


class Reconciler:
    """A background loop that runs `reconcile` every `interval` seconds."""

    def __init__(self, index: SearchIndex, interval: float) -> None:
        self._index = index
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._index.start()
        self._task = asyncio.create_task(self._run(), name="search-reconciler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._index.close()

    async def _run(self) -> None:
        while True:
            try:
                await reconcile(self._index)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _OUTAGE.report(exc, "search reconciliation failed")
            else:
                _OUTAGE.recovered()
            await asyncio.sleep(self._interval)
