"""The packing list over HTTP: each car's packing details recorded (the rules' codes on a bad record, only by the
exporter's selling staff, the 404 of a missing id for a rival), the list refused while a car lacks them, then
served as a PDF read back with pypdf (VINs, weights, volumes, totals, container and seal); the dossier lists it."""

from __future__ import annotations

from typing import Any

import pytest

from export.models import OrderVehicle
from tests.support import ApiClient, make_member, make_org
from tests.support_export import Exporter, login_as, make_exporter, make_order
from tests.unit.documents.samples import flat, squash

CAR = {"gross_kg": 1650, "net_kg": 1520, "length_mm": 4948, "width_mm": 1836, "height_mm": 1469, "mode": "container"}
BOX = {"container_no": "csqu 305438 3", "seal_no": "SL-001234"}


async def _order(client: ApiClient, cars: int = 2) -> tuple[Exporter, dict[str, Any]]:
    ex = await make_exporter(client, cars=cars)
    return ex, await make_order(client, ex)


async def put(client: ApiClient, vehicle_id: int, body: dict[str, Any]) -> Any:
    return await client.put(f"/api/export/vehicles/{vehicle_id}/packing", json=body)


async def test_the_list_is_refused_until_every_car_has_its_details_then_served(client: ApiClient) -> None:
    ex, order = await _order(client)
    first, second = order["vehicles"]
    pdf = f"/api/export/orders/{order['id']}/packing-list.pdf"

    r = await client.get(pdf)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "packing_incomplete"
    assert r.json()["error"]["details"]["vehicles"] == [{"id": v["id"], "vin": v["vin"]} for v in (first, second)]

    r = await put(client, first["id"], CAR | BOX | {"packages": 2})
    assert r.status_code == 200, r.text
    recorded = r.json()["vehicle"]["packing"]
    assert recorded["container_no"] == "CSQU3054383"  # stored normalised
    assert (recorded["gross_kg"], recorded["packages"], recorded["recorded_by"]) == (1650, 2, ex.admin.user.id)

    r = await client.get(pdf)
    assert r.status_code == 409  # still one car without details: never a line of zeros
    assert r.json()["error"]["details"]["vehicles"] == [{"id": second["id"], "vin": second["vin"]}]

    second_box = {"container_no": "CSQU0000070", "seal_no": "SL-9"}
    body = CAR | second_box | {"gross_kg": 1480, "net_kg": 1390, "length_mm": 4635, "width_mm": 1780, "height_mm": 1435}
    assert (await put(client, second["id"], body)).status_code == 200

    r = await client.get(pdf)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="packing-list-PL-EX-2026-001.pdf"'
    assert r.headers["cache-control"] == "private, no-store"
    text = flat(r.content)
    # 4948×1836×1469 mm = 13,345 dm³ (13.34 m³); 4635×1780×1435 mm = 11,839 dm³; together 25,184 dm³ (25.18)
    for needle in ("装箱单", "Packing List", "PL-EX-2026-001", "CI-EX-2026-001", "Astana Motors LLP", ex.org.name,
                   first["vin"], second["vin"], "1,650", "1,480", "3,130", "2,910", "13.34", "11.83", "25.18",
                   "CSQU3054383", "CSQU0000070", "SL-001234", "3件packages", "集装箱"):  # fmt: skip
        assert squash(needle) in text, needle

    # the dossier lists the packing list with its number
    text = flat((await client.get(f"/api/export/vehicles/{first['id']}/dossier.pdf")).content)
    assert squash("装箱单") in text
    assert "PL-EX-2026-001" in text


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"gross_kg": 0}, "gross_kg", "packing_weight_out_of_range"),
        ({"gross_kg": 60_001}, "gross_kg", "packing_weight_out_of_range"),
        ({"net_kg": 1651}, "net_kg", "packing_net_exceeds_gross"),
        ({"length_mm": 20_001}, "length_mm", "packing_dimension_out_of_range"),
        ({"height_mm": -1}, "height_mm", "packing_dimension_out_of_range"),
        ({"packages": 0}, "packages", "packing_packages_out_of_range"),
        ({"mode": "air"}, "mode", "packing_mode_unknown"),
        ({"container_no": ""}, "container_no", "packing_container_required"),
        ({"container_no": "CSQU3054384"}, "container_no", "packing_container_check_digit"),
        ({"container_no": "CSQX3054383"}, "container_no", "packing_container_number_invalid"),
        ({"seal_no": ""}, "seal_no", "packing_seal_required"),
        ({"seal_no": "a/b"}, "seal_no", "packing_seal_invalid"),
        ({"mode": "ro_ro"}, "container_no", "packing_container_not_applicable"),
    ],
)
async def test_a_bad_record_is_refused_with_the_rules_code(
    client: ApiClient, change: dict[str, Any], field: str, code: str
) -> None:
    _, order = await _order(client, cars=1)
    vehicle = order["vehicles"][0]
    r = await put(client, vehicle["id"], CAR | BOX | change)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == code
    assert {"field": field, "code": code} in error["details"]["problems"]
    assert (await OrderVehicle.get(id=vehicle["id"])).packing is None


