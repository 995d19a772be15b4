"""Fixtures for the listings tests: a verified dealer, vehicle payloads with valid VINs, running the outbox."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

from listings.domain.vin import with_check_digit
from marketplace.ports.jobs.inprocess import InProcessJobs
from tests.support import ApiClient, Member, make_certificate, make_member, make_org

_vins = itertools.count(1)


def new_vin(wmi: str = "LBV") -> str:
    n = next(_vins)
    return with_check_digit(f"{wmi}5S1100MA{n:06d}")


def listing_body(org_id: int, **over: Any) -> dict[str, Any]:
    vehicle = {
        "vin": new_vin(),
        "make": "宝马",
        "model": "3系",
        "series": "320Li M运动套装",
        "body_type": "sedan",
        "energy_type": "ice",
        "transmission": "automatic",
        "displacement_ml": 1998,
        "emission_standard": "国六",
        "colour": "白色",
        "model_year": 2021,
        "first_registration": "2021-05-01",
        "mileage_km": 42_000,
        "transfers": 1,
        "plate_prefix": "浙B",
    }
    vehicle.update(over.pop("vehicle", {}))
    return {"dealer_org_id": org_id, "vehicle": vehicle, "price_fen": 22_800_000, **over}


@dataclass
class Dealer:
    member: Member
    org_id: int


async def make_dealer(client: ApiClient, *, verified: bool = True, certificate: bool = True) -> Dealer:
    org = await make_org("dealer", status="verified" if verified else "pending")
    member = await make_member(client.app, org, ["dealer_admin"], "dealer")
    if certificate:
        await make_certificate(org, member.user, status="verified")
    return Dealer(member, org.id)


async def settle(client: ApiClient) -> None:
    """Deliver committed events and run their jobs (in-process: drain; arq: a burst worker)."""
    services = client.app.state.services
    await services.relay.deliver_pending()
    if isinstance(services.jobs, InProcessJobs):
        await services.jobs.drain()
        await services.relay.deliver_pending()  # events written by jobs (thumbnails)
        await services.jobs.drain()
        return
    from arq.worker import create_worker

    from marketplace.worker import worker_settings

    for _ in range(2):
        config = worker_settings(services.settings, services, manage_db=False)
        config["on_startup"] = None
        config["on_shutdown"] = None
        worker = create_worker(config, burst=True, poll_delay=0.05)  # type: ignore[arg-type]
        await worker.main()
        await worker.close()
        await services.relay.deliver_pending()


async def search(client: ApiClient, **params: Any) -> dict[str, Any]:
    r = await client.get("/api/listings/search", params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def wait_for(client: ApiClient, predicate: Any, timeout: float = 10.0, **params: Any) -> float:
    """Poll the search API until predicate(result) holds; returns the seconds it took (a test that promises a
    speed asserts it on that; the timeout only bounds the wait on a loaded machine)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    arq = client.app.state.services.jobs.name != "in-process"
    while True:
        if arq:
            # arq: nobody runs jobs in this process unless a test starts a worker, and the app's own relay
            # may hold the event's lease during one settle and queue the job just after it: settle each poll.
            await settle(client)
        result = await search(client, **params)
        if predicate(result):
            return loop.time() - start
        if loop.time() - start > timeout:
            raise AssertionError(f"search did not catch up within {timeout}s: {result['total']} hits")
        await asyncio.sleep(0.02)
