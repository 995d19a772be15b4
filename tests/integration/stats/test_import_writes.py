"""The import's write path (one lookup and one upsert per batch): what a second import of a file does."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tortoise import connections

from marketplace.settings import Settings
from marketplace.stats.domain.rows import SALE_COLUMNS, SESSION_COLUMNS
from marketplace.stats.models import SaleFact, SessionFact, Submission
from marketplace.stats.services import imports, staging, upserts
from marketplace.stats.services.imports import Upload, import_submission
from tests.integration.stats.test_imports import SALES, SESSIONS, csv_bytes, run

pytestmark = pytest.mark.usefixtures("database")

HOUSE = "宁波市机动车拍卖行"


def many_sales(n: int, price: int = 4_527_100) -> bytes:
    rows = [[f"M-{i:06d}", "P-1", HOUSE, "2023-05-06T10:00:00+08:00", str(price + i), "大众", "", "ICE",
             "浙江", "宁波", "", "", "none"] for i in range(n)]  # fmt: skip
    return csv_bytes(SALE_COLUMNS, rows)


async def snapshot() -> list[tuple[object, ...]]:
    sales = await SaleFact.all().order_by("id").values_list(
        "id", "house_id", "sale_key", "session_key", "sold_at", "hammer_fen", "make", "make_en", "energy",
        "seller_province", "seller_city", "buyer_province", "buyer_city", "transfer", "undone", "submission_id",
    )  # fmt: skip
    sessions = (
        await SessionFact.all()
        .order_by("id")
        .values_list("id", "house_id", "session_key", "kind", "held_on", "submission_id")
    )
    return [*sales, *sessions]


async def test_importing_a_file_of_several_batches_twice_changes_nothing(database: Settings) -> None:
    sessions, sales = csv_bytes(SESSION_COLUMNS, SESSIONS), many_sales(2 * imports.BATCH + 17)
    first = await run(sessions, sales)
    assert (first.created, first.updated, first.unchanged) == (2 + 2 * imports.BATCH + 17, 0, 0)
    before = await snapshot()
    assert len(before) == 2 + 2 * imports.BATCH + 17
    sale = await SaleFact.get(sale_key="M-000003")
    assert (sale.hammer_fen, sale.sold_at, sale.transfer) == (4_527_103, datetime(2023, 5, 6, 2, tzinfo=UTC), "none")
    again = await run(sessions, sales)
    assert (again.created, again.updated, again.unchanged, again.submission_id) == (0, 0, len(before), None)
    assert await snapshot() == before  # not a row, not a submission id, not a moment's text changed
    assert await Submission.all().count() == 1


async def test_a_row_whose_id_exists_with_other_values_is_updated_by_the_later_file(database: Settings) -> None:
    # Ids are the house's keys: a later file with the same sale_id is the house's correction of that sale. It
    # replaces the values (and the row joins the new submission, which waits for approval again); the others
    # are left alone and counted unchanged.
    await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, SALES), approve=True)
    first_id = (await SaleFact.get(sale_key="S-1")).id
    corrected = [["S-1", "P-2", HOUSE, "2023-12-31T09:00:00+08:00", "4600000", "比亚迪", "BYD", "BEV",
                  "浙江", "宁波", "浙江", "杭州", "in_province"], SALES[1]]  # fmt: skip
    report = await run(None, csv_bytes(SALE_COLUMNS, corrected))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    sale = await SaleFact.get(sale_key="S-1")
    assert (sale.id, sale.session_key, sale.hammer_fen, sale.transfer) == (first_id, "P-2", 4_600_000, "in_province")
    assert sale.sold_at == datetime(2023, 12, 31, 1, tzinfo=UTC)
    assert sale.submission_id == report.submission_id  # type: ignore[attr-defined]
    assert (await Submission.get(id=report.submission_id)).status == "received"
    untouched = await SaleFact.get(sale_key="S-2")
    assert untouched.submission_id != report.submission_id  # type: ignore[attr-defined]
    assert await SaleFact.all().count() == 2


async def test_a_bad_row_in_the_last_batch_changes_nothing(database: Settings) -> None:
    good = many_sales(imports.BATCH + 5)
    bad = good + "M-X,P-1,宁波市机动车拍卖行,2023-05-06T10:00:00+08:00,-5,大众,,ICE,浙江,宁波,,,none\n".encode()
    report = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), bad)
    assert not report.imported
    assert [(e.line, e.reason) for e in report.errors] == [(imports.BATCH + 7, "not_integer")]
    assert (await SaleFact.all().count(), await SessionFact.all().count(), await Submission.all().count()) == (0, 0, 0)


def _generated(n: int) -> Iterator[bytes]:
    yield (",".join(SALE_COLUMNS) + "\n").encode()
    for i in range(n):
        yield (f"G-{i:07d},P-1,{HOUSE},2023-05-06T10:00:00+08:00,{4_000_000 + i},大众,,ICE,浙江,宁波,,,none\n").encode()


class _Stream(io.RawIOBase):
    """A file of generated lines, produced as it is read: the test never holds the file either."""

    def __init__(self, n: int) -> None:
        self.chunks, self.pending = _generated(n), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self.pending) < len(buffer):
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.pending += chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


@pytest.mark.timeout(600)  # tracemalloc makes it slow on a loaded machine; it is not a speed check
async def test_a_hundred_thousand_rows_import_in_bounded_memory(database: Settings) -> None:
    # ~10 MB of CSV and 100,000 parsed rows (~600 bytes each as Python objects, 60 MB together): the import
    # holds the row keys (a 64-bit hash each, ~70 bytes in a Python set) and one batch, not the rows. (100,000,
    # not a million: tracemalloc slows every allocation several times over.)
    n = 100_000
    await run(csv_bytes(SESSION_COLUMNS, SESSIONS), None)
    tracemalloc.start()
    try:
        report = await import_submission(None, Upload(lambda: io.BufferedReader(_Stream(n)), "csv"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.error_count, report.created) == (0, n)
    assert await SaleFact.all().count() == n
    assert peak < 20 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


async def test_good_rows_only_writes_exactly_the_rows_that_passed_every_check(database: Settings) -> None:
    # A row refused for its house, its session or a repeated id is not a good row: it is not written either.
    repeated = ["S-1", "P-2", HOUSE, "2023-12-31T09:00:00+08:00", "999900", "大众", "", "ICE", "浙江", "宁波", "",
                "", "none"]  # fmt: skip
    sales = [*SALES, repeated, ["S-9", "P-404", *SALES[0][2:]], ["S-8", "P-1", "别的拍卖行", *SALES[0][3:]]]
    report = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, sales), good_rows_only=True)
    assert {e.reason for e in report.errors} == {"duplicate_id", "unknown_session", "unknown_house"}
    assert (report.imported, report.created) == (True, 4)
    assert sorted(await SaleFact.all().values_list("sale_key", flat=True)) == ["S-1", "S-2"]
    assert (await SaleFact.get(sale_key="S-1")).hammer_fen == 4_527_100  # the first S-1, not the repeat


async def test_rows_moved_in_several_stretches_are_each_counted_once(
    database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The staged rows reach the fact table a stretch (`staging.MOVE` rows) at a time; a stretch's edges must
    # neither drop nor repeat a row, and each row is counted created, updated or unchanged exactly once.
    monkeypatch.setattr(staging, "MOVE", 7)
    sessions = csv_bytes(SESSION_COLUMNS, SESSIONS)
    first = await run(sessions, many_sales(30))
    assert (first.created, first.updated, first.unchanged) == (32, 0, 0)
    assert await SaleFact.all().count() == 30
    # The second file: the first 30 sales again, 10 of them with a new price, and 5 more.
    changed = many_sales(10, price=9_000_000).decode().splitlines()[1:]
    rest = many_sales(35).decode().splitlines()
    body = "\n".join([rest[0], *changed, *rest[11:]]) + "\n"
    again = await run(sessions, body.encode())
    assert (again.created, again.updated, again.unchanged) == (5, 10, 2 + 20)
    assert await SaleFact.all().count() == 35
    assert (await SaleFact.get(sale_key="M-000009")).hammer_fen == 9_000_009
    assert (await SaleFact.get(sale_key="M-000010")).hammer_fen == 4_527_110


class _Broken(_Stream):
    """A stream that fails after its first two batches of rows, as a disk or a dropped upload would."""

    def __init__(self) -> None:
        super().__init__(imports.BATCH * 3)
        self.given = 0

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.given > 2 * imports.BATCH * 70:  # ~70 bytes a row
            raise OSError("the upload broke off")
        size = super().readinto(buffer)
        self.given += size
        return size


async def test_a_check_that_fails_half_way_raises_and_leaves_nothing_behind(database: Settings) -> None:
    # The first pass runs in a child process: its failure must reach the caller as an error, never as an
    # import of the rows staged so far, and the staging tables go with it.
    await run(csv_bytes(SESSION_COLUMNS, SESSIONS), None)
    before = await snapshot()
    with pytest.raises(RuntimeError, match="the upload broke off"):
        await import_submission(None, Upload(lambda: io.BufferedReader(_Broken()), "csv"))
    assert await snapshot() == before
    conn = connections.get("default")
    if upserts.is_postgres(conn):
        sql = "SELECT tablename FROM pg_tables WHERE tablename LIKE 'stats_stage_%'"
    else:
        sql = "SELECT name FROM sqlite_temp_master WHERE name LIKE 'stats_stage_%'"
    assert (await conn.execute_query(sql))[1] == []
