"""Listings over HTTP: create, publish, find, edit, withdraw; bad input; the dealer verification rule."""

from __future__ import annotations

import pytest

from listings.models import Listing, ListingTransition, Vehicle, VehicleEngagement
from tests.e2e.listings.helpers import listing_body, make_dealer, new_vin, search, settle, wait_for
from tests.support import ApiClient, make_user


async def test_dealer_creates_publishes_and_buyer_finds(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    r = await lclient.post("/api/listings", json=listing_body(dealer.org_id))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "draft"
    v = created["vehicle"]
    assert (v["registration_province"], v["registration_city"]) == ("浙江", "宁波")
    assert v["manufacturer"] == "BMW Brilliance"
    assert v["country"] == "China"
    assert v["make_en"] == "BMW"
    assert v["model_en"] == "3 Series"

    await settle(lclient)
    assert (await search(lclient, q="宝马"))["total"] == 0  # drafts are never returned

    r = await lclient.post(f"/api/listings/{created['id']}/publish")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "published"
    took = await wait_for(lclient, lambda res: res["total"] == 1, q="宝马 3系")
    assert took < 2.0
    for q in ("BMW 320Li", "bmw 3 series", "宝马3系", "BMW"):
        assert (await search(lclient, q=q))["total"] == 1, q
    assert (await search(lclient, q="奔驰"))["total"] == 0

    anonymous = lclient.fork()
    r = await anonymous.get(f"/api/listings/{created['id']}")
    assert r.status_code == 200
    assert r.json()["dealer"]["verified"] is True
    transitions = await ListingTransition.filter(listing_id=created["id"]).values_list("to_status", "actor_user_id")
    assert transitions == [("published", dealer.member.user.id)]


async def test_edit_price_withdraw_and_republish_follow_in_search(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
    await lclient.post(f"/api/listings/{listing_id}/publish")
    await wait_for(lclient, lambda res: res["total"] == 1, q="宝马")

    r = await lclient.request("PATCH", f"/api/listings/{listing_id}", json={"price_fen": 19_900_000})
    assert r.status_code == 200, r.text
    await wait_for(lclient, lambda res: res["hits"] and res["hits"][0]["price_fen"] == 19_900_000, q="宝马")
    await wait_for(lclient, lambda res: res["total"] == 1, q="宝马", price_band="15-20")

    assert (await lclient.post(f"/api/listings/{listing_id}/reserve")).status_code == 200
    await wait_for(lclient, lambda res: res["total"] == 0, q="宝马")
    assert (await lclient.post(f"/api/listings/{listing_id}/release")).status_code == 200
    await wait_for(lclient, lambda res: res["total"] == 1, q="宝马")
    assert (await lclient.post(f"/api/listings/{listing_id}/withdraw")).status_code == 200
    await wait_for(lclient, lambda res: res["total"] == 0, q="宝马")
    assert not await VehicleEngagement.exists(kind="listing", ref_id=listing_id)
    assert (await lclient.post(f"/api/listings/{listing_id}/publish")).status_code == 200
    await wait_for(lclient, lambda res: res["total"] == 1, q="宝马")
    assert (await lclient.post(f"/api/listings/{listing_id}/publish")).status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vehicle": {"vin": "LBV5S1100MA00000"}}, "vin"),  # 16 characters
        ({"vehicle": {"vin": "LBV5S1I00MA000001"}}, "vin"),  # contains I
        ({"vehicle": {"vin": "LBV5S11X0MA000001"}}, "vin"),  # wrong check digit
        ({"vehicle": {"plate_prefix": "X1"}}, "plate_prefix"),
        ({"vehicle": {"energy_type": "steam"}}, "energy_type"),
        ({"vehicle": {"mileage_km": -1}}, "mileage_km"),
        ({"price_fen": 0}, "price_fen"),
        ({"price_fen": 12.5}, "price_fen"),
        ({"colour_code": "x"}, "colour_code"),
    ],
)
async def test_bad_listing_input_is_422_and_writes_nothing(lclient: ApiClient, change: dict, field: str) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    body = listing_body(dealer.org_id)
    if "vehicle" in change:
        body["vehicle"].update(change.pop("vehicle"))
    body.update(change)
    r = await lclient.post("/api/listings", json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "validation_error"
    assert any(d["loc"][-1] == field for d in err["details"]), err
    assert await Vehicle.all().count() == 0
    assert await Listing.all().count() == 0


async def test_wrong_check_digit_message_says_which(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    vin = new_vin()
    wrong = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    r = await lclient.post("/api/listings", json=listing_body(dealer.org_id, vehicle={"vin": wrong}))
    assert r.status_code == 422
    assert f"should be {vin[8]}" in r.text


async def test_unverified_dealer_cannot_publish(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient, certificate=False)
    await lclient.login(dealer.member.login)
    listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
    r = await lclient.post(f"/api/listings/{listing_id}/publish")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "dealer_not_verified"
    assert (await Listing.get(id=listing_id)).status == "draft"


async def test_one_open_listing_per_vehicle(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    body = listing_body(dealer.org_id)
    assert (await lclient.post("/api/listings", json=body)).status_code == 201
    r = await lclient.post("/api/listings", json=body)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "vehicle_busy"
    assert await Listing.all().count() == 1
    assert await Vehicle.all().count() == 1


async def test_foreign_dealer_cannot_touch_a_vin_or_see_drafts(lclient: ApiClient) -> None:
    a = await make_dealer(lclient)
    b = await make_dealer(lclient)
    await lclient.login(a.member.login)
    body = listing_body(a.org_id)
    draft = (await lclient.post("/api/listings", json=body)).json()
    other = lclient.fork()
    await other.login(b.member.login)
    body_b = listing_body(b.org_id, vehicle={"vin": body["vehicle"]["vin"]})
    r = await other.post("/api/listings", json=body_b)
    assert r.status_code == 201, r.text  # B's own vehicle record: A's draft is neither revealed nor changed
    assert (await lclient.get(f"/api/listings/{draft['id']}")).json()["vehicle"] == draft["vehicle"]
    assert (await other.get(f"/api/listings/{draft['id']}")).status_code == 404
    assert (await other.post(f"/api/listings/{draft['id']}/publish")).status_code == 404
    assert (await other.get(f"/api/dealers/{a.org_id}/inventory")).status_code == 404
    assert (await other.post("/api/listings", json=listing_body(a.org_id))).status_code == 404


async def test_search_rejects_bad_parameters(lclient: ApiClient) -> None:
    for params in (
        {"year_min": 2020, "year_max": 2010},
        {"price_min_fen": -5},
        {"mileage_max_km": 10**9},
        {"colour": "red"},
        {"sort": "random"},
        {"per_page": 1000},
        {"q": "x" * 201},
        {"make": ",".join(str(i) for i in range(30))},
        {"page": 600},
    ):
        r = await lclient.get("/api/listings/search", params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["error"]["code"] == "validation_error"


async def test_injection_attempts_are_plain_text(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
    await lclient.post(f"/api/listings/{listing_id}/publish")
    await wait_for(lclient, lambda res: res["total"] == 1, q="宝马")
    for q in ("' OR 1=1 --", 'make = "宝马" OR id > 0', '宝马" OR "1"="1'):
        assert (await search(lclient, q=q))["total"] == 0, q  # every word must match: OR is just a word
    for q in ("%", "\\", "*", "'--"):
        assert (await search(lclient, q=q))["total"] == 1, q  # symbols alone are no query at all
    assert (await search(lclient, make='宝马" OR make != "'))["total"] == 0
    assert (await search(lclient, q="宝马"))["total"] == 1


async def test_buyer_without_dealer_cannot_create(lclient: ApiClient) -> None:
    buyer = await make_user(lclient.app, "buyer")
    await lclient.login(str(buyer.email))
    dealer = await make_dealer(lclient)
    r = await lclient.post("/api/listings", json=listing_body(dealer.org_id))
    assert r.status_code == 404


async def test_search_response_has_facets_pages_and_total(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    for price, energy in ((9_000_000, "bev"), (16_000_000, "ice"), (23_000_000, "ice")):
        body = listing_body(dealer.org_id, price_fen=price, vehicle={"energy_type": energy})
        listing_id = (await lclient.post("/api/listings", json=body)).json()["id"]
        await lclient.post(f"/api/listings/{listing_id}/publish")
    await wait_for(lclient, lambda res: res["total"] == 3)
    res = await search(lclient, sort="price_desc", per_page=2, page=2)
    assert (res["total"], res["page"], res["per_page"]) == (3, 2, 2)
    assert [h["price_fen"] for h in res["hits"]] == [9_000_000]
    assert res["facets"]["energy_type"] == [{"value": "ice", "count": 2}, {"value": "bev", "count": 1}]
    assert {f["value"] for f in res["facets"]["price_band"]} == {"5-10", "15-20", "20-30"}
    assert res["facets"]["province"] == [{"value": "浙江", "count": 3}]
    res = await search(lclient, energy_type="bev,hev", price_max_fen=10_000_000, no_accident="true")
    assert res["total"] == 1
    spec = (await lclient.get("/openapi.json")).json()
    assert "/api/listings/search" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/listings/search"]["get"]["parameters"]}
    assert {"q", "make", "price_min_fen", "sort", "page"} <= params


async def test_inventory_cursor_pages_and_bad_cursors(lclient: ApiClient) -> None:
    import base64

    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    ids = [(await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"] for _ in range(3)]
    first = (await lclient.get(f"/api/dealers/{dealer.org_id}/inventory?limit=2")).json()
    assert [i["id"] for i in first["items"]] == ids[::-1][:2]
    second = (await lclient.get(f"/api/dealers/{dealer.org_id}/inventory?limit=2&cursor={first['next_cursor']}")).json()
    assert [i["id"] for i in second["items"]] == [ids[0]]
    assert second["next_cursor"] is None
    huge = base64.urlsafe_b64encode(f"id:{2**40}".encode()).decode().rstrip("=")
    for cursor in (huge, "!!!", "aWQ6LTE"):
        r = await lclient.get(f"/api/dealers/{dealer.org_id}/inventory?cursor={cursor}")
        assert r.status_code == 400, (cursor, r.text)
    assert (await lclient.get(f"/api/dealers/{dealer.org_id}/inventory?status=bogus")).status_code == 422


async def test_inventory_search_and_status_filter_page_through_every_car(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    made = []
    for i in range(7):
        vehicle = {
            "make": "宝马" if i % 2 else "丰田",
            "model": "3系" if i % 2 else "凯美瑞",
            "colour": "白色" if i < 4 else "黑色",
        }
        made.append((await lclient.post("/api/listings", json=listing_body(dealer.org_id, vehicle=vehicle))).json())
    for listing in made[:3]:
        assert (await lclient.post(f"/api/listings/{listing['id']}/publish")).status_code == 200

    async def every(**params: object) -> tuple[list[int], dict]:
        ids: list[int] = []
        cursor = None
        while True:
            q = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
            r = await lclient.get(f"/api/dealers/{dealer.org_id}/inventory", params=q)
            assert r.status_code == 200, r.text
            page = r.json()
            ids += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return ids, page

    ids, page = await every()
    assert ids == [m["id"] for m in made][::-1]
    assert (page["total"], page["counts"]) == (7, {"published": 3, "draft": 4})

    ids, page = await every(status="published")
    assert ids == [m["id"] for m in made[:3]][::-1]
    assert (page["total"], page["counts"]) == (3, {"published": 3, "draft": 4})  # counts ignore the status asked

    ids, page = await every(q="宝马 白色")  # every word must match: BMWs that are white
    assert ids == [made[3]["id"], made[1]["id"]]
    assert page["total"] == 2

    vin_part = made[5]["vehicle"]["vin"][-6:].lower()  # part of a VIN, in any case
    ids, _ = await every(q=vin_part, status="draft")
    assert ids == [made[5]["id"]]

    for q in ("%", "_", "nothing-like-this"):  # LIKE's wildcards are plain characters
        ids, page = await every(q=q)
        assert (ids, page["total"]) == ([], 0), q

    for bad in ({"q": "x" * 101}, {"q": "a\x00b"}, {"status": "bogus"}):
        r = await lclient.get(f"/api/dealers/{dealer.org_id}/inventory", params=bad)
        assert r.status_code == 422, (bad, r.text)
        assert [d["loc"] for d in r.json()["error"]["details"]] == [["query", next(iter(bad))]]


@pytest.mark.parametrize(
    ("params", "field", "kind", "ctx"),
    [
        ({"year_min": 1900}, "year_min", "out_of_range", {"min": 1980, "max": 2100}),
        ({"year_min": 2020, "year_max": 2010}, "year_min", "min_above_max", {"max_field": "year_max"}),
        ({"price_max_fen": 10**13}, "price_max_fen", "out_of_range", {"min": 0, "max": 10**12}),
        ({"transfers_max": 99}, "transfers_max", "out_of_range", {"min": 0, "max": 50}),
        ({"make": ",".join(str(i) for i in range(30))}, "make", "too_many_values", {"max": 20}),
        ({"make": "x" * 41}, "make", "filter_value", {"max_length": 40}),
        ({"page": 600}, "page", "page_too_deep", {"max_results": 10_000, "last_page": 500}),
        ({"year_min": "soon"}, "year_min", "int_parsing", None),
        ({"sort": "random"}, "sort", "literal_error", None),
    ],
)
async def test_a_bad_filter_value_names_its_field_with_a_type_a_client_can_word(
    lclient: ApiClient, params: dict, field: str, kind: str, ctx: dict | None
) -> None:
    r = await lclient.get("/api/listings/search", params=params)
    assert r.status_code == 422, r.text
    [detail] = r.json()["error"]["details"]
    assert (detail["loc"], detail["type"]) == (["query", field], kind)
    if ctx is not None:
        assert detail["ctx"] == ctx
