"""The statistics over HTTP: an analyst submits files and publishes; the public reads releases, never early."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.stats.test_imports import SALE_COLUMNS, SALES, SESSION_COLUMNS, SESSIONS, csv_bytes
from tests.support import ApiClient, make_member, make_org


async def _analyst(client: ApiClient) -> ApiClient:
    member = await make_member(client.app, await make_org("association"), ["analyst"], "analyst")
    analyst = client.fork()
    await analyst.login(member.login)
    return analyst


async def _submit(analyst: ApiClient, rows: list[list[str]] = SALES, approve: bool = True) -> dict[str, object]:
    r = await analyst.post(
        "/api/stats/imports?file=sessions&approve=true", content=csv_bytes(SESSION_COLUMNS, SESSIONS)
    )
    assert r.status_code == 200, r.text
    r = await analyst.post(f"/api/stats/imports?file=sales&approve={str(approve).lower()}",
                           content=csv_bytes(SALE_COLUMNS, rows))  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_publish_read_revise(client: ApiClient) -> None:
    analyst = await _analyst(client)
    report = await _submit(analyst)
    assert (report["created"], report["status"]) == (2, "approved")

    assert (await client.get("/api/stats/annual/2023")).json()["error"]["code"] == "release_not_found"
    r = await analyst.post("/api/stats/releases", json={"period": "2023", "comment": "首次发布"})
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1

    public = await client.get("/api/stats/annual/2023")
    assert public.status_code == 200
    doc = public.json()
    # S-2 closed at 16:30 UTC on 31 December 2023: 00:30 on 1 January 2024 in Beijing, so not in 2023.
    assert (doc["year"], doc["version"], doc["units"], doc["turnover_fen"]) == (2023, 1, 1, 4_527_100)
    assert doc["transfer_cross_province"] == 1.0
    # One sale is a small cell (k = 5): the house is left out of the public lists, which the preview shows whole.
    assert (doc["top30_units"], doc["top30_turnover"]) == ([], [])
    preview = (await analyst.get("/api/stats/annual/2023?preview=true")).json()
    assert preview["top30_units"][0]["house"] == "宁波市机动车拍卖行"
    assert doc["yoy"]["units"] is None  # no 2022 data: not available, never 0

    # A correction: a new version with a note of every changed figure; the old version stays readable.
    corrected = [[*SALES[0][:4], "5000000", *SALES[0][5:]], SALES[1]]
    await _submit(analyst, corrected)
    r = await analyst.post("/api/stats/releases", json={"period": "2023", "comment": "更正"})
    assert r.json()["version"] == 2
    v2 = (await client.get("/api/stats/annual/2023")).json()
    assert v2["turnover_fen"] == 5_000_000
    assert {"path": "turnover_fen", "old": 4_527_100, "new": 5_000_000} in v2["revision_note"]
    assert (await client.get("/api/stats/annual/2023?version=1")).json()["turnover_fen"] == 4_527_100

    again = await analyst.post("/api/stats/releases", json={"period": "2023"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "release_unchanged")


async def test_an_embargoed_release_is_invisible_outside_the_association(client: ApiClient) -> None:
    analyst = await _analyst(client)
    await _submit(analyst)
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = await analyst.post("/api/stats/releases", json={"period": "2023", "embargo_until": later})
    assert (r.status_code, r.json()["published"]) == (201, False)

    for caller in (client, await _dealer(client)):
        hidden = await caller.get("/api/stats/annual/2023")
        assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "release_not_found")
        calendar = (await caller.get("/api/stats/releases")).json()["items"]
        assert [(e["period"], e["published"]) for e in calendar] == [("2023", False)]  # the date, not the figures
    assert (await analyst.get("/api/stats/annual/2023")).json()["units"] == 1


async def _dealer(client: ApiClient) -> ApiClient:
    member = await make_member(client.app, await make_org("dealer"), ["dealer_admin"], "dealer")
    dealer = client.fork()
    await dealer.login(member.login)
    return dealer


async def test_only_analysts_submit_publish_and_preview(client: ApiClient) -> None:
    dealer = await _dealer(client)
    for method, url, kw in (
        ("POST", "/api/stats/imports?file=sessions", {"content": csv_bytes(SESSION_COLUMNS, SESSIONS)}),
        ("POST", "/api/stats/releases", {"json": {"period": "2023"}}),
        ("GET", "/api/stats/annual/2023?preview=true", {}),
    ):
        r = await dealer.request(method, url, **kw)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "not_analyst"), url
    analyst = await _analyst(client)
    await _submit(analyst, approve=False)
    preview = (await analyst.get("/api/stats/annual/2023?preview=true")).json()
    assert (preview["preview"], preview["units"]) == (True, 0)  # submitted, not approved: not counted yet


async def test_bad_rows_answer_with_line_column_and_reason(client: ApiClient) -> None:
    analyst = await _analyst(client)
    bad = [[*SALES[0][:4], "45271.00", *SALES[0][5:]]]
    await analyst.post("/api/stats/imports?file=sessions", content=csv_bytes(SESSION_COLUMNS, SESSIONS))
    r = await analyst.post("/api/stats/imports?file=sales", content=csv_bytes(SALE_COLUMNS, bad))
    body = r.json()
    assert (r.status_code, body["imported"], body["error_count"]) == (200, False, 1)
    assert body["errors"][0] == {"line": 2, "column": "sales:hammer_price_fen", "reason": "not_integer",
                                 "value": "45271.00"}  # fmt: skip


async def test_downloads_csv_with_bom_csvw_xlsx_and_the_atom_feed(client: ApiClient) -> None:
    import io
    from xml.etree import ElementTree

    from openpyxl import load_workbook

    analyst = await _analyst(client)
    sessions = [[s[0], "=HYPERLINK(1)", *s[2:]] for s in SESSIONS]
    # Five sales: a house of fewer would be a small cell, left out of the public lists.
    sales = [[f"{r[0]}-{i}", r[1], "=HYPERLINK(1)", *r[3:]] for r in SALES for i in range(5)]
    await analyst.post("/api/stats/imports?file=sessions&approve=true", content=csv_bytes(SESSION_COLUMNS, sessions))
    await analyst.post("/api/stats/imports?file=sales&approve=true", content=csv_bytes(SALE_COLUMNS, sales))
    await analyst.post("/api/stats/releases", json={"period": "2023", "comment": "首次发布"})
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await analyst.post("/api/stats/releases", json={"period": "2024", "embargo_until": later})

    r = await client.get("/api/stats/annual/2023/top30_units.csv")
    assert r.status_code == 200
    assert r.content.startswith("\ufeff".encode())
    assert r.text.lstrip("\ufeff").splitlines() == [
        "rank,house,units,turnover_fen,previous_rank",
        "1,'=HYPERLINK(1),5,22635500,",  # a formula-looking name is inert text
    ]
    meta = (await client.get("/api/stats/annual/2023/top30_units.csv-metadata.json")).json()
    assert meta["url"] == "/api/stats/annual/2023/top30_units.csv?version=1"
    assert [c["datatype"] for c in meta["tableSchema"]["columns"]] == ["integer", "string", "integer", "integer",
                                                                       "integer"]  # fmt: skip
    assert (await client.get("/api/stats/annual/2023/nope.csv")).json()["error"]["code"] == "table_not_found"

    book = load_workbook(io.BytesIO((await client.get("/api/stats/annual/2023.xlsx")).content))
    assert book.sheetnames == ["headline", "price_bands", "energy", "provinces", "top30_units", "top30_turnover",
                               "monthly"]  # fmt: skip
    row = [c.value for c in book["top30_units"][2]]
    assert row == [1, "=HYPERLINK(1)", 5, 22_635_500, None]
    assert book["top30_units"].cell(2, 2).data_type == "s"  # text, not a formula

    feed = ElementTree.fromstring((await client.get("/api/stats/feed.atom")).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)] == ["2023 v1"]  # not 2024 yet
    assert (await client.get("/api/stats/annual/2024.xlsx")).json()["error"]["code"] == "release_not_found"


async def test_the_review_desk_sends_back_then_approves(client: ApiClient) -> None:
    analyst = await _analyst(client)
    await _submit(analyst, approve=False)
    listed = (await analyst.get("/api/stats/submissions?status=received")).json()["items"]
    assert [s["sales_rows"] for s in listed] == [2]
    sub_id = listed[0]["id"]
    back = await analyst.post(f"/api/stats/submissions/{sub_id}/decision",
                              json={"decision": "request_correction", "comment": "S-2 的成交时间有误"})  # fmt: skip
    assert (back.status_code, back.json()["status"]) == (200, "correction_requested")
    assert (await analyst.get("/api/stats/annual/2023?preview=true")).json()["units"] == 0
    ok = await analyst.post(f"/api/stats/submissions/{sub_id}/decision", json={"decision": "approve"})
    assert ok.json()["status"] == "approved"
    assert (await analyst.get("/api/stats/annual/2023?preview=true")).json()["units"] == 1
    missing = await analyst.post("/api/stats/submissions/999999/decision", json={"decision": "approve"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "submission_not_found")
    dealer = await _dealer(client)
    assert (await dealer.get("/api/stats/submissions")).json()["error"]["code"] == "not_analyst"
    r = await dealer.post(f"/api/stats/submissions/{sub_id}/decision", json={"decision": "approve"})
    assert r.status_code == 403


async def test_a_published_province_breakdown_hides_small_cells_that_totals_would_reveal(client: ApiClient) -> None:
    analyst = await _analyst(client)
    sessions = [*SESSIONS, ["P-9", "杭州拍卖", "浙江", "杭州", "online", "2023-06-01"]]
    many = [[f"M-{i}", "P-1", *SALES[0][2:8], "浙江", "宁波", "", "", "none"] for i in range(6)]
    few = [["F-1", "P-9", "杭州拍卖", "2023-06-01T10:00:00+08:00", "3000000", "丰田", "", "ICE", "西藏", "拉萨", "", "",
            "none"]]  # fmt: skip
    await analyst.post("/api/stats/imports?file=sessions&approve=true", content=csv_bytes(SESSION_COLUMNS, sessions))
    await analyst.post("/api/stats/imports?file=sales&approve=true", content=csv_bytes(SALE_COLUMNS, many + few))
    preview = (await analyst.get("/api/stats/annual/2023?preview=true")).json()
    assert preview["provinces"]["西藏"] == {"units": 1, "turnover_fen": 3_000_000}  # analysts see every cell
    await analyst.post("/api/stats/releases", json={"period": "2023"})
    public = (await client.get("/api/stats/annual/2023")).json()
    # 西藏 alone would be the total minus 浙江, so 浙江 is hidden too; the total stays published.
    assert public["provinces"]["西藏"] == {"units": None, "turnover_fen": None, "status": "Q"}
    assert public["provinces"]["浙江"]["status"] == "Q"
    assert public["units"] == 7
    csv_text = (await client.get("/api/stats/annual/2023/provinces.csv")).text.lstrip("\ufeff")
    assert csv_text.splitlines()[1:] == ["浙江,,,Q", "西藏,,,Q"]
