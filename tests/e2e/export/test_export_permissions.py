"""The export permissions matrix: every export endpoint × every kind of caller.

Exporter E has a filing, an order with a vehicle, a batch, a paper, a shipping event and a consignee link; R is a
rival dealer. For each caller every endpoint is called on E's records: a rival (or a stranger) gets the same 404 as
for a missing id and changes nothing, never seeing E's consignee, VIN or reference; anonymous callers get 401; a
`buyer`-role member of E reads but does not write (403 insufficient_role); platform staff pass. The staff-only
paths refuse dealers with 403 staff_only. `test_matrix_covers_every_route` fails when an endpoint lacks its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from export import models
from export.routes import routes
from tests.support import ApiClient, make_member, make_org, make_platform_admin, make_user
from tests.support_export import login_as, make_exporter, make_order

PDF = b"%PDF-1.4\n%%EOF\n"
CALLERS = ("anonymous", "stranger", "rival", "buyer_member", "dealer_admin", "platform")
PACKING = {"gross_kg": 1650, "net_kg": 1520, "length_mm": 4948, "width_mm": 1836, "height_mm": 1469, "mode": "ro_ro"}
CSV = "event_id,vin,batch,event_type,classifier,event_time,time_zone\nX1,,B-1,loaded,ACT,2026-12-01T08:00:00Z,UTC\n"


@dataclass(frozen=True)
class W:
    status: int | tuple[int, ...]
    code: str | None = None


OK = W((200, 201, 204))
NF, UNAUTH = W(404, "not_found"), W(401, "unauthenticated")
ROLE, STAFF = W(403, "insufficient_role"), W(403, "staff_only")
# an allowed call may still be refused by the business rules (a gate, a duplicate): never by access
ALLOWED = W((200, 201, 204, 409, 422))


def row(anonymous: W, stranger: W, rival: W, buyer: W, admin: W, platform: W) -> dict[str, W]:
    return dict(zip(CALLERS, (anonymous, stranger, rival, buyer, admin, platform), strict=True))


READ = row(UNAUTH, NF, NF, OK, OK, OK)
WRITE = row(UNAUTH, NF, NF, ROLE, ALLOWED, ALLOWED)
STAFF_ONLY = row(UNAUTH, STAFF, STAFF, STAFF, STAFF, ALLOWED)
STAFF_ON_ID = row(UNAUTH, STAFF, STAFF, STAFF, STAFF, ALLOWED)

MATRIX: list[tuple[str, str, str, dict[str, W]]] = [
    ("POST", "/api/export/dealers/{org}/filings", "filing", WRITE),
    ("GET", "/api/export/dealers/{org}/filings", "", READ),
    ("POST", "/api/export/filings/{filing}/renew", "renew", WRITE),
    ("POST", "/api/export/filings/{filing}/documents", "pdf", WRITE),
    ("GET", "/api/export/filings/{filing}/documents", "", READ),
    ("GET", "/api/admin/export/filings", "", STAFF_ONLY),
    # The exporter's Stripe account: its administrators set it (platform staff read, never set: it is the
    # exporter's money); the dealer's buyer-role members do not see its books.
    ("GET", "/api/export/dealers/{org}/card-payee", "", row(UNAUTH, NF, NF, NF, OK, OK)),
    ("PUT", "/api/export/dealers/{org}/card-payee", "payee", row(UNAUTH, NF, NF, ROLE, ALLOWED, ROLE)),
    ("POST", "/api/export/dealers/{org}/card-payee/verify", "", row(UNAUTH, NF, NF, ROLE, ALLOWED, ROLE)),
    ("POST", "/api/admin/export/filings/{filing}/decision", "decision", STAFF_ON_ID),
    ("POST", "/api/export/dealers/{org}/orders", "order", WRITE),
    ("GET", "/api/export/dealers/{org}/orders", "", READ),
    ("GET", "/api/export/orders/{order}", "", READ),
    ("POST", "/api/export/orders/{order}/vehicles", "add_vehicle", WRITE),
    ("POST", "/api/export/orders/{order}/payments", "payment", WRITE),
    # No card rail in the test app: an allowed caller reaches the refusal (409 card_rail_unavailable).
    ("POST", "/api/export/orders/{order}/card-checkout", "", WRITE),
    ("GET", "/api/export/orders/{order}/card-checkout", "", READ),
    ("GET", "/api/export/orders/{order}/commercial-invoice.pdf", "", READ),
    ("GET", "/api/export/orders/{order}/contract.pdf", "", READ),
    ("GET", "/api/export/orders/{order}/packing-list.pdf", "", READ),
    ("GET", "/api/export/vehicles/{vehicle}", "", READ),
    ("GET", "/api/export/vehicles/{vehicle}/dossier.pdf", "", READ),
    ("PUT", "/api/export/vehicles/{vehicle}/registration", "registration", WRITE),
    ("PUT", "/api/export/vehicles/{vehicle}/packing", "packing", WRITE),
    ("POST", "/api/export/vehicles/{vehicle}/steps", "step", WRITE),
    ("POST", "/api/export/vehicles/{vehicle}/plate", "plate", WRITE),
    ("POST", "/api/export/vehicles/{vehicle}/documents", "pdf", WRITE),
    ("GET", "/api/export/vehicles/{vehicle}/documents", "", READ),
    ("GET", "/api/export/vehicles/{vehicle}/events", "", READ),
    ("POST", "/api/export/vehicles/{vehicle}/events", "event", WRITE),
    ("GET", "/api/export/documents/{doc}", "", READ),
    ("POST", "/api/export/dealers/{org}/batches", "batch", WRITE),
    ("GET", "/api/export/dealers/{org}/batches", "", READ),
    ("GET", "/api/export/batches/{batch}", "", READ),
    ("POST", "/api/export/batches/{batch}/licence", "licence", WRITE),
    ("POST", "/api/export/batches/{batch}/declaration", "declaration", WRITE),
    ("POST", "/api/export/batches/{batch}/clearance", "clearance", WRITE),
    ("POST", "/api/export/batches/{batch}/steps", "batch_step", WRITE),
    ("PUT", "/api/export/batches/{batch}/bill-of-lading", "bl", WRITE),
    ("POST", "/api/export/batches/{batch}/documents", "pdf", WRITE),
    ("GET", "/api/export/batches/{batch}/documents", "", READ),
    ("GET", "/api/export/batches/{batch}/events", "", READ),
    ("POST", "/api/export/batches/{batch}/events", "event", WRITE),
    ("POST", "/api/export/events/{event}/retract", "retract", WRITE),
    ("POST", "/api/export/dealers/{org}/events/import", "csv", WRITE),
    ("GET", "/api/export/dealers/{org}/desk", "", READ),
    ("GET", "/api/export/dealers/{org}/reminders", "", READ),
    ("GET", "/api/export/destination-rules", "", row(UNAUTH, OK, OK, OK, OK, OK)),
    ("POST", "/api/admin/export/destination-rules", "rule", STAFF_ONLY),
    ("POST", "/api/export/orders/{order}/consignee-links", "", WRITE),
    ("GET", "/api/export/orders/{order}/consignee-links", "", READ),
    ("DELETE", "/api/export/consignee-links/{link}", "", WRITE),
    ("GET", "/api/export/consignee", "", row(NF, NF, NF, NF, NF, NF)),  # without the token: nobody
    ("GET", "/api/export/consignee/checkout", "", row(NF, NF, NF, NF, NF, NF)),  # without the session: nobody
    ("GET", "/api/export/consignee/documents/{doc}", "", row(NF, NF, NF, NF, NF, NF)),
]


def body_for(kind: str, w: dict[str, Any]) -> dict[str, Any]:
    day = "2026-11-20"
    bodies: dict[str, Any] = {
        "payee": {"account": "acct_1032D82eZvKYlo2C"},
        "filing": {
            "filing_no": "F-NEW",
            "province": "浙江",
            "approved_on": day,
            "customs_code": "3302960ABC",
            "appraisers": [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}],
        },
        "renew": {"filing_no": "F-RENEW", "approved_on": day},
        "decision": {"action": "suspend", "reason": "matrix"},
        "order": {
            "reference": "EX-NEW",
            "consignee": {"name": "N", "country": "GH", "address": "A", "contact": "C"},
            "contract_no": "C",
            "destination_country": "GH",
            "incoterm": "FOB",
            "named_place": "Tema",
            "currency": "EUR",
            "fx_rate": "7.7",
            "fx_source": "PBOC",
            "fx_date": day,
        },
        "add_vehicle": {"vehicle_id": w["spare_car"], "price_minor": 100},
        "payment": {"amount_minor": 100, "reference": "TT-1", "received_on": day},
        "registration": {"make": "丰田", "model": "凯美瑞", "first_registration": "2022-03-01"},
        "step": {"step": "transfer_registered", "pending_export_on": day, "on": day},
        "packing": PACKING,
        "plate": {"plate_no": "浙B临0009", "issued": day, "insurance_ends": "2030-01-01"},
        "event": {
            "event_type": "loaded",
            "classifier": "PLN",
            "event_time": "2026-12-20T08:00:00Z",
            "time_zone": "UTC",
        },
        "batch": {
            "reference": "B-NEW",
            "mode": "rail",
            "planned_departure": "2026-12-20",
            "order_vehicle_ids": [w["vehicle"]],
        },
        "licence": {
            "licence_no": "L",
            "issued_on": day,
            "quantity": 1,
            "vehicles": [
                {
                    "order_vehicle_id": w["vehicle"],
                    "make": "丰田",
                    "model": "凯美瑞",
                    "first_registration": "2022-03-01",
                    "pending_export_on": day,
                }
            ],
        },
        "declaration": {"declaration_no": "D", "declared_on": day, "vins": [w["vin"]]},
        "clearance": {"cleared_on": day},
        "batch_step": {"step": "loaded"},
        "bl": {
            "number": "BL1",
            "shipper": "S",
            "consignee": "C",
            "port_of_loading": "CNSHA",
            "port_of_discharge": "KZAAU",
            "issued_on": day,
        },
        "retract": {"reason": "matrix"},
        "rule": {"country": "GH", "effective_from": "2099-01-01", "source": "matrix"},
    }
    if kind == "pdf":
        return {"content": PDF, "params": {"doc_type": "other"}, "headers": {"Content-Type": "application/pdf"}}
    if kind == "csv":
        return {"content": CSV.encode(), "headers": {"Content-Type": "text/csv"}}
    return {"json": bodies[kind]} if kind else {}


async def build(client: ApiClient) -> tuple[dict[str, Any], dict[str, int]]:
    ex = await make_exporter(client, cars=2)
    spare = ex.cars.pop()
    order = await make_order(client, ex)
    vehicle = order["vehicles"][0]
    batch = (
        await client.post(
            f"/api/export/dealers/{ex.org.id}/batches",
            json={
                "reference": "B-1",
                "mode": "ro_ro",
                "planned_departure": "2026-12-20",
                "order_vehicle_ids": [vehicle["id"]],
            },
        )
    ).json()
    doc = (
        await client.post(
            f"/api/export/vehicles/{vehicle['id']}/documents",
            content=PDF,
            params={"doc_type": "commercial_invoice", "for_consignee": "true"},
            headers={"Content-Type": "application/pdf"},
        )
    ).json()
    event = (
        await client.post(
            f"/api/export/batches/{batch['id']}/events",
            json={
                "event_type": "departed",
                "classifier": "EST",
                "event_time": "2026-12-21T08:00:00Z",
                "time_zone": "UTC",
            },
        )
    ).json()
    link = (await client.post(f"/api/export/orders/{order['id']}/consignee-links")).json()
    r = await client.put(f"/api/export/vehicles/{vehicle['id']}/packing", json=PACKING)  # the packing list's car
    assert r.status_code == 200, r.text
    rival_org = await make_org("dealer")
    users = {
        "rival": (await make_member(client.app, rival_org, ["dealer_admin"], "rival")).user.id,
        "buyer_member": (await make_member(client.app, ex.org, ["buyer"], "buyer")).user.id,
        "dealer_admin": ex.admin.user.id,
        "platform": (await make_platform_admin(client.app)).user.id,
        "stranger": (await make_user(client.app, "stranger")).id,
    }
    world = {
        "org": ex.org.id,
        "filing": ex.filing.id,
        "order": order["id"],
        "vehicle": vehicle["id"],
        "vin": vehicle["vin"],
        "batch": batch["id"],
        "doc": doc["id"],
        "event": event["event_id"],
        "link": link["id"],
        "spare_car": spare.id,
        "reference": order["reference"],
    }
    return world, users


async def snapshot() -> dict[str, int]:
    tables = (
        models.Filing,
        models.Order,
        models.OrderVehicle,
        models.Payment,
        models.Batch,
        models.Document,
        models.ShippingEvent,
        models.StepRecord,
        models.ConsigneeLink,
        models.DestinationRuleVersion,
    )
    out = {t.__name__: await t.all().count() for t in tables}
    out["revoked"] = await models.ConsigneeLink.filter(revoked_at__isnull=False).count()
    out["versions"] = sum(await models.OrderVehicle.all().values_list("version", flat=True))
    return out


def _url(path: str, w: dict[str, Any], missing: bool = False) -> str:
    ids = {k: (2_147_483_000 if missing else v) for k, v in w.items()}
    return path.format(**ids)


@pytest.mark.parametrize("caller", CALLERS)
async def test_matrix(client: ApiClient, caller: str) -> None:
    world, users = await build(client)
    client.http.cookies.clear()
    if caller != "anonymous":
        await login_as(client, users[caller])
    problems = []
    for method, path, body, want_row in MATRIX:
        want = want_row[caller]
        before = await snapshot()
        r = await client.request(method, _url(path, world), **body_for(body, world))
        cell = f"{method} {path} as {caller}"
        statuses = want.status if isinstance(want.status, tuple) else (want.status,)
        if r.status_code not in statuses:
            problems.append(f"{cell}: {r.status_code} (want {want.status}) {r.text[:160]}")
            continue
        if want.code and r.json()["error"]["code"] != want.code:
            problems.append(f"{cell}: code {r.json()['error']['code']} (want {want.code})")
        if r.status_code >= 400 and await snapshot() != before:
            problems.append(f"{cell}: a refused request changed something")
        if caller in ("rival", "stranger", "anonymous"):
            for secret in (world["vin"], world["reference"], "Astana Motors"):
                if secret in r.text:
                    problems.append(f"{cell}: leaked {secret!r}")
        if r.status_code == 404 and "{" in path and caller in ("rival", "stranger"):
            missing = await client.request(method, _url(path, world, missing=True), **body_for(body, world))
            if missing.json() != r.json():
                problems.append(f"{cell}: another exporter's 404 differs from a missing one's")
    assert problems == []


def test_matrix_covers_every_route() -> None:
    documented = {(m, p) for m, p, *_ in MATRIX}
    declared = set()
    for route in routes:
        op = route.operation  # type: ignore[attr-defined]
        path = op.path
        for prefix, name in (
            ("/api/export/dealers/", "org"),
            ("/api/export/filings/", "filing"),
            ("/api/admin/export/filings/", "filing"),
            ("/api/export/orders/", "order"),
            ("/api/export/vehicles/", "vehicle"),
            ("/api/export/documents/", "doc"),
            ("/api/export/batches/", "batch"),
            ("/api/export/events/", "event"),
            ("/api/export/consignee-links/", "link"),
            ("/api/export/consignee/documents/", "doc"),
        ):
            path = path.replace(prefix + "{id:int}", prefix + "{" + name + "}")
        declared.add((op.method, path))
    assert declared == documented


async def test_a_rival_sees_none_of_an_exporters_orders(client: ApiClient) -> None:
    world, users = await build(client)
    await login_as(client, users["rival"])
    me = (await client.get("/api/me")).json()
    rival_org = me["organisations"][0]["id"]
    desk = await client.get(f"/api/export/dealers/{rival_org}/desk")
    assert desk.status_code == 200, desk.text
    assert desk.json()["orders"] == []
    assert desk.json()["batches"] == []
    r = await client.get(f"/api/export/dealers/{world['org']}/orders")
    assert r.status_code == 404