@pytest.mark.parametrize("bad", [{"gross_kg": 1650.5}, {"gross_kg": "1650"}, {"weight": 1}, {"mode": None}])
async def test_a_body_not_of_whole_numbers_is_a_validation_error(client: ApiClient, bad: dict[str, Any]) -> None:
    _, order = await _order(client, cars=1)
    r = await put(client, order["vehicles"][0]["id"], CAR | BOX | bad)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"


async def test_the_mode_follows_the_batch_and_a_later_batch_stops_the_list(client: ApiClient) -> None:
    ex, order = await _order(client, cars=1)
    vehicle = order["vehicles"][0]
    assert (await put(client, vehicle["id"], CAR | {"mode": "rail"})).status_code == 200
    r = await client.post(f"/api/export/dealers/{ex.org.id}/batches", json={
        "reference": "B-RORO", "mode": "ro_ro", "planned_departure": "2026-12-20",
        "order_vehicle_ids": [vehicle["id"]]})  # fmt: skip
    assert r.status_code == 201, r.text
    # recorded for rail, now in a ro-ro batch: the list is refused naming the car
    r = await client.get(f"/api/export/orders/{order['id']}/packing-list.pdf")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "packing_mode_mismatch"
    assert r.json()["error"]["details"]["vehicles"] == {vehicle["vin"]: ["packing_mode_mismatch"]}
    r = await put(client, vehicle["id"], CAR | {"mode": "rail"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "packing_mode_mismatch")
    assert (await put(client, vehicle["id"], CAR | {"mode": "ro_ro"})).status_code == 200
    assert (await client.get(f"/api/export/orders/{order['id']}/packing-list.pdf")).status_code == 200


async def test_a_departed_car_keeps_what_it_shipped_with(client: ApiClient) -> None:
    _, order = await _order(client, cars=1)
    vehicle = order["vehicles"][0]
    await OrderVehicle.filter(id=vehicle["id"]).update(step="departed")
    r = await put(client, vehicle["id"], CAR | BOX)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "packing_locked")


async def test_only_the_exporters_selling_staff_record_and_a_rival_gets_404(client: ApiClient) -> None:
    ex, order = await _order(client, cars=1)
    vehicle = order["vehicles"][0]
    assert (await put(client, vehicle["id"], CAR | BOX)).status_code == 200
    pdf = f"/api/export/orders/{order['id']}/packing-list.pdf"

    member = await make_member(client.app, ex.org, ["buyer"], "ro")
    await login_as(client, member.user.id)
    r = await put(client, vehicle["id"], CAR | BOX | {"gross_kg": 1700})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "insufficient_role")
    assert (await client.get(pdf)).status_code == 200  # a read-only member reads the list

    rival = await make_member(client.app, await make_org("dealer"), ["dealer_admin"], "rival")
    await login_as(client, rival.user.id)
    for r, missing in (
        (await put(client, vehicle["id"], CAR | BOX), await put(client, 2_147_483_000, CAR | BOX)),
        (await client.get(pdf), await client.get("/api/export/orders/2147483000/packing-list.pdf")),
    ):
        assert r.status_code == 404
        assert r.json() == missing.json()
        assert r.json()["error"]["code"] == "not_found"
    assert (await OrderVehicle.get(id=vehicle["id"])).packing["gross_kg"] == 1650  # unchanged
