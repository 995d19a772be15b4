"""Releases sum the rows in the database (GROUP BY); the per-row path is the reference: both give equal levels."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from marketplace.settings import Settings
from marketplace.stats import dataset
from marketplace.stats.domain.periods import Period
from marketplace.stats.models import ReportingHouse, SaleFact, SessionFact, Submission
from marketplace.stats.services import reports

pytestmark = pytest.mark.usefixtures("database")


async def _load_sample() -> None:
    approved = await Submission.create(source="file", status="approved")
    for targets in (dataset.scaled(dataset.Y2022, 400), dataset.scaled(dataset.Y2023, 400)):
        sessions, sales = dataset.year(targets)
        ids: dict[str, int] = {}
        for house in dataset.houses(targets.houses):
            found = await ReportingHouse.get_or_none(name=house.name)
            ids[house.key] = (found or await ReportingHouse.create(name=house.name, province=house.province)).id
        await SessionFact.bulk_create([SessionFact(house_id=ids[s.house.key], session_key=s.session_key,
                                                   kind=s.kind, held_on=s.held_on, submission=approved)
                                       for s in sessions])  # fmt: skip
        await SaleFact.bulk_create([SaleFact(house_id=ids[s.house.key], sale_key=s.sale_key, session_key=s.session_key,
                                             sold_at=s.sold_at, hammer_fen=s.hammer_fen, make=s.make, energy=s.energy,
                                             seller_province=s.seller_province, seller_city=s.seller_city,
                                             transfer=s.transfer, submission=approved) for s in sales])  # fmt: skip


async def _edge_cases() -> None:
    house = await ReportingHouse.create(name="边界拍卖行", province="浙江")
    waiting = await Submission.create(source="file", status="received")
    edges = [
        # (sold_at UTC, fen, transfer, province, undone, submission)
        (datetime(2022, 12, 31, 16, 0, tzinfo=UTC), 5_000_000, "unknown", "浙江", False, None),  # 2023-01-01 in Beijing
        (datetime(2023, 12, 31, 16, 0, tzinfo=UTC), 4_999_999, "none", "浙江", False, None),  # 2024-01-01 in Beijing
        # Still 2023 in Beijing, by a microsecond (SQLite's date functions round to milliseconds).
        (datetime(2023, 12, 31, 15, 59, 59, 999_999, tzinfo=UTC), 20_000_000, "in_province", "", False, None),
        (datetime(2023, 1, 31, 16, 30, tzinfo=UTC), 19_999_999, "cross_province", "", False, None),  # February
        (datetime(2023, 6, 1, 4, 0, 0, 250_000, tzinfo=UTC), 10_000_000, "unknown", "江苏", False, None),
        (datetime(2023, 6, 2, 4, 0, tzinfo=UTC), 7_000_000, "none", "江苏", True, None),  # undone: not counted
        (datetime(2023, 6, 3, 4, 0, tzinfo=UTC), 7_000_000, "none", "江苏", False, waiting),  # not approved yet
    ]
    for i, (moment, fen, transfer, province, undone, sub) in enumerate(edges):
        await SaleFact.create(house=house, sale_key=f"lot:{i}", session_key="", sold_at=moment, hammer_fen=fen,
                              make="大众", energy="BEV" if i % 2 else "HEV", seller_province=province,
                              transfer=transfer, undone=undone, submission=sub)  # fmt: skip
    await SessionFact.create(house=house, session_key="edge-1", kind="online", held_on=date(2023, 12, 31))
    await SessionFact.create(house=house, session_key="edge-2", kind="hybrid", held_on=date(2023, 1, 1),
                             submission=waiting)  # fmt: skip


@pytest.mark.parametrize("key", ["2023", "2022", "2023-01", "2023-02", "2023-H1", "2023-12", "2024"])
async def test_the_database_sums_what_the_per_row_path_sums(database: Settings, key: str) -> None:
    await _load_sample()
    await _edge_cases()
    period = Period.parse(key)
    by_sql, by_rows = await reports.levels_of(period), await reports.levels_by_rows(period)
    assert by_sql == by_rows
    if key.startswith("2023"):
        assert by_sql.units > 0
    if key == "2023":
        assert by_sql.transfer_unknown == 2
        assert by_sql.units == dataset.scaled(dataset.Y2023, 400).units + 4  # the sample and four edge sales
        assert "" in by_sql.provinces
        assert by_sql.months["2023-02"].units > 0


async def test_the_published_document_is_the_per_row_document(database: Settings) -> None:
    await _load_sample()
    await _edge_cases()
    period = Period.whole_year(2023)
    current, base = await reports.levels_by_rows(period), await reports.levels_by_rows(period.year_earlier())
    assert await reports.document(period, 5) == reports.document_of(period, current, base, 5)
