"""A new temporary plate for a car whose plate ran out: recorded over HTTP, capped, kept with its history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from export.models import PlateRecord
from tests.e2e.export.test_steps import REG, code, step, upload
from tests.support import ApiClient
from tests.support_export import make_exporter, make_order


def china_today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


async def red_plate_car(client: ApiClient) -> tuple[int, int, date]:
    """A car transferred 70 days ago on a plate that ran out 11 days ago: red, "renew the plate"."""
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    first = china_today() - timedelta(days=70)
    r = await client.put(f"/api/export/vehicles/{vid}/registration", json={**REG, "pending_export_on": str(first)})
    assert r.status_code == 200, r.text
    ends = str(first + timedelta(days=400))
    r = await step(client, vid, "transfer_registered", on=str(first), plate_no="浙B临0001", plate_issued=str(first),
                   insurance_ends=ends)  # fmt: skip
    assert r.status_code == 201, r.text
    return ex.org.id, vid, first


async def test_a_new_plate_turns_the_red_car_green_and_lets_it_be_inspected(client: ApiClient) -> None:
    org, vid, first = await red_plate_car(client)
    desk = (await client.get(f"/api/export/dealers/{org}/desk")).json()
    assert desk["orders"][0]["vehicles"][0]["todo"] == "renew_temporary_plate"
    report = await upload(client, vid, "inspection_report")
    inspect = {"inspection_standard": "WM/T 8-2022", "document_ids": [report["id"]]}
    r = await step(client, vid, "inspected", **inspect)
    assert code(r) == "plate_expired"

    today = china_today()
    insurance = today + timedelta(days=30)  # the insurance ends before the 60 days: it caps the plate
    r = await client.post(
        f"/api/export/vehicles/{vid}/plate",
        json={"plate_no": "浙B临0002", "issued": str(today), "insurance_ends": str(insurance)},
    )
    assert r.status_code == 201, r.text
    detail = r.json()
    assert detail["vehicle"]["plate"] == {"plate_no": "浙B临0002", "issued": str(today),
                                          "insurance_ends": str(insurance), "expires": str(insurance)}  # fmt: skip
    assert detail["vehicle"]["colour"] != "red"
    assert detail["vehicle"]["todo"] == "inspect"
    # the history keeps both plates, oldest first, each with who recorded it
    plates = detail["plates"]
    assert [(p["plate_no"], p["issued"], p["expires"]) for p in plates] == [
        ("浙B临0001", str(first), str(first + timedelta(days=59))),
        ("浙B临0002", str(today), str(insurance)),
    ]
    assert all(p["recorded_by"] > 0 and p["recorded_at"] for p in plates)
    r = await step(client, vid, "inspected", **inspect)
    assert r.status_code == 201, r.text
    # the history is append-only: the database refuses to change an earlier plate
    with pytest.raises(Exception, match="append-only"):
        await PlateRecord.filter(vehicle_id=vid).update(plate_no="X")


async def test_the_60_days_cap_the_plate_when_the_insurance_runs_longer(client: ApiClient) -> None:
    _, vid, _ = await red_plate_car(client)
    today = china_today()
    r = await client.post(
        f"/api/export/vehicles/{vid}/plate",
        json={"plate_no": "浙B临0003", "issued": str(today), "insurance_ends": str(today + timedelta(days=365))},
    )
    assert r.status_code == 201, r.text
    assert r.json()["vehicle"]["plate"]["expires"] == str(today + timedelta(days=59))


async def test_bad_plates_are_refused_and_change_nothing(client: ApiClient) -> None:
    org, vid, first = await red_plate_car(client)
    today = china_today()
    path = f"/api/export/vehicles/{vid}/plate"
    cases = [
        ({"plate_no": "浙B临9", "issued": str(today + timedelta(days=1)), "insurance_ends": "2030-01-01"}, 422),
        ({"plate_no": "浙B临9", "issued": str(today), "insurance_ends": str(today - timedelta(days=1))}, 422),
        ({"plate_no": "浙B临9", "issued": str(first - timedelta(days=1)), "insurance_ends": "2030-01-01"}, 422),
        ({"plate_no": "", "issued": str(today), "insurance_ends": "2030-01-01"}, 422),
        ({"plate_no": "浙B临9", "issued": "2026-13-01", "insurance_ends": "2030-01-01"}, 422),
    ]
    for body, status in cases:
        r = await client.post(path, json=body)
        assert r.status_code == status, (body, r.text)
    # a plate spent already (issued 65 days ago) is refused: recording it would leave the car red
    spent = str(today - timedelta(days=65))
    r = await client.post(path, json={"plate_no": "浙B临9", "issued": spent, "insurance_ends": "2030-01-01"})
    assert (r.status_code, code(r)) == (409, "plate_expired")
    detail = (await client.get(f"/api/export/vehicles/{vid}")).json()
    assert detail["vehicle"]["plate"]["plate_no"] == "浙B临0001"
    assert len(detail["plates"]) == 1


async def test_no_plate_before_the_transfer_and_none_for_another_dealer(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    vid = order["vehicles"][0]["id"]
    today = str(china_today())
    body = {"plate_no": "浙B临9", "issued": today, "insurance_ends": "2030-01-01"}
    r = await client.post(f"/api/export/vehicles/{vid}/plate", json=body)
    assert (r.status_code, code(r)) == (409, "illegal_transition")
    other = await make_exporter(client, cars=0)
    r = await client.post(f"/api/export/vehicles/{vid}/plate", json=body)
    assert r.status_code == 404
    assert other.org.id != ex.org.id
