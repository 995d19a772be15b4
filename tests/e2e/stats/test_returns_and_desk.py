"""Monthly returns (月报) and the desk's view of a house's month, over HTTP, with who may see and do what."""

from __future__ import annotations

from typing import Any

from marketplace.stats.models import ReportingHouse
from tests.integration.stats.test_imports import SALE_COLUMNS, SALES, SESSION_COLUMNS, SESSIONS, csv_bytes
from tests.support import ApiClient, make_member, make_org


async def _as(client: ApiClient, kind: str, roles: list[str], org: Any = None) -> tuple[ApiClient, Any]:
    org = org or await make_org(kind)
    member = await make_member(client.app, org, roles, roles[0])
    c = client.fork()
    await c.login(member.login)
    return c, org


def ret(month: str = "2023-05", units: int = 10, turnover: int = 50_000_000, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "month": month, "sessions_online": 3, "sessions_onsite": 1, "units": units, "turnover_fen": turnover,
        "bev_units": 2, "bev_turnover_fen": 8_000_000, "transfer_in_province": 3, "transfer_cross_province": 2,
        "units_by_band": {"<5万": units - 4, "5-10万": 2, "10-20万": 1, "≥20万": 1},
    }  # fmt: skip
    return {**body, **over}


async def test_a_house_submits_a_return_the_analyst_approves_it_and_it_counts(client: ApiClient) -> None:
    house, org = await _as(client, "auction_house", ["house_admin"])
    analyst, _ = await _as(client, "association", ["analyst"])

    r = await house.post("/api/stats/returns", json=ret())
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["status"], out["units"], out["changed"]) == ("received", 10, True)
    again = await house.post("/api/stats/returns", json=ret())
    assert (again.json()["submission_id"], again.json()["changed"]) == (out["submission_id"], False)

    # Not approved yet: the analysts' preview does not count it.
    assert (await analyst.get("/api/stats/annual/2023?preview=true")).json()["units"] == 0
    hid = out["house_id"]
    view = (await analyst.get(f"/api/stats/desk/houses/{hid}/months/2023-05")).json()
    assert view["figures"]["return"]["units"] == 10
    assert [s["id"] for s in view["submissions"]] == [out["submission_id"]]
    r = await analyst.post(
        f"/api/stats/desk/houses/{hid}/months/2023-05/decision",
        json={"submission_id": out["submission_id"], "decision": "approve", "comment": "核对无误"},
    )
    assert (r.status_code, r.json()["status"]) == (200, "approved"), r.text

    doc = (await analyst.get("/api/stats/annual/2023?preview=true")).json()
    assert (doc["units"], doc["turnover_fen"], doc["houses_active"]) == (10, 50_000_000, 1)
    assert doc["average_fen"] == 5_000_000  # from the sums
    assert (doc["sessions"], doc["online_sessions"], doc["bev_units"]) == (4, 3, 2)
    assert doc["price_bands_units"] == {"<5万": 6, "5-10万": 2, "10-20万": 1, "≥20万": 1}
    assert doc["transfer_ratio"] == 0.5
    assert doc["transfer_unknown"] == 0
    assert doc["top30_units"][0]["house"] == org.name
    assert doc["top30_turnover"][0]["turnover_fen"] == 50_000_000
    assert doc["monthly"] == {"2023-05": {"units": 10, "turnover_fen": 50_000_000}}

    # The decision's comment is in the month's thread, which the house reads too.
    mine = (await house.get(f"/api/stats/desk/houses/{hid}/months/2023-05")).json()
    assert [c["text"] for c in mine["comments"]] == ["[approved] 核对无误"]
    listed = (await house.get("/api/stats/returns")).json()["items"]
    assert [(i["month"], i["status"]) for i in listed] == [("2023-05", "approved")]


async def test_a_return_whose_parts_disagree_is_refused(client: ApiClient) -> None:
    house, _ = await _as(client, "auction_house", ["house_admin"])
    cases = [
        ret(units_by_band={"<5万": 1, "5-10万": 2, "10-20万": 1, "≥20万": 1}),  # bands sum to 5, units 10
        ret(bev_units=11),
        ret(bev_turnover_fen=60_000_000),
        ret(transfer_in_province=6, transfer_cross_province=5),
        ret(units=0, turnover=100, units_by_band={"<5万": 0, "5-10万": 0, "10-20万": 0, "≥20万": 0}, bev_units=0,
            bev_turnover_fen=0, transfer_in_province=0, transfer_cross_province=0),
    ]  # fmt: skip
    for body in cases:
        r = await house.post("/api/stats/returns", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "return_inconsistent"), body
    for bad in (ret(turnover_fen=-1), ret(turnover_fen=1.5), ret(turnover_fen="100"), ret(month="2023-13"),
                ret(units_by_band={"<5万": 10}), ret(units_by_band={"<5万": 6, "5-10万": 2, "10-20万": 1, "≥20万": 1,
                                                                   "x": 0})):  # fmt: skip
        r = await house.post("/api/stats/returns", json=bad)
        assert r.status_code == 422, (bad, r.text)
    assert (await house.get("/api/stats/returns")).json()["items"] == []


