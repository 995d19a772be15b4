"""A VIN held by another dealer only privately answers exactly as a fresh VIN (issue 8, section 4).

Each dealer has its own vehicle record per VIN (unique per owner); the one conflict left is public:
one car on sale by one dealer at a time, which a publish checks against listings on public view.
"""

from __future__ import annotations

from listings.domain import sheets
from listings.models import Listing, Vehicle
from tests.e2e.listings.helpers import listing_body, make_dealer, new_vin
from tests.support import ApiClient


def _strip_ids(body: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in body.items() if k not in {"id", "created_at", "updated_at", "dealer"}}


async def test_a_vin_in_another_dealers_draft_answers_as_a_fresh_one(lclient: ApiClient) -> None:
    a, b = await make_dealer(lclient), await make_dealer(lclient)
    await lclient.login(a.member.login)
    taken = new_vin()
    assert (await lclient.post("/api/listings", json=listing_body(a.org_id, vehicle={"vin": taken}))).status_code == 201
    other = lclient.fork()
    await other.login(b.member.login)

    answers = []
    for vin in (taken, new_vin()):
        r = await other.post("/api/listings", json=listing_body(b.org_id, vehicle={"vin": vin}))
        answers.append((r.status_code, _strip_ids({**r.json(), "vehicle": {**r.json()["vehicle"], "vin": ""}})))
        published = await other.post(f"/api/listings/{r.json()['id']}/publish")
        assert published.status_code == 200, published.text
    assert answers[0] == answers[1]
    assert await Vehicle.filter(vin=taken).count() == 2
    assert await Listing.filter(dealer_org_id=a.org_id, status="draft").count() == 1  # A's draft untouched

    rows = [{"vin": v, "make": "丰田", "model": "卡罗拉", "energy_type": "hev", "price_yuan": "86000"}
            for v in (taken, new_vin())]  # fmt: skip
    r = await other.post(f"/api/dealers/{b.org_id}/inventory/import", content=sheets.write_csv(rows))
    assert r.status_code == 200, r.text
    assert (r.json()["errors"], r.json()["updated"], r.json()["created"]) == ([], 1, 1)


async def test_publishing_a_vin_another_dealer_has_on_sale_is_refused(lclient: ApiClient) -> None:
    a, b = await make_dealer(lclient), await make_dealer(lclient)
    await lclient.login(a.member.login)
    vin = new_vin()
    first = (await lclient.post("/api/listings", json=listing_body(a.org_id, vehicle={"vin": vin}))).json()
    assert (await lclient.post(f"/api/listings/{first['id']}/publish")).status_code == 200
    other = lclient.fork()
    await other.login(b.member.login)
    second = (await other.post("/api/listings", json=listing_body(b.org_id, vehicle={"vin": vin}))).json()
    r = await other.post(f"/api/listings/{second['id']}/publish")
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "vin_on_sale_elsewhere"
    assert (await lclient.post(f"/api/listings/{first['id']}/withdraw")).status_code == 200
    assert (await other.post(f"/api/listings/{second['id']}/publish")).status_code == 200
