"""A sale refers to an existing house and (when it has one) an existing submission, and neither can be deleted
while a sale refers to it. On SQLite by foreign keys; on PostgreSQL by statement-level triggers checking a
statement's rows set-wise (migration stats 0005): the same refusals, by the database, whatever wrote the row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError

from marketplace.settings import Settings
from marketplace.stats.models import ReportingHouse, SaleFact, Submission
from marketplace.stats.services import upserts

pytestmark = pytest.mark.usefixtures("database")

REFUSED = (IntegrityError, OperationalError)  # Tortoise's SQLite client reports a failed FK as either


def sale(house_id: int, key: str, submission_id: int | None) -> dict[str, Any]:
    return {
        "house_id": house_id,
        "sale_key": key,
        "session_key": "P-1",
        "sold_at": datetime(2023, 5, 6, 2, tzinfo=UTC),
        "hammer_fen": 4_527_100,
        "make": "大众",
        "energy": "ICE",
        "submission_id": submission_id,
    }


async def test_a_sale_must_name_an_existing_house_and_submission(database: Settings) -> None:
    house = await ReportingHouse.create(name="宁波市机动车拍卖行")
    sub = await Submission.create(source="file")
    await SaleFact.create(**sale(house.id, "S-1", sub.id))
    await SaleFact.create(**sale(house.id, "S-2", None))  # a platform sale carries no submission
    with pytest.raises(REFUSED):
        await SaleFact.create(**sale(house.id + 1000, "S-3", sub.id))
    with pytest.raises(REFUSED):
        await SaleFact.create(**sale(house.id, "S-4", sub.id + 1000))
    # One statement of many rows, one of them bad: the whole statement is refused.
    conn = connections.get("default")
    mark = "$1" if upserts.is_postgres(conn) else "?"
    with pytest.raises(REFUSED):
        await conn.execute_query(
            "INSERT INTO stats_sales (house_id, sale_key, session_key, sold_at, hammer_fen, make, make_en, energy, "
            "seller_province, seller_city, buyer_province, buyer_city, transfer, undone, source, event_seq, "
            f"submission_id) SELECT h.id, h.name || k.k, '', '2023-05-06 02:00:00+00:00', 1, '大众', '', 'ICE', '', "
            f"'', '', '', 'none', {'false' if mark == '$1' else '0'}, 'import', 0, CASE WHEN k.k = 'b' THEN "
            f"{mark} ELSE NULL END FROM stats_houses h, (SELECT 'a' AS k UNION ALL SELECT 'b') k",
            [sub.id + 1000],
        )
    # An update to a submission that does not exist is refused too.
    with pytest.raises(REFUSED):
        await SaleFact.filter(house_id=house.id, sale_key="S-1").update(submission_id=sub.id + 1000)
    assert sorted(await SaleFact.all().values_list("sale_key", flat=True)) == ["S-1", "S-2"]


async def test_a_house_or_submission_a_sale_refers_to_cannot_be_deleted(database: Settings) -> None:
    house = await ReportingHouse.create(name="宁波市机动车拍卖行")
    idle = await ReportingHouse.create(name="无销售拍卖行")
    sub, empty = await Submission.create(source="file"), await Submission.create(source="file")
    await SaleFact.create(**sale(house.id, "S-1", sub.id))
    with pytest.raises(REFUSED):
        await ReportingHouse.filter(id=house.id).delete()
    with pytest.raises(REFUSED):
        await Submission.filter(id=sub.id).delete()
    await ReportingHouse.filter(id=idle.id).delete()  # nothing refers to these
    await Submission.filter(id=empty.id).delete()
    assert await ReportingHouse.filter(id=house.id).exists()
    assert await Submission.filter(id=sub.id).exists()


async def test_a_house_deleted_while_its_sales_are_written_is_noticed(database: Settings) -> None:
    # Two transactions at once: the one deleting the house and the one inserting a sale of it. Whichever goes
    # first, the database ends with no sale of a house that does not exist.
    house = await ReportingHouse.create(name="宁波市机动车拍卖行")
    conn = connections.get("default")
    if not upserts.is_postgres(conn):
        pytest.skip(reason="SQLite has one writer at a time: no two write transactions overlap")
    async with conn.acquire_connection() as deleter, conn.acquire_connection() as writer:
        await deleter.execute("BEGIN")
        await deleter.execute("DELETE FROM stats_houses WHERE id = $1", house.id)  # not committed yet
        await writer.execute("BEGIN")
        insert = asyncio.ensure_future(
            writer.execute(
                "INSERT INTO stats_sales (house_id, sale_key, session_key, sold_at, hammer_fen, make, make_en, energy, "
                "seller_province, seller_city, buyer_province, buyer_city, transfer, undone, source, event_seq) VALUES "
                "($1, 'S-1', '', now(), 1, '大众', '', 'ICE', '', '', '', '', 'none', false, 'import', 0)",
                house.id,
            )
        )
        await asyncio.sleep(0.3)
        assert not insert.done()  # the insert waits for the delete's transaction (the house row's lock)
        await deleter.execute("COMMIT")
        with pytest.raises(Exception, match="house that does not exist"):
            await insert
        await writer.execute("ROLLBACK")
    assert await SaleFact.all().count() == 0
