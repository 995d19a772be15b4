"""A house's submission files: checked whole before anything is written, keyed by the house's own ids."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

import pytest
from openpyxl import Workbook

from marketplace.settings import Settings
from marketplace.stats.domain.rows import SALE_COLUMNS, SESSION_COLUMNS
from marketplace.stats.models import ReportingHouse, SaleFact, SessionFact, Submission
from marketplace.stats.services.imports import ImportReport, Upload, import_submission

pytestmark = pytest.mark.usefixtures("database")

SESSIONS = [
    ["P-1", "宁波市机动车拍卖行", "浙江", "宁波", "online", "2023-05-06"],
    ["P-2", "宁波市机动车拍卖行", "浙江", "宁波", "hybrid", "2023-12-31"],
]
SALES = [
    ["S-1", "P-1", "宁波市机动车拍卖行", "2023-05-06T10:00:00+08:00", "4527100", "比亚迪", "BYD", "BEV",
     "浙江", "宁波", "江苏", "南京", "cross_province"],
    ["S-2", "P-2", "宁波市机动车拍卖行", "2023-12-31T16:30:00Z", "12000000", "丰田", "Toyota", "ICE",
     "浙江", "宁波", "浙江", "杭州", "in_province"],
]  # fmt: skip


def csv_bytes(header: tuple[str, ...], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    lines = [",".join(header), *(",".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode(encoding)


def upload(data: bytes, fmt: str = "csv") -> Upload:
    opener: Callable[[], IO[bytes]] = lambda: io.BytesIO(data)  # noqa: E731
    return Upload(opener, fmt)  # type: ignore[arg-type]


async def run(sessions: bytes | None, sales: bytes | None, **kw: Any) -> ImportReport:
    return await import_submission(
        upload(sessions) if sessions is not None else None, upload(sales) if sales is not None else None, **kw
    )


async def test_a_gbk_file_imports_and_a_second_import_changes_nothing(database: Settings) -> None:
    first = await run(csv_bytes(SESSION_COLUMNS, SESSIONS, "gbk"), csv_bytes(SALE_COLUMNS, SALES, "gbk"))
    assert (first.error_count, first.imported, first.created) == (0, True, 4)
    house = await ReportingHouse.get(name="宁波市机动车拍卖行")  # a house not on the platform: a reporting house
    assert (house.province, house.city, house.organisation_id) == ("浙江", "宁波", None)
    sale = await SaleFact.get(sale_key="S-2")
    assert (sale.hammer_fen, sale.transfer, sale.energy) == (12_000_000, "in_province", "ICE")
    again = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, SALES, "utf-8-sig"))
    assert (again.created, again.updated, again.unchanged, again.submission_id) == (0, 0, 4, None)
    assert await Submission.all().count() == 1
    assert await SaleFact.all().count() == 2


async def test_a_file_with_a_bad_row_changes_nothing_unless_good_rows_are_asked_for(database: Settings) -> None:
    bad_sales = [*SALES, ["S-3", "P-1", "宁波市机动车拍卖行", "2023-05-06 10:00", "45271.00", "大众", "", "EV",
                          "浙江", "宁波", "", "", "cross_province"]]  # fmt: skip
    report = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, bad_sales))
    assert not report.imported
    assert {(e.line, e.column, e.reason) for e in report.errors} == {
        (4, "sales:sold_at", "no_offset"),
        (4, "sales:hammer_price_fen", "not_integer"),
        (4, "sales:energy_type", "bad_choice"),
    }
    assert await SaleFact.all().count() == 0
    assert await SessionFact.all().count() == 0
    good = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, bad_sales), good_rows_only=True)
    assert (good.imported, await SaleFact.all().count()) == (True, 2)


async def test_sales_must_name_a_known_session_once(database: Settings) -> None:
    sales = [*SALES, SALES[0], ["S-9", "P-404", *SALES[0][2:]]]
    report = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, sales))
    assert {(e.line, e.reason) for e in report.errors} == {(4, "duplicate_id"), (5, "unknown_session")}


async def test_a_sales_file_alone_uses_sessions_imported_before(database: Settings) -> None:
    await run(csv_bytes(SESSION_COLUMNS, SESSIONS), None)
    report = await run(None, csv_bytes(SALE_COLUMNS, SALES))
    assert (report.error_count, report.created) == (0, 2)


async def test_a_wrong_header_is_one_clear_error(database: Settings) -> None:
    report = await run(csv_bytes(tuple(reversed(SESSION_COLUMNS)), SESSIONS), None)
    assert [(e.line, e.column, e.reason) for e in report.errors] == [(1, "file:header", "bad_header")]


async def test_warnings_are_listed_and_approve_approves_with_them(database: Settings) -> None:
    far = [*SALES[:1], ["S-2", "P-2", "宁波市机动车拍卖行", "2023-12-20T10:00:00+08:00", *SALES[1][4:]]]
    report = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, far), approve=True)
    assert [(w.code, w.subject) for w in report.warnings] == [("sale_outside_session", "S-2")]
    sub = await Submission.get(id=report.submission_id)
    assert sub.status == "approved"
    assert sub.warnings[0]["code"] == "sale_outside_session"


async def test_an_xlsx_with_the_same_header_imports(database: Settings) -> None:
    def sheet(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
        book = Workbook()
        ws = book.active
        assert ws is not None
        ws.append(list(header))
        for r in rows:
            ws.append([int(v) if v.isdigit() and len(v) > 6 else v for v in r])  # a price typed as a number
        for _ in range(3):
            ws.append([None] * len(header))  # spreadsheets end with blank rows
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    report = await import_submission(
        upload(sheet(SESSION_COLUMNS, SESSIONS), "xlsx"), upload(sheet(SALE_COLUMNS, SALES), "xlsx")
    )
    assert (report.error_count, report.created) == (0, 4)
    assert (await SaleFact.get(sale_key="S-1")).hammer_fen == 4_527_100
