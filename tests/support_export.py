"""Test helpers for export: a dealer with a selling member, a verified filing, cars in its inventory, an order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from export.domain import filings
from export.models import Filing
from listings.models import Vehicle
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret, token_hash
from marketplace.accounts.models import Organisation, Session
from tests.support import ApiClient, Member, make_member, make_org
from tests.support_payees import connect_payee

_vin = iter(range(10_000, 99_999))


async def login_as(client: ApiClient, user_id: int) -> None:
    raw, csrf = new_secret(), new_secret()
    await Session.create(
        token_hash=token_hash(raw), csrf_token=csrf, user_id=user_id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    client.bearer = None
    client.http.cookies.clear()
    client.http.cookies.set(SESSION_COOKIE, raw)
    client.http.cookies.set(CSRF_COOKIE, csrf)


def vin() -> str:
    return f"LSVAB4BR0NN{next(_vin):06d}"


async def make_car(org: Organisation, *, first_registration: date = date(2022, 3, 1), energy: str = "ice",
                   displacement_ml: int | None = 1998) -> Vehicle:  # fmt: skip
    return await Vehicle.create(
        vin=vin(), owner_org_id=org.id, make="丰田", model="凯美瑞", energy_type=energy,
        displacement_ml=displacement_ml, first_registration=first_registration,
    )  # fmt: skip


async def make_filing(org: Organisation, *, approved_on: date | None = None, status: str = "verified") -> Filing:
    approved = approved_on or (datetime.now(UTC).date() - timedelta(days=30))
    return await Filing.create(
        exporter_org_id=org.id, filing_no=f"BA-{org.id}-{approved.isoformat()}", province="浙江",
        approved_on=approved, valid_until=filings.valid_until(approved), customs_code="3302960ABC",
        appraisers=[{"name": n, "certificate_no": ""} for n in ("张评估", "李评估", "王评估")], status=status,
        created_by=0,
    )  # fmt: skip


def order_body(reference: str = "EX-2026-001", country: str = "KZ", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": reference,
        "consignee": {"name": "Astana Motors LLP", "country": country, "address": "12 Abay Ave, Astana",
                      "contact": "+7 701 000 0000, buyer@astana-motors.kz"},
        "contract_no": "CT-2026-17", "destination_country": country, "incoterm": "CIF", "named_place": "Aktau",
        "currency": "USD", "fx_rate": "7.1234", "fx_source": "PBOC central parity", "fx_date": "2026-11-30",
    }  # fmt: skip
    body.update(over)
    return body


@dataclass
class Exporter:
    org: Organisation
    admin: Member
    filing: Filing
    cars: list[Vehicle]


async def make_exporter(client: ApiClient, cars: int = 2, *, login: bool = True, payee: bool = True) -> Exporter:
    """A verified exporter; with `payee`, its verified Stripe connected account (where its card payments go)."""
    org = await make_org("dealer")
    admin = await make_member(client.app, org, ["dealer_admin"], "exp")
    filing = await make_filing(org)
    if payee:
        await connect_payee(org.id)
    made = [await make_car(org) for _ in range(cars)]
    if login:
        await login_as(client, admin.user.id)
    return Exporter(org, admin, filing, made)


async def make_order(client: ApiClient, ex: Exporter, **over: Any) -> dict[str, Any]:
    r = await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body(**over))
    assert r.status_code == 201, r.text
    order: dict[str, Any] = r.json()
    for car in ex.cars:
        r = await client.post(f"/api/export/orders/{order['id']}/vehicles", json={
            "vehicle_id": car.id, "price_minor": 1_250_000, "euro": 6, "steering": "lhd",
            "certificates": ["single_vehicle_certificate", "type_approval"]})  # fmt: skip
        assert r.status_code == 201, r.text
        order = r.json()
    return order