async def test_a_month_is_rows_or_a_return_never_both(client: ApiClient) -> None:
    analyst, _ = await _as(client, "association", ["analyst"])
    r = await analyst.post("/api/stats/imports?file=sessions", content=csv_bytes(SESSION_COLUMNS, SESSIONS))
    assert r.status_code == 200, r.text
    house = await ReportingHouse.get(name=SESSIONS[0][1])
    # The house has rows (a session) in May 2023: a return for May is refused, June is fine.
    r = await analyst.post("/api/stats/returns", json={**ret(), "house_id": house.id})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "month_has_rows")
    r = await analyst.post("/api/stats/returns", json={**ret("2023-06"), "house_id": house.id})
    assert r.status_code == 201, r.text
    # ...and rows for June are refused now.
    june = [["P-9", SESSIONS[0][1], "浙江", "宁波", "online", "2023-06-10"]]
    r = await analyst.post("/api/stats/imports?file=sessions", content=csv_bytes(SESSION_COLUMNS, june))
    body = r.json()
    assert (body["imported"], [e["reason"] for e in body["errors"]]) == (False, ["month_has_return"])
    sale = [["S-9", "P-1", SESSIONS[0][1], "2023-06-06T10:00:00+08:00", *SALES[0][4:]]]
    r = await analyst.post("/api/stats/imports?file=sales", content=csv_bytes(SALE_COLUMNS, sale))
    assert [e["reason"] for e in r.json()["errors"]] == ["month_has_return"]


async def test_outliers_against_the_same_month_a_year_earlier(client: ApiClient) -> None:
    analyst, _ = await _as(client, "association", ["analyst"])
    house = await ReportingHouse.create(name="宁波某拍卖行")

    async def month(m: str, units: int, turnover: int) -> None:
        body = {**ret(m, units, turnover), "house_id": house.id, "bev_units": 0, "bev_turnover_fen": 0,
                "transfer_in_province": 0, "transfer_cross_province": 0,
                "units_by_band": {"<5万": units, "5-10万": 0, "10-20万": 0, "≥20万": 0}}  # fmt: skip
        r = await analyst.post("/api/stats/returns", json=body)
        assert r.status_code == 201, r.text

    await month("2022-05", 100, 1_000_000)
    await month("2022-06", 100, 1_000_000)
    await month("2023-05", 300, 3_000_000)  # exactly 3×: the boundary is not flagged
    await month("2023-06", 33, 3_000_001)  # below a third (33 × 3 < 100) and turnover just above 3×

    def flags(view: dict[str, Any]) -> dict[str, bool]:
        return {o["measure"]: o["flagged"] for o in view["outliers"]}

    may = (await analyst.get(f"/api/stats/desk/houses/{house.id}/months/2023-05")).json()
    assert flags(may) == {"units": False, "turnover_fen": False}
    assert may["year_earlier"] == {"month": "2022-05", "units": 100, "turnover_fen": 1_000_000}
    june = (await analyst.get(f"/api/stats/desk/houses/{house.id}/months/2023-06")).json()
    assert flags(june) == {"units": True, "turnover_fen": True}
    assert june["outlier_factor"] == 3
    # Nothing a year earlier: never flagged.
    await month("2023-07", 1000, 1_000_000_000)
    july = (await analyst.get(f"/api/stats/desk/houses/{house.id}/months/2023-07")).json()
    assert flags(july) == {"units": False, "turnover_fen": False}


async def test_who_may_see_and_do_what_on_the_desk(client: ApiClient) -> None:
    house, org = await _as(client, "auction_house", ["house_admin"])
    other, _ = await _as(client, "auction_house", ["house_admin"])
    dealer, _ = await _as(client, "dealer", ["dealer_admin"])
    auctioneer, _ = await _as(client, "auction_house", ["auctioneer"], org)
    analyst, _ = await _as(client, "association", ["analyst"])
    out = (await house.post("/api/stats/returns", json=ret())).json()
    hid, url = out["house_id"], f"/api/stats/desk/houses/{out['house_id']}/months/2023-05"

    for c in (dealer, auctioneer):
        r = await c.post("/api/stats/returns", json=ret())
        assert (r.status_code, r.json()["error"]["code"]) == (403, "not_reporter")
        assert (await c.get("/api/stats/returns")).status_code == 403
    # Another house neither sees this one's month nor learns that it exists; nor does it list its returns.
    for c in (other, dealer):
        r = await c.get(url)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "house_not_found")
        assert (await c.post(f"{url}/comments", json={"text": "?"})).status_code == 404
    r = await other.post("/api/stats/returns", json={**ret(), "house_id": hid})
    assert r.status_code == 404
    assert (await other.get("/api/stats/returns")).json()["items"] == []
    # A house may not decide its own submission; analysts may.
    decision = {"submission_id": out["submission_id"], "decision": "approve"}
    r = await house.post(f"{url}/decision", json=decision)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_analyst")
    assert (await analyst.get("/api/stats/desk/houses/999999/months/2023-05")).status_code == 404
    r = await analyst.post(f"{url}/decision", json={**decision, "submission_id": out["submission_id"] + 1000})
    assert r.status_code == 404

    # The thread: the analyst asks for a correction, the house answers and corrects the return.
    r = await analyst.post(
        f"{url}/decision",
        json={"submission_id": out["submission_id"], "decision": "request_correction", "comment": "成交额偏低"},
    )
    assert r.json()["status"] == "correction_requested"
    r = await house.post(f"{url}/comments", json={"text": "已更正"})
    assert (r.status_code, r.json()["author_role"]) == (201, "house")
    fixed = (await house.post("/api/stats/returns", json=ret(turnover=60_000_000))).json()
    assert (fixed["status"], fixed["changed"]) == ("received", True)
    assert fixed["submission_id"] != out["submission_id"]
    view = (await analyst.get(url)).json()
    assert [(c["author_role"], c["text"]) for c in view["comments"]] == [
        ("analyst", "[correction requested] 成交额偏低"), ("house", "已更正")]  # fmt: skip
    assert view["figures"]["turnover_fen"] == 60_000_000
