"""Small cells over HTTP, linked: a revision, a year and its months, and the downloads never give a hidden cell away."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.stats.test_stats_http import _analyst
from tests.integration.stats.test_imports import SALE_COLUMNS, SESSION_COLUMNS, csv_bytes
from tests.support import ApiClient

HOUSE = "宁波市机动车拍卖行"
SESSIONS = [
    ["L-5", HOUSE, "浙江", "宁波", "online", "2023-05-06"],
    ["L-6", HOUSE, "浙江", "宁波", "online", "2023-06-06"],
]
FEN = {"西藏": 3_000_000, "浙江": 4_000_000, "江苏": 5_000_000, "广东": 6_000_000, "上海": 7_000_000}


def _sales(prefix: str, month: int, counts: dict[str, int]) -> list[list[str]]:
    session, day = ("L-5", "2023-05-06") if month == 5 else ("L-6", "2023-06-06")
    return [
        [f"{prefix}-{province}-{i}", session, HOUSE, f"{day}T10:00:00+08:00", str(FEN[province]), "丰田", "Toyota",
         "ICE", province, "某市", "", "", "none"]
        for province, n in counts.items()
        for i in range(n)
    ]  # fmt: skip


async def _load(analyst: ApiClient, rows: list[list[str]]) -> None:
    sessions = csv_bytes(SESSION_COLUMNS, SESSIONS)
    r = await analyst.post("/api/stats/imports?file=sessions&approve=true", content=sessions)
    assert r.status_code == 200, r.text
    r = await analyst.post("/api/stats/imports?file=sales&approve=true", content=csv_bytes(SALE_COLUMNS, rows))
    assert (r.status_code, r.json()["imported"]) == (200, True), r.text


def _hidden(doc: dict[str, object]) -> set[str]:
    return {k for k, v in doc["provinces"].items() if v.get("status") == "Q"}  # type: ignore[attr-defined]


async def test_a_revision_keeps_hidden_what_the_first_version_hid(client: ApiClient) -> None:
    analyst = await _analyst(client)
    first = _sales("a", 5, {"西藏": 1, "浙江": 6, "江苏": 8})
    await _load(analyst, first)
    assert (await analyst.post("/api/stats/releases", json={"period": "2023"})).status_code == 201
    v1 = (await client.get("/api/stats/annual/2023")).json()
    assert _hidden(v1) == {"西藏", "浙江"}  # 西藏 is small; alone it would be the total minus the rest

    # The revision adds 广东 (small) and 上海. Suppressed alone it would hide 西藏 with 广东 and show 浙江 (6, as in
    # v1): 西藏 = (西藏 + 浙江 of v1) − 浙江 of v2. Linked, 浙江 stays hidden; and 广东 hidden beside v1's pair alone
    # would be v2's hidden sum − v1's (the pair unchanged), so 上海 is hidden to protect it.
    await _load(analyst, first + _sales("b", 5, {"广东": 4, "上海": 5}))
    assert (await analyst.post("/api/stats/releases", json={"period": "2023"})).status_code == 201
    v2 = (await client.get("/api/stats/annual/2023")).json()
    assert v2["version"] == 2
    assert _hidden(v2) == {"西藏", "浙江", "广东", "上海"}
    assert v2["provinces"]["江苏"] == {"units": 8, "turnover_fen": 40_000_000}
    # The note compares two public documents: no old or new value of a hidden cell.
    paths = {c["path"] for c in v2["revision_note"]}
    assert not any(p.startswith(("provinces.西藏", "provinces.浙江")) for p in paths)
    assert {"path": "provinces.广东.status", "old": None, "new": "Q"} in v2["revision_note"]
    assert not [c for c in v2["revision_note"] if c["path"].startswith("provinces.") and c["new"] not in (None, "Q")]

    # The downloads are the stored document's: hidden cells are empty with status Q.
    csv_text = (await client.get("/api/stats/annual/2023/provinces.csv")).text.lstrip("\ufeff")
    assert csv_text.splitlines()[1:] == ["上海,,,Q", "广东,,,Q", "江苏,8,40000000,", "浙江,,,Q", "西藏,,,Q"]
    book = load_workbook(io.BytesIO((await client.get("/api/stats/annual/2023.xlsx")).content))
    rows = [[c.value for c in row] for row in book["provinces"].iter_rows(min_row=2)]
    assert [r for r in rows if r[3] != "Q"] == [["江苏", 8, 40_000_000, None]]
    assert all(r[1:3] == [None, None] for r in rows if r[3] == "Q")
    assert [e["version"] for e in (await client.get("/api/stats/releases")).json()["items"]] == [2, 1]


async def test_a_year_hides_what_its_month_hid_and_a_later_month_what_the_year_hid(client: ApiClient) -> None:
    analyst = await _analyst(client)
    may = _sales("m", 5, {"西藏": 1, "浙江": 6, "江苏": 8})
    await _load(analyst, may)
    assert (await analyst.post("/api/stats/releases", json={"period": "2023-05"})).status_code == 201
    assert _hidden((await client.get("/api/stats/periods/2023-05")).json()) == {"西藏", "浙江"}

    june = _sales("j", 6, {"西藏": 10, "浙江": 30, "江苏": 30})
    await _load(analyst, may + june)
    assert (await analyst.post("/api/stats/releases", json={"period": "2023"})).status_code == 201
    year = (await client.get("/api/stats/annual/2023")).json()
    # Every province of the year is large, but showing 西藏's year and then June's would give May's: the year
    # hides what May hid (and 西藏 + 浙江 hold enough sales to protect each other).
    assert _hidden(year) == {"西藏", "浙江"}
    assert year["provinces"]["江苏"] == {"units": 38, "turnover_fen": 190_000_000}

    # June comes out after the year: showing 西藏 there would give May's as the year − June.
    assert (await analyst.post("/api/stats/releases", json={"period": "2023-06"})).status_code == 201
    june_doc = (await client.get("/api/stats/periods/2023-06")).json()
    assert _hidden(june_doc) == {"西藏", "浙江"}
    # The analysts' preview still shows every cell.
    preview = (await analyst.get("/api/stats/periods/2023-06?preview=true")).json()
    assert preview["provinces"]["西藏"] == {"units": 10, "turnover_fen": 30_000_000}
