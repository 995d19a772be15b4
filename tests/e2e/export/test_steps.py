"""Every step of an export vehicle over HTTP, each gate refusing with its code, the batch-wide steps, the desk."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support import ApiClient
from tests.support_export import Exporter, make_car, make_exporter, make_filing, make_order

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REG = {"make": "丰田", "model": "凯美瑞", "first_registration": "2022-03-01"}


async def upload(client: ApiClient, vehicle_id: int, doc_type: str, **q: Any) -> dict[str, Any]:
    r = await client.post(
        f"/api/export/vehicles/{vehicle_id}/documents",
        params={"doc_type": doc_type, "number": "N-1", "issued_on": "2026-11-05", "issuer": "中汽检测", **q},
        content=PDF,
        headers={"Content-Type": "application/pdf"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def step(client: ApiClient, vehicle_id: int, step: str, **body: Any) -> Any:
    return await client.post(f"/api/export/vehicles/{vehicle_id}/steps", json={"step": step, **body})


async def to_inspected(client: ApiClient, vehicle_id: int, *, plate_issued: str = "2026-11-01") -> None:
    r = await client.put(
        f"/api/export/vehicles/{vehicle_id}/registration", json={**REG, "pending_export_on": plate_issued}
    )
    assert r.status_code == 200, r.text
    r = await step(
        client,
        vehicle_id,
        "transfer_registered",
        on=plate_issued,
        plate_no="浙B临1234",
        plate_issued=plate_issued,
        insurance_ends="2027-10-31",
    )
    assert r.status_code == 201, r.text
    doc = await upload(client, vehicle_id, "inspection_report")
    r = await step(
        client, vehicle_id, "inspected", on="2026-11-10", inspection_standard="WM/T 8-2022", document_ids=[doc["id"]]
    )
    assert r.status_code == 201, r.text
    assert r.json()["steps"][-1]["data"]["documents"] == [doc["id"]]  # the step records its papers


async def booked(client: ApiClient, ex: Exporter, order: dict[str, Any], ref: str = "B-1") -> dict[str, Any]:
    ids = [v["id"] for v in order["vehicles"]]
    r = await client.post(
        f"/api/export/dealers/{ex.org.id}/batches",
        json={"reference": ref, "mode": "ro_ro", "planned_departure": "2026-11-25", "order_vehicle_ids": ids},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def licence_body(order: dict[str, Any], **over: Any) -> dict[str, Any]:
    vehicles = [{"order_vehicle_id": v["id"], **REG, "pending_export_on": "2026-11-01"} for v in order["vehicles"]]
    return {
        "licence_no": "26-ZJ-000123",
        "issued_on": "2026-11-15",
        "quantity": len(vehicles),
        "vehicles": vehicles,
        **over,
    }


def code(r: Any) -> str:
    return str(r.json()["error"]["code"])


async def test_the_whole_walk_from_bought_to_vat_refund(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=2)
    order = await make_order(client, ex)
    for v in order["vehicles"]:
        await to_inspected(client, v["id"])
    batch = await booked(client, ex, order)
    r = await client.post(f"/api/export/batches/{batch['id']}/licence", json=licence_body(order))
    assert r.status_code == 201, r.text
    assert r.json()["licence_expires"] == "2026-12-31"  # six months, cut at the year end
    vins = [v["vin"] for v in order["vehicles"]]
    r = await client.post(
        f"/api/export/batches/{batch['id']}/declaration",
        json={"declaration_no": "310120261000001", "declared_on": "2026-11-20", "vins": vins},
    )
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/export/batches/{batch['id']}/clearance", json={"cleared_on": "2026-11-21"})
    assert r.status_code == 201, r.text
    for s in ("loaded", "departed", "arrived", "delivered"):
        r = await client.post(f"/api/export/batches/{batch['id']}/steps", json={"step": s, "on": "2026-11-28"})
        assert r.status_code == 201, (s, r.text)
    vid = order["vehicles"][0]["id"]
    detail = (await client.get(f"/api/export/vehicles/{vid}")).json()
    assert detail["vehicle"]["step"] == "delivered"
    assert detail["vehicle"]["hs_code"] == "8703.23"  # 1,998 cm³ petrol
    assert [d["what"] for d in detail["vehicle"]["deadlines"]] == ["deregistration"]
    assert detail["vehicle"]["deadline"]["due"] == "2027-01-21"
    assert [s["step"] for s in detail["steps"]] == [
        "transfer_registered",
        "inspected",
        "licensed",
        "declared",
        "loaded",
        "departed",
        "arrived",
        "delivered",
    ]
    assert all(s["recorded_by"] == ex.admin.user.id for s in detail["steps"])
    r = await step(client, vid, "deregistered", on="2026-12-01")
    assert r.status_code == 201, r.text
    invoice = {"kind": "special_vat", "net_fen": 10_000_000, "tax_fen": 500_000, "refund_rate_bp": 1300}
    r = await step(client, vid, "vat_refund_filed", invoice=invoice)
    assert r.status_code == 201, r.text
    assert r.json()["vehicle"]["refund_fen"] == 500_000  # never more than the invoice's tax
    assert r.json()["vehicle"]["colour"] == "green"
    assert r.json()["vehicle"]["todo"] is None
    r = await step(client, vid, "deregistered")
    assert r.status_code == 409
    assert code(r) == "illegal_transition"


async def test_illegal_transitions_and_batch_only_steps(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    vid = (await make_order(client, ex))["vehicles"][0]["id"]
    r = await step(client, vid, "inspected")
    assert r.status_code == 409
    assert code(r) == "illegal_transition"
    r = await step(client, vid, "licensed")
    assert r.status_code == 409
    assert code(r) == "batch_step"
    r = await step(client, vid, "transfer_registered", on="2026-11-01")
    assert r.status_code == 409
    assert code(r) == "pending_export_transfer_missing"
    r = await step(client, vid, "transfer_registered", pending_export_on="2026-11-01", document_ids=[2_000_000])
    assert r.status_code == 422
    assert code(r) == "document_not_found"
    r = await step(client, vid, "transfer_registered", on="2099-01-01", pending_export_on="2026-11-01")
    assert r.status_code == 422  # a step is recorded once it happened


async def test_inspection_needs_a_valid_plate_and_the_report(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    vid = (await make_order(client, ex))["vehicles"][0]["id"]
    r = await step(client, vid, "transfer_registered", on="2026-09-01", pending_export_on="2026-09-01")
    assert r.status_code == 201, r.text
    r = await step(client, vid, "inspected", on="2026-10-01", inspection_standard="WM/T 8-2022")
    assert r.status_code == 409
    assert r.json()["error"]["details"]["refusals"] == ["temporary_plate_missing", "inspection_missing"]
    # a new vehicle walks with its plate: issued 1 September → last day 30 October
    ex2 = await make_exporter(client, cars=1)
    vid = (await make_order(client, ex2, reference="EX-2"))["vehicles"][0]["id"]
    await step(
        client,
        vid,
        "transfer_registered",
        on="2026-09-01",
        pending_export_on="2026-09-01",
        plate_issued="2026-09-01",
        insurance_ends="2027-09-01",
    )
    await upload(client, vid, "inspection_report")
    r = await step(client, vid, "inspected", on="2026-10-31", inspection_standard="WM/T 8-2022")
    assert r.status_code == 409
    assert code(r) == "plate_expired"
    r = await step(client, vid, "inspected", on="2026-10-30", inspection_standard="WM/T 8-2022")
    assert r.status_code == 201, r.text


async def test_licence_gates(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=2)
    order = await make_order(client, ex)
    for v in order["vehicles"]:
        await to_inspected(client, v["id"])
    batch = await booked(client, ex, order)
    url = f"/api/export/batches/{batch['id']}/licence"
    r = await client.post(url, json=licence_body(order, quantity=3))
    assert r.status_code == 409
    assert code(r) == "licence_quantity_mismatch"
    one = licence_body(order)
    one["vehicles"] = one["vehicles"][:1]
    one["quantity"] = 1
    r = await client.post(url, json=one)
    assert r.status_code == 409
    assert code(r) == "licence_vehicles_mismatch"
    wrong = licence_body(order)
    wrong["vehicles"][1]["model"] = "卡罗拉"
    r = await client.post(url, json=wrong)
    assert r.status_code == 409
    assert code(r) == "licence_data_mismatch"
    assert list(r.json()["error"]["details"]["vehicles"]) == [order["vehicles"][1]["vin"]]
    # a filing not in force on the day of issue blocks the licence
    r = await client.post(url, json=licence_body(order, issued_on="2026-10-01"))
    assert r.status_code == 409
    assert code(r) == "filing_invalid"
    # nothing moved
    steps_now = {v["step"] for v in (await client.get(f"/api/export/orders/{order['id']}")).json()["vehicles"]}
    assert steps_now == {"inspected"}
    r = await client.post(url, json=licence_body(order))
    assert r.status_code == 201
    r = await client.post(url, json=licence_body(order))
    assert r.status_code == 409
    assert code(r) == "licence_recorded"


async def test_a_young_car_needs_the_makers_after_sales_confirmation(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    ex.cars = [await make_car(ex.org, first_registration=date(2026, 6, 1))]
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    young = {**REG, "first_registration": "2026-06-01"}
    await client.put(f"/api/export/vehicles/{vid}/registration", json={**young, "pending_export_on": "2026-11-01"})
    await step(
        client, vid, "transfer_registered", on="2026-11-01", plate_issued="2026-11-01", insurance_ends="2027-06-01"
    )
    await upload(client, vid, "inspection_report")
    assert (await step(client, vid, "inspected", on="2026-11-10", inspection_standard="WM/T 8-2022")).status_code == 201
    batch = await booked(client, ex, order)
    body = licence_body(order)
    body["vehicles"][0]["first_registration"] = "2026-06-01"
    r = await client.post(f"/api/export/batches/{batch['id']}/licence", json=body)
    assert r.status_code == 409
    assert code(r) == "after_sales_confirmation_required"
    await upload(client, vid, "after_sales_confirmation", issuer="一汽丰田")
    r = await client.post(f"/api/export/batches/{batch['id']}/licence", json=body)
    assert r.status_code == 201, r.text


async def test_declaration_gates_one_licence_one_batch_and_hs(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    ex.cars = [await make_car(ex.org), await make_car(ex.org, displacement_ml=None)]
    order = await make_order(client, ex)
    for v in order["vehicles"]:
        await to_inspected(client, v["id"])
    batch = await booked(client, ex, order)
    assert (
        await client.post(f"/api/export/batches/{batch['id']}/licence", json=licence_body(order))
    ).status_code == 201
    url = f"/api/export/batches/{batch['id']}/declaration"
    vins = [v["vin"] for v in order["vehicles"]]
    base = {"declaration_no": "D1", "declared_on": "2026-11-20"}
    r = await client.post(url, json={**base, "vins": vins[:1]})
    assert r.status_code == 409
    assert code(r) == "licence_quantity_mismatch"
    r = await client.post(url, json={**base, "vins": [vins[0], vins[0]]})
    assert r.status_code == 409
    assert code(r) == "duplicate_vin_in_batch"
    r = await client.post(url, json={**base, "vins": [vins[0], "LSVAB4BR0NN999999"]})
    assert r.status_code == 409
    assert code(r) == "vin_not_in_batch"
    r = await client.post(url, json={**base, "vins": vins})
    assert r.status_code == 409
    assert code(r) == "hs_code_missing"
    bad = {"order_vehicle_id": order["vehicles"][1]["id"], "code": "8703.23", "reason": " "}
    r = await client.post(url, json={**base, "vins": vins, "hs_overrides": [bad]})
    assert r.status_code == 422
    assert code(r) == "hs_override_invalid"
    good = {**bad, "reason": "2.0 L per the maker's certificate"}
    r = await client.post(url, json={**base, "vins": vins, "hs_overrides": [good]})
    assert r.status_code == 201, r.text
    detail = (await client.get(f"/api/export/vehicles/{order['vehicles'][1]['id']}")).json()["vehicle"]
    assert (detail["hs_code"], detail["hs_derived"], detail["hs_reason"]) == (
        "8703.23",
        False,
        "2.0 L per the maker's certificate",
    )


async def test_an_expired_licence_blocks_the_declaration_and_clearance_gates_deregistration(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    await make_filing(ex.org, approved_on=date(2026, 5, 1))
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    await client.put(f"/api/export/vehicles/{vid}/registration", json={**REG, "pending_export_on": "2026-05-10"})
    await step(
        client, vid, "transfer_registered", on="2026-05-10", plate_issued="2026-05-10", insurance_ends="2027-05-10"
    )
    await upload(client, vid, "inspection_report")
    await step(client, vid, "inspected", on="2026-05-20", inspection_standard="WM/T 8-2022")
    batch = await booked(client, ex, order)
    body = licence_body(order, issued_on="2026-05-25")
    body["vehicles"][0]["pending_export_on"] = "2026-05-10"
    assert (await client.post(f"/api/export/batches/{batch['id']}/licence", json=body)).status_code == 201
    r = await client.post(
        f"/api/export/batches/{batch['id']}/declaration",
        json={"declaration_no": "D", "declared_on": "2026-11-25", "vins": [order["vehicles"][0]["vin"]]},
    )
    assert r.status_code == 409
    assert code(r) == "licence_expired"
    r = await client.post(f"/api/export/batches/{batch['id']}/clearance", json={"cleared_on": "2026-11-25"})
    assert r.status_code == 409
    assert code(r) == "declaration_missing"


async def test_the_desk_shows_colour_deadline_and_what_to_do(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    await client.put(f"/api/export/vehicles/{vid}/registration", json={**REG, "pending_export_on": "2026-10-01"})
    await step(
        client, vid, "transfer_registered", on="2026-10-01", plate_issued="2026-10-01", insurance_ends="2027-10-01"
    )
    desk = (await client.get(f"/api/export/dealers/{ex.org.id}/desk")).json()
    v = desk["orders"][0]["vehicles"][0]
    # the plate of 1 October ran out on 29 November
    assert (v["colour"], v["todo"], v["deadline"]["what"]) == ("red", "renew_temporary_plate", "plate")
    assert desk["counts"] == {"red": 1, "amber": 0, "green": 0}
    assert desk["filing"]["in_force"] is True
