"""The index follows the database: duplicated, reordered and lost events, reconciliation, reindex."""

from __future__ import annotations

import uuid

import pytest

from listings.models import Listing
from listings.services import indexing
from marketplace.outbox.models import OutboxEvent
from marketplace.ports.search.base import SearchQuery
from tests.e2e.listings.helpers import listing_body, make_dealer, search, settle, wait_for
from tests.support import ApiClient


async def _published(client: ApiClient, n: int, drafts: int = 0) -> list[int]:
    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    ids = []
    for i in range(n + drafts):
        listing_id = (await client.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
        if i < n:
            assert (await client.post(f"/api/listings/{listing_id}/publish")).status_code == 200
        ids.append(listing_id)
    return ids


async def test_duplicate_and_stale_events_change_nothing(lclient: ApiClient) -> None:
    [listing_id] = await _published(lclient, 1)
    await settle(lclient)
    r = await lclient.request("PATCH", f"/api/listings/{listing_id}", json={"price_fen": 18_000_000})
    assert r.status_code == 200
    await settle(lclient)
    # replay every event ever written, as a relay that crashed before marking them published would
    await OutboxEvent.all().update(published_at=None, claimed_until=None)
    for event in await OutboxEvent.all():
        await OutboxEvent.filter(id=event.id).update(event_id=uuid.uuid4())  # new ids: the job queue cannot dedupe
    await settle(lclient)
    hits = (await search(lclient, q="宝马"))["hits"]
    assert [h["price_fen"] for h in hits] == [18_000_000]


async def test_lost_events_are_repaired_by_reconciliation(lclient: ApiClient) -> None:
    ids = await _published(lclient, 2, drafts=1)
    await settle(lclient)
    index = lclient.app.state.services.search
    # events lost: change the database behind the outbox's back
    await Listing.filter(id=ids[0]).update(status="withdrawn", version=99)
    await Listing.filter(id=ids[1]).update(price_fen=12_300_000, version=99)
    await Listing.filter(id=ids[2]).update(status="published", version=99)  # a publish whose event was lost
    assert await indexing.reconcile(index) == 3
    result = await index.search(SearchQuery(text="宝马", sort="price_asc"))
    assert [h["id"] for h in result.hits] == [ids[1], ids[2]]
    assert result.hits[0]["price_fen"] == 12_300_000
    assert await indexing.reconcile(index) == 0


async def test_reindex_rebuilds_with_progress(lclient: ApiClient) -> None:
    ids = await _published(lclient, 3)
    await settle(lclient)
    index = lclient.app.state.services.search
    await index.clear()
    assert (await search(lclient))["total"] == 0
    seen: list[tuple[int, int]] = []
    assert await indexing.reindex(index, lambda done, total: seen.append((done, total))) == 3
    assert seen[-1] == (3, 3)
    assert {h["id"] for h in (await search(lclient))["hits"]} == set(ids)


async def test_publish_is_searchable_within_two_seconds_through_the_relay(lclient: ApiClient) -> None:
    # no manual settling: the running relay and job runner (or arq worker in CI) do the work
    services = lclient.app.state.services
    if services.jobs.name != "in-process":
        import asyncio

        from arq.worker import create_worker

        from marketplace.worker import worker_settings

        config = worker_settings(services.settings, services, manage_db=False)
        config["on_startup"] = config["on_shutdown"] = None
        worker = create_worker(config, poll_delay=0.05)  # type: ignore[arg-type]
        task = asyncio.create_task(worker.async_run())
    else:
        task = None
    try:
        await _published(lclient, 1)
        took = await wait_for(lclient, lambda res: res["total"] == 1, timeout=2.0, q="bmw")
        assert took < 2.0
    finally:
        if task is not None:
            task.cancel()
            await worker.close()


async def test_reindex_while_the_site_changes_loses_nothing(
    lclient: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild running beside live traffic: a car published behind the rebuild's cursor stays found, a car
    withdrawn ahead of it is dropped, one withdrawn behind it is dropped by its own event."""
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    ids = [(await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"] for _ in range(4)]
    for listing_id in ids[1:]:
        assert (await lclient.post(f"/api/listings/{listing_id}/publish")).status_code == 200
    await settle(lclient)
    index = lclient.app.state.services.search
    monkeypatch.setattr(indexing, "BATCH", 1)
    real_upsert = index.upsert
    rebuilt: list[list[int]] = []

    async def upsert(docs: list[dict[str, object]]) -> None:
        await real_upsert(docs)
        rebuilt.append([int(str(d["id"])) for d in docs])
        if len(rebuilt) == 2:  # the rebuild has passed ids[1] and ids[2]: the site changes under it
            rebuilt.append([])  # (the events' own upserts below must not trigger this again)
            assert (await lclient.post(f"/api/listings/{ids[0]}/publish")).status_code == 200
            assert (await lclient.post(f"/api/listings/{ids[1]}/withdraw")).status_code == 200
            assert (await lclient.post(f"/api/listings/{ids[3]}/withdraw")).status_code == 200
            await settle(lclient)

    monkeypatch.setattr(index, "upsert", upsert)
    await indexing.reindex(index)
    assert [ids[1]] in rebuilt  # it really ran in batches, around the changes
    assert [ids[2]] in rebuilt
    found = {h["id"] for h in (await search(lclient))["hits"]}
    assert found == {ids[0], ids[2]}
    assert await indexing.reconcile(index) == 0  # and the index equals the database
