"""Platform staff on an exporter's filing (备案): the dealer's name in the staff list, the filing's papers (uploaded by
the dealer, checked as every paper is, read by staff), and the decisions — a suspension with its reason, who and
when, blocking new licences with `filing_suspended` until staff reinstate the filing; history kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from export.models import FilingDecision
from tests.e2e.export.test_steps import PDF, booked, code, licence_body, to_inspected
from tests.support import ApiClient, make_member, make_org, make_platform_admin
from tests.support_export import login_as, make_exporter, make_filing, make_order


def _today() -> date:
    return datetime.now(UTC).date()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def _staff(client: ApiClient) -> int:
    return (await make_platform_admin(client.app)).user.id


async def upload(client: ApiClient, filing_id: int, doc_type: str = "filing_certificate", **kw: object) -> Any:
    return await client.post(
        f"/api/export/filings/{filing_id}/documents",
        params={"doc_type": doc_type, "number": "备案-001", "issued_on": "2026-11-02", "issuer": "浙江省商务厅", **kw},
        content=PDF,
        headers={"Content-Type": "application/pdf"},
    )


async def test_staff_see_the_dealers_name_and_the_dealer_sees_only_its_own(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    rival = await make_exporter(client, cars=0, login=False)
    mine = (await client.get(f"/api/export/dealers/{ex.org.id}/filings")).json()["items"]
    assert [f["id"] for f in mine] == [ex.filing.id]
    assert mine[0]["exporter_name"] is None  # names are for staff answers
    r = await client.get(f"/api/export/dealers/{rival.org.id}/filings")
    assert r.status_code == 404
    r = await client.get("/api/admin/export/filings")
    assert r.status_code == 403
    assert code(r) == "staff_only"

    await login_as(client, await _staff(client))
    items = (await client.get("/api/admin/export/filings?status=verified")).json()["items"]
    names = {f["id"]: f["exporter_name"] for f in items}
    assert names[ex.filing.id] == ex.org.name
    assert names[rival.filing.id] == rival.org.name
    assert ex.org.name != rival.org.name


async def test_the_filings_papers_dealer_uploads_staff_read_rivals_never(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    r = await upload(client, ex.filing.id)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["filing_id"] == ex.filing.id
    assert doc["vehicle_id"] is None
    assert doc["batch_id"] is None
    r = await upload(client, ex.filing.id, "appraiser_certificate", number="评估师 张评估")
    assert r.status_code == 201
    # checked as every paper: the type, the bytes, the kinds a filing holds
    r = await client.post(
        f"/api/export/filings/{ex.filing.id}/documents",
        params={"doc_type": "filing_certificate"},
        content=b"GIF89a",
        headers={"Content-Type": "image/gif"},
    )
    assert r.status_code == 415
    assert code(r) == "document_type_not_allowed"
    r = await client.post(
        f"/api/export/filings/{ex.filing.id}/documents",
        params={"doc_type": "filing_certificate"},
        content=PNG,
        headers={"Content-Type": "application/pdf"},
    )
    assert r.status_code == 422
    assert code(r) == "document_content_mismatch"
    r = await upload(client, ex.filing.id, "bill_of_lading")
    assert r.status_code == 422
    listed = (await client.get(f"/api/export/filings/{ex.filing.id}/documents")).json()["items"]
    assert [d["doc_type"] for d in listed] == ["filing_certificate", "appraiser_certificate"]
    own = (await client.get(f"/api/export/dealers/{ex.org.id}/filings")).json()["items"][0]
    assert [d["id"] for d in own["documents"]] == [d["id"] for d in listed]

    # another exporter: the same 404 as a missing filing or paper, and nothing stored
    rival_org = await make_org("dealer")
    rival = await make_member(client.app, rival_org, ["dealer_admin"], "rival")
    await login_as(client, rival.user.id)
    missing = await client.get("/api/export/filings/2147483000/documents")
    for r in (
        await client.get(f"/api/export/filings/{ex.filing.id}/documents"),
        await upload(client, ex.filing.id),
        await client.get(f"/api/export/documents/{doc['id']}"),
    ):
        assert r.status_code == 404
        assert r.json() == missing.json()
    # a buyer-role member reads, does not write
    buyer = await make_member(client.app, ex.org, ["buyer"], "buyer")
    await login_as(client, buyer.user.id)
    assert (await client.get(f"/api/export/filings/{ex.filing.id}/documents")).status_code == 200
    r = await upload(client, ex.filing.id)
    assert r.status_code == 403

    await login_as(client, await _staff(client))
    staff_row = next(
        f for f in (await client.get("/api/admin/export/filings")).json()["items"] if f["id"] == ex.filing.id
    )
    assert [d["doc_type"] for d in staff_row["documents"]] == ["filing_certificate", "appraiser_certificate"]
    r = await client.get(f"/api/export/documents/{doc['id']}")
    assert r.status_code == 200
    assert r.content == PDF
    assert r.headers["cache-control"] == "private, no-store"


async def test_a_suspended_filing_blocks_the_licence_until_reinstated(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    for v in order["vehicles"]:
        await to_inspected(client, v["id"])
    batch = await booked(client, ex, order)
    dealer = ex.admin.user.id
    staff = await _staff(client)
    await login_as(client, staff)
    url = f"/api/admin/export/filings/{ex.filing.id}/decision"

    r = await client.post(url, json={"action": "suspend", "reason": "  "})
    assert r.status_code == 422
    assert code(r) == "filing_reason_required"
    before = datetime.now(UTC) - timedelta(seconds=5)
    r = await client.post(url, json={"action": "suspend", "reason": "评估师证书过期"})
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["status"] == "suspended"
    assert f["in_force"] is False
    assert f["decided_by"] == staff
    assert datetime.fromisoformat(f["decided_at"]) >= before
    assert [(d["action"], d["from_status"], d["to_status"], d["reason"]) for d in f["decisions"]] == [
        ("suspend", "verified", "suspended", "评估师证书过期")
    ]
    assert f["decisions"][0]["decided_by"] == staff
    r = await client.post(url, json={"action": "suspend", "reason": "again"})
    assert r.status_code == 409
    assert code(r) == "invalid_transition"

    await login_as(client, dealer)
    r = await client.post(f"/api/export/batches/{batch['id']}/licence", json=licence_body(order))
    assert r.status_code == 409
    assert code(r) == "filing_suspended"
    desk = (await client.get(f"/api/export/dealers/{ex.org.id}/desk")).json()
    assert desk["filing"]["status"] == "suspended"
    assert desk["filing"]["decision_reason"] == "评估师证书过期"
    r = await client.post(url, json={"action": "reinstate"})  # a dealer never reaches staff paths
    assert r.status_code == 403
    assert code(r) == "staff_only"

    await login_as(client, staff)
    r = await client.post(url, json={"action": "reinstate", "reason": "证书已更新"})
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["status"] == "verified"
    assert [d["action"] for d in f["decisions"]] == ["suspend", "reinstate"]  # the suspension stays in history
    await login_as(client, dealer)
    r = await client.post(f"/api/export/batches/{batch['id']}/licence", json=licence_body(order))
    assert r.status_code == 201, r.text


async def test_reinstating_a_lapsed_filing_is_refused_and_cancelled_is_final(client: ApiClient) -> None:
    org = await make_org("dealer")
    lapsed = await make_filing(org, approved_on=_today() - timedelta(days=400), status="suspended")
    pending = await make_filing(org, approved_on=_today() - timedelta(days=3), status="pending")
    await login_as(client, await _staff(client))
    r = await client.post(f"/api/admin/export/filings/{lapsed.id}/decision", json={"action": "reinstate"})
    assert r.status_code == 409
    assert code(r) == "filing_expired"
    r = await client.post(f"/api/admin/export/filings/{pending.id}/decision", json={"action": "reinstate"})
    assert r.status_code == 409
    assert code(r) == "invalid_transition"
    r = await client.post(f"/api/admin/export/filings/{pending.id}/decision", json={"action": "cancel"})
    assert r.status_code == 422
    assert code(r) == "filing_reason_required"
    r = await client.post(
        f"/api/admin/export/filings/{lapsed.id}/decision", json={"action": "cancel", "reason": "lapsed"}
    )
    assert r.status_code == 200
    r = await client.post(f"/api/admin/export/filings/{lapsed.id}/decision", json={"action": "verify"})
    assert r.status_code == 409
    assert code(r) == "invalid_transition"
    r = await client.post("/api/admin/export/filings/2147483000/decision", json={"action": "verify"})
    assert r.status_code == 404


async def test_the_decision_history_is_append_only(client: ApiClient) -> None:
    org = await make_org("dealer")
    f = await make_filing(org)
    await login_as(client, await _staff(client))
    r = await client.post(f"/api/admin/export/filings/{f.id}/decision", json={"action": "suspend", "reason": "x"})
    assert r.status_code == 200
    row = await FilingDecision.get(filing_id=f.id)
    with pytest.raises(Exception, match="append-only"):  # the database's trigger refuses
        await FilingDecision.filter(id=row.id).update(reason="edited")
    assert (await FilingDecision.get(id=row.id)).reason == "x"
