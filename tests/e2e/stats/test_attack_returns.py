"""Hostile input to monthly returns (月报) and the desk's month view: figures that are no counts (huge, negative,
null, text, booleans, fractions), bands that do not exist, months that do not exist, another house's month asked
for by name, comments with control characters, a house admin deciding. A 4xx with a stable code, nothing stored;
another house's month answers as a missing one."""

from __future__ import annotations

from marketplace.stats.models import MonthlyReturn, ReviewComment
from tests.e2e.stats.test_returns_and_desk import _as, ret
from tests.support import ApiClient


async def test_figures_that_are_no_counts_are_refused_and_nothing_is_stored(client: ApiClient) -> None:
    house, _ = await _as(client, "auction_house", ["house_admin"])
    bad: list[dict[str, object]] = [
        {"turnover_fen": 10**30}, {"units": -1}, {"units": None}, {"units": "10"}, {"units": True}, {"units": 10.5},
        {"bev_turnover_fen": -5}, {"month": "2023-13"}, {"month": "0000-01"}, {"month": None}, {"month": "2023-5"},
        {"units_by_band": {"<5万": 6, "5-10万": 2, "10-20万": 1, "≥20万": 1, "≥50万": 0}},
        {"units_by_band": {"<5万": 6, "5-10万": 2, "10-20万": 1, "≥20万": -1}}, {"units_by_band": None},
        {"units_by_band": {"<5万": 10**30, "5-10万": 0, "10-20万": 0, "≥20万": 0}}, {"house_id": 10**30},
        {"house_id": 0}, {"extra": 1},
    ]  # fmt: skip
    for over in bad:
        r = await house.post("/api/stats/returns", json={**ret(), **over})
        assert r.status_code == 422, (over, r.text)
        assert r.json()["error"]["code"] in ("validation_error", "return_inconsistent"), over
    missing_band = ret()
    missing_band["units_by_band"] = {"<5万": 6, "5-10万": 2, "10-20万": 2}
    r = await house.post("/api/stats/returns", json=missing_band)
    assert r.status_code == 422, r.text
    for raw in (b"{", b"[]", b"null", b'{"month": "2023-05"}'):
        r = await house.post("/api/stats/returns", content=raw, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, raw
    assert await MonthlyReturn.all().count() == 0


async def test_another_house_s_month_answers_as_a_missing_one(client: ApiClient) -> None:
    mine, _ = await _as(client, "auction_house", ["house_admin"])
    theirs, _ = await _as(client, "auction_house", ["house_admin"])
    r = await theirs.post("/api/stats/returns", json=ret())
    assert r.status_code == 201, r.text
    hid = r.json()["house_id"]
    assert (await mine.post("/api/stats/returns", json=ret())).status_code == 201
    missing = await mine.get("/api/stats/desk/houses/2147483647/months/2023-05")
    for url in (f"/api/stats/desk/houses/{hid}/months/2023-05", f"/api/stats/desk/houses/{hid}/months/2023-06"):
        r = await mine.get(url)
        assert (r.status_code, r.json()) == (404, missing.json()), url
    named = await mine.post("/api/stats/returns", json=ret(house_id=hid, units=11, bev_units=3,
                                                           units_by_band={"<5万": 7, "5-10万": 2, "10-20万": 1,
                                                                          "≥20万": 1}))  # fmt: skip
    assert named.status_code == 404, named.text
    nobody = await mine.post("/api/stats/returns", json=ret(house_id=2147483647))
    assert named.json() == nobody.json()
    c = await mine.post(f"/api/stats/desk/houses/{hid}/months/2023-05/comments", json={"text": "看看你们的"})
    assert c.status_code == 404
    listed = (await mine.get("/api/stats/returns")).json()["items"]
    assert hid not in {i["house_id"] for i in listed}
    assert (await MonthlyReturn.get(house_id=hid)).units == 10


async def test_comments_and_decisions_refuse_what_they_cannot_store(client: ApiClient) -> None:
    house, _ = await _as(client, "auction_house", ["house_admin"])
    r = await house.post("/api/stats/returns", json=ret())
    out = r.json()
    hid, sub = out["house_id"], out["submission_id"]
    url = f"/api/stats/desk/houses/{hid}/months/2023-05"
    for body in ({"text": ""}, {"text": "x" * 4001}, {"text": "a\u0000b"}, {"text": None}, {"text": 5}, {}):
        assert (await house.post(f"{url}/comments", json=body)).status_code == 422, body
    for month in ("2023-13", "2023-5", "99999-01", "0000-01", "2023-05x"):
        r = await house.get(f"/api/stats/desk/houses/{hid}/months/{month}")
        assert r.status_code == 404, month
    mine = await house.post(f"{url}/decision", json={"submission_id": sub, "decision": "approve"})
    assert mine.status_code == 403
    analyst, _ = await _as(client, "association", ["analyst"])
    for body in ({"submission_id": sub, "decision": "accept"}, {"submission_id": 10**30, "decision": "approve"},
                 {"submission_id": sub, "decision": "approve", "comment": "x" * 2001}):  # fmt: skip
        assert (await analyst.post(f"{url}/decision", json=body)).status_code == 422, body
    other_month = await analyst.post(f"/api/stats/desk/houses/{hid}/months/2023-06/decision",
                                     json={"submission_id": sub, "decision": "approve"})  # fmt: skip
    assert (other_month.status_code, other_month.json()["error"]["code"]) == (404, "submission_not_found")
    assert await ReviewComment.filter(house_id=hid).count() == 0
