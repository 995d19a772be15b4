"""The four 500s of the attack, each now a 4xx with a stable code: unbounded integers in query strings
(every integer query parameter of every route), a JSON integer past Python's 4,300-digit limit, null for
fields a PATCH cannot clear, and a control character in a listing's text (which broke the XLSX export)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from listings.domain import sheets
from listings.models import Listing
from tests.e2e.listings.helpers import listing_body, make_dealer
from tests.support import ApiClient, make_platform_admin

JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def api(client: ApiClient) -> ApiClient:
    # Exceptions come back as the 500 a real server sends instead of being raised into the test.
    await client.http.aclose()
    client.http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client.app, raise_app_exceptions=False), base_url="http://testserver"
    )
    return client


def _integer(schema: dict[str, Any]) -> dict[str, Any] | None:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "integer":
            return option
    return None


async def test_every_integer_query_parameter_is_bounded_in_the_document_and_in_fact(api: ApiClient) -> None:
    admin = await make_platform_admin(api.app)
    await api.login(admin.login)
    spec = (await api.get("/openapi.json")).json()
    checked = set()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for param in op["parameters"]:
                schema = _integer(param["schema"]) if param["in"] == "query" else None
                if schema is None:
                    continue
                name = param["name"]
                assert "minimum" in schema, f"{method} {path} {name}"
                assert "maximum" in schema, f"{method} {path} {name}"
                url = re.sub(r"\{[^}]+\}", "1", path)  # any path parameter: the query is checked first
                for value in (schema["maximum"] + 1, schema["minimum"] - 1, 2**63, -(2**63) - 1, "9" * 5000):
                    r = await api.request(method.upper(), url, params={name: str(value)})
                    where = f"{method} {url}?{name}={str(value)[:20]}"
                    assert r.status_code == 422, f"{where}: {r.status_code} {r.text}"
                    assert r.json()["error"]["code"] == "validation_error"
                    # other required parameters may be named too (they were not sent); this one must be
                    assert ["query", name] in [d["loc"] for d in r.json()["error"]["details"]], where
                checked.add((path, name))
    assert ("/api/lots/{id}/events", "after_seq") in checked
    assert len(checked) >= 10


async def test_after_seq_past_int64_is_422_not_500(api: ApiClient) -> None:
    r = await api.get("/api/lots/1/events", params={"after_seq": "9223372036854775808"})
    assert r.status_code == 422, r.text


async def test_a_json_integer_over_4300_digits_is_malformed_json(api: ApiClient) -> None:
    dealer = await make_dealer(api)
    await api.login(dealer.member.login)
    body = json.dumps(listing_body(dealer.org_id)).replace('"price_fen": 22800000', '"price_fen": ' + "9" * 5000)
    for url in ("/api/listings", "/api/auth/login"):
        r = await api.post(url, content=body.encode(), headers=JSON)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == "malformed_json"


async def _draft(api: ApiClient, **over: Any) -> tuple[int, int]:
    dealer = await make_dealer(api)
    await api.login(dealer.member.login)
    r = await api.post("/api/listings", json=listing_body(dealer.org_id, **over))
    assert r.status_code == 201, r.text
    return r.json()["id"], dealer.org_id


async def test_null_on_a_patch_is_422_naming_the_field(api: ApiClient) -> None:
    listing_id, _ = await _draft(api)
    url = f"/api/listings/{listing_id}"
    for body, loc in (
        ({"title": None}, ["body", "title"]),
        ({"price_fen": None}, ["body", "price_fen"]),
        ({"negotiable": None}, ["body", "negotiable"]),
        ({"description": None}, ["body", "description"]),
        ({"location_city": None}, ["body", "location_city"]),
        ({"vehicle": {"mileage_km": None}}, ["body", "vehicle", "mileage_km"]),
        ({"vehicle": {"colour": None}}, ["body", "vehicle", "colour"]),
        ({"vehicle": {"accident": None}}, ["body", "vehicle", "accident"]),
    ):
        r = await api.request("PATCH", url, json=body)
        assert r.status_code == 422, f"{body}: {r.status_code} {r.text}"
        assert r.json()["error"]["code"] == "validation_error"
        assert [d["loc"] for d in r.json()["error"]["details"]] == [loc]
    r = await api.request("PATCH", url, json={"title": "Kept", "vehicle": None})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Kept"


async def test_a_control_character_in_listing_text_is_refused(api: ApiClient) -> None:
    dealer = await make_dealer(api)
    await api.login(dealer.member.login)
    r = await api.post("/api/listings", json=listing_body(dealer.org_id, title="ok\x0bbad"))
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"]
    assert detail == [{"loc": ["body", "title"], "msg": "contains a control character", "type": "control_character"}]
    listing_id, _ = await _draft(api, description="tabs\tand\nnew lines are fine")
    r = await api.request("PATCH", f"/api/listings/{listing_id}", json={"vehicle": {"colour": "白\x00"}})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["loc"] == ["body", "vehicle", "colour"]


async def test_xlsx_export_drops_control_characters_stored_before_the_rule(api: ApiClient) -> None:
    listing_id, org_id = await _draft(api)
    await Listing.filter(id=listing_id).update(title="old\x01title", description="a\x1fb")
    r = await api.get(f"/api/dealers/{org_id}/inventory/export", params={"format": "xlsx"})
    assert r.status_code == 200, r.text
    row = dict(sheets.read(r.content, "xlsx"))[2]
    assert (row["title"], row["description"]) == ("oldtitle", "ab")
