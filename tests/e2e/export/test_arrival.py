"""The consignee's page after arrival: the actual arrival (the arrived step's day, or an ACT event's time), not
the estimate that came before it."""

from __future__ import annotations

from tests.e2e.export.test_steps import booked, licence_body, to_inspected
from tests.support import ApiClient
from tests.support_export import make_exporter, make_order


async def test_the_consignee_sees_the_actual_arrival_once_the_batch_arrived(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    await to_inspected(client, vid)
    batch = await booked(client, ex, order)
    bid = batch["id"]
    assert (await client.post(f"/api/export/batches/{bid}/licence", json=licence_body(order))).status_code == 201
    vins = [order["vehicles"][0]["vin"]]
    declaration = {"declaration_no": "310120261000009", "declared_on": "2026-11-20", "vins": vins}
    r = await client.post(f"/api/export/batches/{bid}/declaration", json=declaration)
    assert r.status_code == 201, r.text
    estimate = {"event_type": "arrived", "classifier": "EST", "event_time": "2026-11-30T08:00:00+03:00",
                "time_zone": "Asia/Almaty"}  # fmt: skip
    assert (await client.post(f"/api/export/batches/{bid}/events", json=estimate)).status_code == 201
    token = (await client.post(f"/api/export/orders/{order['id']}/consignee-links")).json()["token"]
    public = client.fork()

    async def seen() -> tuple[dict[str, object], dict[str, object]]:
        view = (await public.get("/api/export/consignee", headers={"X-Consignee-Token": token})).json()
        return view["eta"], view["vehicles"][0]["eta"]

    for s in ("loaded", "departed"):
        assert (await client.post(f"/api/export/batches/{bid}/steps", json={"step": s, "on": "2026-11-25"})).is_success
    order_eta, car_eta = await seen()
    assert order_eta == car_eta
    assert car_eta["kind"] == "estimated"  # at sea: the estimate

    r = await client.post(f"/api/export/batches/{bid}/steps", json={"step": "arrived", "on": "2026-11-29"})
    assert r.status_code == 201, r.text
    order_eta, car_eta = await seen()
    assert car_eta == {"kind": "actual", "at": "2026-11-29T00:00:00+00:00", "precision": "day"}
    assert order_eta == car_eta

    # the forwarder's actual arrival event, with its time, stands over the step's day
    actual = {**estimate, "classifier": "ACT", "event_time": "2026-11-29T17:30:00+06:00"}
    assert (await client.post(f"/api/export/batches/{bid}/events", json=actual)).status_code == 201
    _, car_eta = await seen()
    assert car_eta["kind"] == "actual"
    assert car_eta["at"].startswith("2026-11-29T11:30:00")
    assert "precision" not in car_eta
