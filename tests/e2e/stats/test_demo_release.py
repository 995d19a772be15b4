"""`marketplace demo` publishes a small statistics release, so the statistics page is never empty."""

from __future__ import annotations

import time

from marketplace.demo import load_demo
from tests.support import ApiClient


async def test_after_the_demo_the_public_annual_report_has_data(client: ApiClient) -> None:
    started = time.monotonic()
    await load_demo(client.app.state.services.hasher)
    print(f"demo with its statistics release loaded in {time.monotonic() - started:.1f} s")  # noqa: T201
    r = await client.get("/api/stats/annual/2023")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["version"] == 1
    assert doc["units"] > 5_000  # the national dataset at 1/100 (702,500 units at full size)
    assert doc["top30_units"]
    assert doc["yoy"]["units"] is not None
    calendar = (await client.get("/api/stats/releases")).json()["items"]
    assert {(e["period"], e["published"]) for e in calendar} == {("2022", True), ("2023", True)}
