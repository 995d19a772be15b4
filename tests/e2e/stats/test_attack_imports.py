"""Hostile files and bodies against the statistics desk: workbooks that unpack or pad into huge work, CSV the csv
module cannot read, embargoes moved earlier or set in the past, years past the calendar. A 4xx with a stable code,
never a 500; embargoed releases leak neither their size nor into a shared cache."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

from openpyxl import Workbook

from marketplace.stats.domain.rows import SESSION_COLUMNS
from marketplace.stats.models import SessionFact
from tests.e2e.stats.test_stats_http import _analyst, _submit
from tests.integration.stats.test_imports import SALES
from tests.support import ApiClient
from tests.support_sheets import lying_sizes_xlsx

SHEET = "xl/worksheets/sheet1.xml"


def _sessions_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(SESSION_COLUMNS))
    sheet.append(["P-1", "宁波市机动车拍卖行", "浙江", "宁波", "online", "2023-05-06"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_member(name: str, write: object) -> bytes:
    """The sessions workbook with part `name` replaced by what `write(member)` streams into it."""
    base = _sessions_xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open(name, "w", force_zip64=True) as member:
            write(member)  # type: ignore[operator]
    return out.getvalue()


def _bomb_sheet(member: io.RawIOBase) -> None:
    # Whitespace between elements is valid XML and deflates about 1000:1: 8 MB from a body of about 8 kB.
    member.write(b'<?xml version="1.0" encoding="UTF-8"?>')
    member.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    chunk = b" " * (1024 * 1024)
    for _ in range(8):
        member.write(chunk)
    member.write(b"</sheetData></worksheet>")


def _gap_sheet(member: io.RawIOBase) -> None:
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in
                     enumerate(SESSION_COLUMNS))  # fmt: skip
    member.write(('<?xml version="1.0" encoding="UTF-8"?>'
                  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  f'<row r="1">{header}</row><row r="5000000"><c r="A5000000" t="inlineStr"><is><t>x</t></is></c>'
                  "</row></sheetData></worksheet>").encode())  # fmt: skip


def _padding(member: io.RawIOBase) -> None:
    chunk = b"\0" * (1024 * 1024)
    for _ in range(8):
        member.write(chunk)


async def _post_xlsx(analyst: ApiClient, data: bytes) -> tuple[int, dict[str, object]]:
    assert len(data) < 1024 * 1024  # under the body limit: the bounds here are the workbook's own
    r = await analyst.post("/api/stats/imports?file=sessions&format=xlsx&approve=true", content=data)
    return r.status_code, r.json()


async def test_a_workbook_that_unpacks_or_pads_into_huge_work_is_refused_with_413(client: ApiClient) -> None:
    analyst = await _analyst(client)
    for data in (_with_member(SHEET, _bomb_sheet), _with_member(SHEET, _gap_sheet),
                 _with_member("xl/media/padding.bin", _padding)):  # fmt: skip
        status, body = await _post_xlsx(analyst, data)
        assert (status, body["error"]["code"]) == (413, "sheet_too_large"), body  # type: ignore[index]
    assert await SessionFact.all().count() == 0
    status, body = await _post_xlsx(analyst, _sessions_xlsx())  # an honest workbook still imports
    assert (status, body["created"], body["imported"]) == (200, 1, True), body


async def test_a_sheet_longer_than_its_declared_size_is_a_bad_file_not_a_500(client: ApiClient) -> None:
    analyst = await _analyst(client)
    # The lying part is a listings workbook: its header is wrong, but zipfile's CRC check comes first or not at
    # all; either way the answer is the file's error, never an internal one.
    status, body = await _post_xlsx(analyst, lying_sizes_xlsx())
    assert status == 200, body
    assert body["imported"] is False, body
    assert body["error_count"] == 1, body
    assert await SessionFact.all().count() == 0


async def test_an_embargoed_revision_is_kept_by_no_cache_and_does_not_tell_its_size(client: ApiClient) -> None:
    analyst = await _analyst(client)
    await _submit(analyst)
    assert (await analyst.post("/api/stats/releases", json={"period": "2023"})).status_code == 201
    public = await client.get("/api/stats/annual/2023")
    assert public.headers["cache-control"] == "public, max-age=60"
    corrected = [[*SALES[0][:4], "5000000", *SALES[0][5:]], SALES[1]]
    await _submit(analyst, corrected)
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = await analyst.post("/api/stats/releases", json={"period": "2023", "embargo_until": later})
    assert (r.status_code, r.json()["published"]) == (201, False)
    assert r.headers["cache-control"] == "private, no-store"

    for caller in (client, analyst):
        calendar = await caller.get("/api/stats/releases")
        assert calendar.headers["cache-control"] == "private, no-store"
        v2 = next(e for e in calendar.json()["items"] if e["version"] == 2)
        assert v2["changes"] == (0 if caller is client else v2["changes"])
    assert next(e for e in (await client.get("/api/stats/releases")).json()["items"] if e["version"] == 2) == {
        "period": "2023", "version": 2, "embargo_until": r.json()["embargo_until"], "published": False,
        "comment": "", "changes": 0,
    }  # fmt: skip
    assert (await client.get("/api/stats/annual/2023")).json()["version"] == 1  # the public still reads v1
    for url in ("/api/stats/annual/2023", "/api/stats/annual/2023?version=2", "/api/stats/periods/2023",
                "/api/stats/annual/2023/headline.csv", "/api/stats/annual/2023/headline.csv-metadata.json",
                "/api/stats/annual/2023.xlsx", "/api/stats/annual/2023?preview=true"):  # fmt: skip
        seen = await analyst.get(url)
        assert seen.status_code == 200, url
        assert seen.headers["cache-control"] == "private, no-store", url
    v1 = await analyst.get("/api/stats/annual/2023?version=1")  # a public version stays cacheable
    assert v1.headers["cache-control"] == "public, max-age=60"


async def test_csv_the_csv_module_cannot_read_is_a_file_error_not_a_500(client: ApiClient) -> None:
    analyst = await _analyst(client)
    header = ",".join(SESSION_COLUMNS)
    good = "P-1,宁波市机动车拍卖行,浙江,宁波,online,2023-05-06"
    for body in (f"{header}\n{good}\nP-2,{'x' * 200_000},浙江,宁波,online,2023-05-06\n",  # over the field limit
                 f"{header}\n{good}\nP-2,宁波\r市机动车拍卖行,浙江,宁波,online,2023-05-06\n",  # a lone CR
                 f'{header}\n{good}\nP-2,"宁波{"y" * 200_000}\n'):  # fmt: skip
        r = await analyst.post("/api/stats/imports?file=sessions&approve=true", content=body.encode())
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["imported"], report["error_count"]) == (False, 1), report
        assert (report["errors"][0]["column"], report["errors"][0]["reason"]) == ("file:file", "malformed_csv"), report
    assert await SessionFact.all().count() == 0


async def test_no_release_goes_out_before_an_embargo_it_would_give_away(client: ApiClient) -> None:
    analyst = await _analyst(client)
    await _submit(analyst)
    soon, later = datetime.now(UTC) + timedelta(hours=1), datetime.now(UTC) + timedelta(hours=3)
    r = await analyst.post("/api/stats/releases", json={"period": "2023", "embargo_until": later.isoformat()})
    assert r.status_code == 201, r.text
    corrected = [[*SALES[0][:4], "5000000", *SALES[0][5:]], SALES[1]]
    await _submit(analyst, corrected)
    # A revision before v1's embargo would publish v1's figures (its note's old values) early.
    for body in ({"period": "2023", "embargo_until": soon.isoformat()},):
        refused = await analyst.post("/api/stats/releases", json=body)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "release_before_embargo"), body
    kept = await analyst.post("/api/stats/releases", json={"period": "2023", "comment": "更正"})  # keeps v1's time
    assert (kept.status_code, kept.json()["version"]) == (201, 2), kept.text
    assert datetime.fromisoformat(kept.json()["embargo_until"]) == later
    assert (await client.get("/api/stats/annual/2023")).status_code == 404

    # A year or half-year adds up its months: not before a month inside it is public.
    month = await analyst.post("/api/stats/releases", json={"period": "2023-05", "embargo_until": later.isoformat()})
    assert month.status_code == 201, month.text
    for period in ("2023-H1",):
        r = await analyst.post("/api/stats/releases", json={"period": period, "embargo_until": soon.isoformat()})
        assert (r.status_code, r.json()["error"]["code"]) == (409, "release_before_embargo"), period
        r = await analyst.post("/api/stats/releases", json={"period": period})
        assert (r.status_code, r.json()["error"]["code"]) == (409, "release_before_embargo"), period
    ok = await analyst.post("/api/stats/releases", json={"period": "2023-H2"})  # no embargoed month inside
    assert ok.status_code == 201, ok.text
    assert (await analyst.post("/api/stats/releases", json={"period": "2023-H1", "embargo_until": later.isoformat()}
                               )).status_code == 201  # fmt: skip


async def test_a_backdated_embargo_is_refused(client: ApiClient) -> None:
    analyst = await _analyst(client)
    await _submit(analyst)
    past = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    r = await analyst.post("/api/stats/releases", json={"period": "2023", "embargo_until": past})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), r.text
    assert r.json()["error"]["details"][0]["type"] == "embargo_in_past"
    assert (await analyst.get("/api/stats/releases")).json()["items"] == []


async def test_years_past_the_calendar_and_datetimes_past_9999_are_refused_not_a_500(client: ApiClient) -> None:
    analyst = await _analyst(client)
    for period in ("9999", "9999-H2", "9999-12"):
        r = await analyst.post("/api/stats/releases", json={"period": period})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (period, r.text)
    for url in ("/api/stats/annual/9999", "/api/stats/periods/9999-12", "/api/stats/annual/9999.xlsx"):
        r = await client.get(url)
        assert r.status_code == 404, url
    for moment in ("9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00+00:00"):
        r = await analyst.post("/api/stats/releases", json={"period": "2023", "embargo_until": moment})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), (moment, r.text)
        assert r.json()["error"]["details"][0]["type"] == "datetime_out_of_range", r.text
        assert r.json()["error"]["details"][0]["loc"] == ["body", "embargo_until"], r.text
