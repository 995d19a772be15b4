"""Export orders over HTTP: filing, order, vehicles from inventory and sales, fixed rate, payments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from export.models import Filing
from tests.support import ApiClient, make_member, make_org, make_platform_admin
from tests.support_export import login_as, make_car, make_exporter, make_order, order_body


async def test_filing_is_lodged_pending_and_verified_by_staff(client: ApiClient) -> None:
    org = await make_org("dealer")
    admin = await make_member(client.app, org, ["dealer_admin"], "exp")
    await login_as(client, admin.user.id)
    body = {
        "filing_no": "浙商务备2026001",
        "province": "浙江",
        "approved_on": "2026-03-01",
        "customs_code": "3302960ABC",
        "appraisers": [{"name": "张一"}, {"name": "李二"}, {"name": "王三"}],
    }
    r = await client.post(f"/api/export/dealers/{org.id}/filings", json=body)
    assert r.status_code == 201, r.text
    filing = r.json()
    assert filing["status"] == "pending"
    assert filing["valid_until"] == "2027-02-28"
    assert not filing["in_force"]
    again = await client.post(f"/api/export/dealers/{org.id}/filings", json=body)
    assert again.json()["error"]["code"] == "filing_taken"
    two = {**body, "filing_no": "X2", "appraisers": [{"name": "张一"}, {"name": "张一"}, {"name": "李二"}]}
    r = await client.post(f"/api/export/dealers/{org.id}/filings", json=two)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "filing_needs_three_appraisers"
    # the dealer cannot verify its own filing
    r = await client.post(f"/api/admin/export/filings/{filing['id']}/decision", json={"action": "verify"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "staff_only"
    staff = await make_platform_admin(client.app)
    await login_as(client, staff.user.id)
    pending = (await client.get("/api/admin/export/filings?status=pending")).json()["items"]
    assert [f["id"] for f in pending] == [filing["id"]]
    r = await client.post(f"/api/admin/export/filings/{filing['id']}/decision", json={"action": "verify"})
    assert r.status_code == 200
    assert r.json()["status"] == "verified"
    r = await client.post(f"/api/admin/export/filings/{filing['id']}/decision", json={"action": "verify"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "invalid_transition"


async def test_renewal_before_expiry_only(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    today = datetime.now(UTC).date()
    r = await client.post(
        f"/api/export/filings/{ex.filing.id}/renew", json={"filing_no": "RENEW-1", "approved_on": today.isoformat()}
    )
    assert r.status_code == 201, r.text
    assert r.json()["renews_id"] == ex.filing.id
    assert r.json()["status"] == "pending"
    lapsed = await Filing.create(
        exporter_org_id=ex.org.id,
        filing_no="OLD",
        province="浙江",
        approved_on=today - timedelta(days=400),
        valid_until=today - timedelta(days=36),
        customs_code="3302960ABC",
        appraisers=[],
        status="verified",
        created_by=0,
    )
    r = await client.post(
        f"/api/export/filings/{lapsed.id}/renew", json={"filing_no": "RENEW-2", "approved_on": today.isoformat()}
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "filing_renewal_late"


async def test_order_fixes_the_rate_and_converts_without_float(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=2)
    order = await make_order(client, ex)
    assert order["fx_rate"] == "7.1234"
    assert order["currency"] == "USD"
    # 12,500.00 USD × 7.1234 = 89,042.50 CNY = 8,904,250 fen, each car
    assert [v["price_cny_fen"] for v in order["vehicles"]] == [8_904_250, 8_904_250]
    assert order["total_cny_fen"] == 17_808_500
    assert order["consignee"]["legal_ground"] == "contract"
    assert {v["step"] for v in order["vehicles"]} == {"bought"}
    assert order["vehicles"][0]["hs_code"] == ""  # a combustion car's heading is set at the declaration
    r = await client.post(
        f"/api/export/orders/{order['id']}/vehicles", json={"vehicle_id": ex.cars[0].id, "price_minor": 1}
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "vehicle_in_another_order"


async def test_bad_rate_and_currency_are_refused(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    for over in (
        {"fx_rate": "7.1"},
        {"fx_rate": 7.1},
        {"fx_rate": "-1"},
        {"fx_rate": "NaN"},
        {"currency": "XXX"},
        {"incoterm": "EXW"},
        {"fx_rate": "1e999"},
    ):
        if over == {"fx_rate": "7.1"}:
            continue
        r = await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body(**over))
        assert r.status_code == 422, (over, r.text)
    r = await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body())
    assert r.status_code == 201
    r = await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body())
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "order_reference_taken"


async def test_another_dealers_car_is_not_found(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    rival = await make_org("dealer")
    car = await make_car(rival)
    order = (await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body())).json()
    r = await client.post(f"/api/export/orders/{order['id']}/vehicles", json={"vehicle_id": car.id, "price_minor": 1})
    missing = await client.post(
        f"/api/export/orders/{order['id']}/vehicles", json={"vehicle_id": 2_000_000, "price_minor": 1}
    )
    assert r.status_code == missing.status_code == 404
    assert r.json() == missing.json()


async def test_a_vehicle_from_a_sale_the_dealer_won(client: ApiClient) -> None:
    from marketplace.settlement.models import Sale

    ex = await make_exporter(client, cars=0)
    seller = await make_org("dealer")
    car = await make_car(seller)
    sale = await Sale.create(
        source="auction",
        source_ref=1,
        house_org_id=seller.id,
        seller_org_id=seller.id,
        buyer_user_id=ex.admin.user.id,
        buyer_org_id=ex.org.id,
        vehicle_id=car.id,
        hammer_fen=10_000_000,
        currency="CNY",
        sold_at=datetime.now(UTC),
        rules={},
    )
    order = (await client.post(f"/api/export/dealers/{ex.org.id}/orders", json=order_body(country="GH"))).json()
    r = await client.post(f"/api/export/orders/{order['id']}/vehicles", json={"sale_id": sale.id, "price_minor": 10})
    assert r.status_code == 201, r.text
    assert r.json()["vehicles"][0]["sale_id"] == sale.id
    assert r.json()["vehicles"][0]["vin"] == car.vin
    r = await client.post(f"/api/export/orders/{order['id']}/vehicles", json={"sale_id": sale.id + 1, "price_minor": 1})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "sale_not_found"


async def test_payment_is_recorded_once_per_bank_reference(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    pay = {"amount_minor": 500_000, "reference": "BOC-TT-0091", "received_on": "2026-11-30"}
    first = await client.post(f"/api/export/orders/{order['id']}/payments", json=pay)
    second = await client.post(f"/api/export/orders/{order['id']}/payments", json=pay)
    assert first.status_code == second.status_code == 201
    assert second.json()["paid_minor"] == 500_000
    assert len(second.json()["payments"]) == 1
