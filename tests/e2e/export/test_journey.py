"""Shipping events: append-only, corrections retract, the ETA, the forwarder's CSV (bad rows, twice), the ETA's
destination check; the consignee's link; documents' checks; destination rule versions."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from export.models import ShippingEvent
from tests.support import ApiClient, make_platform_admin
from tests.support_export import Exporter, login_as, make_car, make_exporter, make_order

PDF = b"%PDF-1.4\n%%EOF\n"


async def batch_of(client: ApiClient, ex: Exporter, order: dict[str, Any], ref: str = "B-1") -> dict[str, Any]:
    r = await client.post(
        f"/api/export/dealers/{ex.org.id}/batches",
        json={
            "reference": ref,
            "mode": "ro_ro",
            "planned_departure": "2026-12-20",
            "order_vehicle_ids": [v["id"] for v in order["vehicles"]],
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def ev(event_type: str, classifier: str, at: str, **over: Any) -> dict[str, Any]:
    return {
        "event_type": event_type,
        "classifier": classifier,
        "event_time": at,
        "time_zone": "Asia/Shanghai",
        "location_code": "CNSHA",
        **over,
    }


async def test_events_corrections_and_eta(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    batch = await batch_of(client, ex, order)
    url = f"/api/export/batches/{batch['id']}/events"
    first = await client.post(url, json=ev("arrived", "EST", "2027-01-10T08:00:00+03:00", location_code="KZAAU"))
    assert first.status_code == 201, first.text
    assert first.json()["events"]["eta"] == {"kind": "estimated", "at": "2027-01-10T05:00:00+00:00"}
    later = await client.post(
        url, json=ev("arrived", "EST", "2027-01-12T08:00:00+03:00", retracts_event_id=first.json()["event_id"])
    )
    assert later.json()["events"]["eta"]["at"] == "2027-01-12T05:00:00+00:00"
    items = later.json()["events"]["items"]
    assert [e["retracted"] for e in items] == [True, False]
    assert items[0]["local_time"] == "2027-01-10T13:00:00+08:00"  # shown in its zone
    again = await client.post(
        url, json=ev("arrived", "EST", "2027-01-13T08:00:00+03:00", retracts_event_id=first.json()["event_id"])
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "event_already_retracted"
    r = await client.post(f"/api/export/events/{later.json()['event_id']}/retract", json={"reason": "vessel changed"})
    assert r.status_code == 201
    assert r.json()["events"]["eta"] is None  # nothing left standing
    assert (await client.post(url, json=ev("arrived", "EST", "2027-01-10T08:00:00"))).json()["error"]["code"] == (
        "event_time_needs_offset"
    )
    assert (await client.post(url, json=ev("arrived", "EST", "2027-01-10T08:00:00Z", time_zone="Mars/Base"))).json()[
        "error"
    ]["code"] == "bad_time_zone"
    keyed = ev("departed", "ACT", "2026-12-21T10:00:00+08:00", idempotency_key="fwd-1")
    a, b = await client.post(url, json=keyed), await client.post(url, json=keyed)
    assert a.json()["event_id"] == b.json()["event_id"]
    # the vehicle's journey includes its batch's events
    vid = order["vehicles"][0]["id"]
    journey = (await client.get(f"/api/export/vehicles/{vid}/events")).json()
    assert len(journey["items"]) == 4


async def test_history_is_never_edited(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    batch = await batch_of(client, ex, order)
    await client.post(f"/api/export/batches/{batch['id']}/events", json=ev("loaded", "ACT", "2026-12-20T08:00:00Z"))
    with pytest.raises((IntegrityError, OperationalError)):
        await ShippingEvent.filter(batch_id=batch["id"]).update(note="rewritten")
    assert (await ShippingEvent.get(batch_id=batch["id"])).note == ""


async def test_an_eta_that_breaks_kenyas_age_rule_blocks_the_vehicle(client: ApiClient) -> None:
    from datetime import date

    ex = await make_exporter(client, cars=0)
    ex.cars = [await make_car(ex.org, first_registration=date(2018, 12, 25))]
    r = await client.post(f"/api/export/dealers/{ex.org.id}/orders", json={**_kenya(), "reference": "KE-1"})
    order = r.json()
    r = await client.post(
        f"/api/export/orders/{order['id']}/vehicles",
        json={"vehicle_id": ex.cars[0].id, "price_minor": 900_000, "steering": "rhd"},
    )
    assert r.status_code == 201, r.text
    order = r.json()
    batch = await batch_of(client, ex, order)  # seven years old on departure: fine at booking
    r = await client.post(
        f"/api/export/batches/{batch['id']}/events",
        json=ev("arrived", "EST", "2026-12-30T08:00:00+03:00", location_code="KEMBA"),
    )
    assert r.status_code == 201
    blocks = r.json()["destination_blocks"]
    assert [v["code"] for v in blocks[0]["violations"]] == ["destination_too_old"]
    assert "KS 1515" in blocks[0]["violations"][0]["source"]
    vehicle = (await client.get(f"/api/export/vehicles/{order['vehicles'][0]['id']}")).json()["vehicle"]
    assert (vehicle["colour"], vehicle["todo"]) == ("red", "resolve_destination_rule")
    # a corrected, earlier estimate clears the block
    r = await client.post(
        f"/api/export/batches/{batch['id']}/events",
        json=ev("arrived", "EST", "2026-12-22T08:00:00+03:00", retracts_event_id=r.json()["event_id"]),
    )
    assert r.json()["destination_blocks"] == []
    vehicle = (await client.get(f"/api/export/vehicles/{order['vehicles'][0]['id']}")).json()["vehicle"]
    assert vehicle["destination_block"] is None


def _kenya() -> dict[str, Any]:
    from tests.support_export import order_body

    return order_body(country="KE", planned_shipment="2026-12-20")


async def test_a_left_hand_drive_car_is_refused_for_kenya_with_the_rule_and_source(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = (await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=_kenya())).json()
    r = await client.post(
        f"/api/export/orders/{order['id']}/vehicles",
        json={"vehicle_id": ex.cars[0].id, "price_minor": 1, "steering": "lhd"},
    )
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "destination_steering"
    assert err["details"]["violations"][0]["source"].startswith("KEBS KS 1515")
    assert err["details"]["when"] == "on entering the order"


CSV_HEADER = (
    "event_id,vin,batch,event_type,classifier,event_time,time_zone,location_code,location_name,retracts_event_id,note\n"
)


async def test_the_forwarders_csv_bad_rows_and_twice(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    batch = await batch_of(client, ex, order)
    vin = order["vehicles"][0]["vin"]
    text = CSV_HEADER + (
        f"F1,{vin},,received,ACT,2026-12-15T09:00:00+08:00,Asia/Shanghai,CNSHA,Shanghai,,\n"
        f"F2,,B-1,departed,EST,2026-12-20T09:00:00+08:00,Asia/Shanghai,CNSHA,,,\n"
        f"F3,{vin},,teleported,ACT,2026-12-15T09:00:00+08:00,Asia/Shanghai,CNSHA,,,\n"
        f"F4,LSVAB4BR0NN000000,,loaded,ACT,2026-12-15T09:00:00+08:00,Asia/Shanghai,,,,\n"
        f"F5,{vin},,loaded,XYZ,yesterday,Asia/Shanghai,shanghai,,,\n"
        f"F6,,B-1,departed,EST,2026-12-21T09:00:00+08:00,Asia/Shanghai,CNSHA,,F2,slipped a day\n"
        f"F7,,B-1,arrived,EST,2027-01-10T09:00:00+03:00,Nowhere/City,KZAAU,,,\n"
        f"F8,,B-1,arrived,EST,2027-01-10T09:00:00+03:00,Asia/Almaty,KZAAU,,F99,\n"
    )
    url = f"/api/export/dealers/{ex.org.id}/events/import"
    r = await client.post(url, content=text.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["imported"], report["unchanged"]) == (3, 0)
    assert {(e["line"], e["column"], e["code"]) for e in report["errors"]} == {
        (4, "event_type", "csv_bad_event_type"),
        (5, "vin", "csv_unknown_vehicle"),
        (6, "classifier", "csv_bad_classifier"),
        (6, "event_time", "csv_bad_time"),
        (6, "location_code", "csv_bad_locode"),
        (8, "time_zone", "csv_bad_time_zone"),
        (9, "retracts_event_id", "csv_unknown_retracted"),
    }
    events = (await client.get(f"/api/export/batches/{batch['id']}/events")).json()["items"]
    assert [(e["event_type"], e["retracted"]) for e in events] == [("departed", True), ("departed", False)]
    again = (await client.post(url, content=text.encode(), headers={"Content-Type": "text/csv"})).json()
    assert (again["imported"], again["unchanged"]) == (0, 3)
    assert await ShippingEvent.filter(exporter_org_id=ex.org.id).count() == 3
    r = await client.post(url, content=b"vin,event_type\n", headers={"Content-Type": "text/csv"})
    assert {e["code"] for e in r.json()["errors"]} == {"csv_missing_column"}
    r = await client.post(url, content=b"\xff\xfe\x00bad", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "csv_not_utf8"


async def test_the_consignee_link(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    for addressed in (True, False):
        r = await client.post(
            f"/api/export/vehicles/{vid}/documents",
            content=PDF,
            params={
                "doc_type": "commercial_invoice" if addressed else "purchase_invoice",
                "number": "CI-1",
                "for_consignee": str(addressed).lower(),
            },
            headers={"Content-Type": "application/pdf"},
        )
        assert r.status_code == 201, r.text
    link = await client.post(f"/api/export/orders/{order['id']}/consignee-links")
    assert link.status_code == 201
    token = link.json()["token"]
    public = client.fork()
    view = await public.get("/api/export/consignee", headers={"X-Consignee-Token": token})
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["order_reference"] == order["reference"]
    assert [d["doc_type"] for d in body["documents"]] == ["commercial_invoice"]
    assert body["vehicles"][0]["status"] == "Purchased"
    assert "contact" not in view.text
    assert "price" not in view.text
    doc_id = body["documents"][0]["id"]
    file = await public.get(f"/api/export/consignee/documents/{doc_id}", headers={"X-Consignee-Token": token})
    assert file.status_code == 200
    assert file.content == PDF
    private = await public.get(f"/api/export/consignee/documents/{doc_id + 1}", headers={"X-Consignee-Token": token})
    assert private.status_code == 404
    wrong = await public.get("/api/export/consignee", headers={"X-Consignee-Token": token[:-2] + "xx"})
    none = await public.get("/api/export/consignee")
    assert wrong.status_code == none.status_code == 404
    listed = (await client.get(f"/api/export/orders/{order['id']}/consignee-links")).json()["items"]
    assert listed[0]["token"] is None
    assert (await client.delete(f"/api/export/consignee-links/{link.json()['id']}")).status_code == 204
    revoked = await public.get("/api/export/consignee", headers={"X-Consignee-Token": token})
    assert revoked.status_code == 404
    assert revoked.json() == wrong.json()
    await public.aclose()


async def test_documents_are_checked_by_type_content_and_size(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    vid = (await make_order(client, ex))["vehicles"][0]["id"]
    url = f"/api/export/vehicles/{vid}/documents"
    q = {"doc_type": "inspection_report"}

    async def send(data: bytes, ctype: str, **params: Any) -> Any:
        return await client.post(url, content=data, params={**q, **params}, headers={"Content-Type": ctype})

    assert (await send(PDF, "text/html")).json()["error"]["code"] == "document_type_not_allowed"
    assert (await send(b"", "application/pdf")).json()["error"]["code"] == "document_empty"
    assert (await send(b"<html>", "application/pdf")).json()["error"]["code"] == "document_content_mismatch"
    assert (await send(PDF, "application/pdf", doc_type="selfie")).status_code == 422
    big = await send(b"%PDF-" + b"0" * 2_000_000, "application/pdf")
    assert big.status_code == 413
    ok = await send(PDF, "application/pdf")
    assert ok.status_code == 201
    file = await client.get(f"/api/export/documents/{ok.json()['id']}")
    assert file.content == PDF
    assert file.headers["cache-control"] == "private, no-store"


async def test_staff_add_a_rule_version_from_its_effective_date(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    rule = {
        "country": "GH",
        "effective_from": "2099-01-01",
        "source": "Ghana Customs Act 891 (test)",
        "max_age_years": 10,
    }
    r = await client.post("/api/admin/export/destination-rules", json=rule)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "staff_only"
    staff = await make_platform_admin(client.app)
    await login_as(client, staff.user.id)
    r = await client.post("/api/admin/export/destination-rules", json={**rule, "effective_from": "2020-01-01"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "rule_retroactive"
    r = await client.post("/api/admin/export/destination-rules", json={**rule, "steering": "lhd"})
    assert r.status_code == 201, r.text
    rules = (await client.get("/api/export/destination-rules")).json()["items"]
    gh = [x for x in rules if x["country"] == "GH"]
    assert gh[0]["in_force"] is False  # not yet: it applies from 2099
    assert any(x["country"] == "KE" and x["shipped"] and x["in_force"] for x in rules)
    # a right-hand-drive car still enters a Ghana order today
    await login_as(client, ex.admin.user.id)
    from tests.support_export import order_body

    order = (await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body(country="GH"))).json()
    r = await client.post(
        f"/api/export/orders/{order['id']}/vehicles",
        json={"vehicle_id": ex.cars[0].id, "price_minor": 1, "steering": "rhd"},
    )
    assert r.status_code == 201
