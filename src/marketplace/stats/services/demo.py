"""Loading the calibrated national dataset (2022 and 2023) as approved facts, and publishing its releases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import islice

from tortoise.transactions import in_transaction

from marketplace.stats import dataset
from marketplace.stats.domain.periods import Period
from marketplace.stats.models import ReportingHouse, SaleFact, SessionFact, Submission
from marketplace.stats.services import reports

BATCH = 5_000


async def load_national(
    *, divisor: int = 1, small_cell_k: int = 5, progress: Callable[[str, int, int], None] = lambda s, d, t: None
) -> int:
    """Writes both years (divided by `divisor` for a small demo) and publishes 2022 and 2023; returns the sales."""
    submission = await Submission.create(source="demo", status="approved", decided_at=datetime.now(UTC),
                                         comment="calibrated national dataset (stats.dataset)")  # fmt: skip
    written = 0
    for targets in (dataset.scaled(dataset.Y2022, divisor), dataset.scaled(dataset.Y2023, divisor)):
        sessions, sales = dataset.year(targets)
        ids: dict[str, int] = {}
        for house in {s.house.key: s.house for s in sessions}.values():
            row, _ = await ReportingHouse.get_or_create(
                name=house.name, defaults={"province": house.province, "city": house.city}
            )
            ids[house.key] = row.id
        for start in range(0, len(sessions), BATCH):
            await SessionFact.bulk_create(
                [
                    SessionFact(
                        house_id=ids[s.house.key],
                        session_key=s.session_key,
                        kind=s.kind,
                        held_on=s.held_on,
                        submission=submission,
                    )
                    for s in sessions[start : start + BATCH]
                ]  # fmt: skip
            )
        done = 0
        while batch := list(islice(sales, BATCH)):
            async with in_transaction():
                await SaleFact.bulk_create(
                    [
                        SaleFact(
                            house_id=ids[s.house.key],
                            sale_key=s.sale_key,
                            session_key=s.session_key,
                            sold_at=s.sold_at.astimezone(UTC),
                            hammer_fen=s.hammer_fen,
                            make=s.make,
                            energy=s.energy,
                            seller_province=s.seller_province,
                            seller_city=s.seller_city,
                            transfer=s.transfer,
                            submission=submission,
                        )
                        for s in batch
                    ]  # fmt: skip
                )
            done += len(batch)
            progress(f"{targets.year} sales", done, targets.units)
        written += done
    now = datetime.now(UTC)
    for year in (2022, 2023):
        await reports.publish(Period.whole_year(year), now, "全国机动车拍卖年报（演示数据）", None, small_cell_k)
    return written
