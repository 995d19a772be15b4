"""Monthly returns (月报): a house's aggregated month, submitted through the desk's form or the API.

A house submits either rows (files, or the platform's own facts) or a return for a month, never both: a return
for a month that has rows is refused with `month_has_rows`, and rows for a month that has a return with
`month_has_return` (imports). A return whose parts disagree with its totals is refused (`return_inconsistent`,
every disagreement listed). Each accepted return is a submission of its own that an analyst approves or sends
back; submitting the same figures again changes nothing, different figures replace the return and wait for
review again.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.accounts.models import Organisation
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.stats.domain.periods import CST
from marketplace.stats.domain.review import MonthlyReturn as Figures
from marketplace.stats.domain.review import return_warnings
from marketplace.stats.models import MonthlyReturn, ReportingHouse, SaleFact, SessionFact, Submission
from marketplace.stats.services.platform import platform_house

FIELDS = ("sessions_online", "sessions_onsite", "units", "turnover_fen", "bev_units", "bev_turnover_fen",
          "transfer_in_province", "transfer_cross_province", "units_by_band")  # fmt: skip


def month_days(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:7])
    first = date(year, mon, 1)
    after = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    return first, after - timedelta(days=1)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The month's instants in UTC: from its first Beijing midnight to the next month's."""
    first, last = month_days(month)
    start = datetime.combine(first, time.min, CST).astimezone(UTC)
    return start, datetime.combine(last + timedelta(days=1), time.min, CST).astimezone(UTC)


async def month_has_rows(house_id: int, month: str) -> bool:
    start, end = month_bounds(month)
    first, last = month_days(month)
    if await SaleFact.exists(house_id=house_id, sold_at__gte=start, sold_at__lt=end):
        return True
    return await SessionFact.exists(house_id=house_id, held_on__gte=first, held_on__lte=last)


async def house_for_org(org_id: int) -> ReportingHouse:
    org = await Organisation.get_or_none(id=org_id)
    if org is None:
        raise NotFound("no such house", code="house_not_found")
    async with in_transaction() as conn:
        return await platform_house(conn, org.id, org.name)


async def submit(house: ReportingHouse, figures: Figures, by_user: int) -> tuple[MonthlyReturn, bool]:
    """Record the return; (row, changed). Refused when inconsistent or when the month has rows."""
    problems = return_warnings(figures)
    if problems:
        raise ValidationFailed(
            "the return's parts disagree with its totals",
            code="return_inconsistent",
            details=[{"code": w.code, "subject": w.subject, "detail": w.detail} for w in problems],
        )
    values: dict[str, Any] = {k: v for k, v in asdict(figures).items() if k in FIELDS}
    values["units_by_band"] = dict(figures.units_by_band)
    for _ in range(3):
        try:
            async with in_transaction():
                if await month_has_rows(house.id, figures.month):
                    raise Conflict("this house submitted rows for this month: a month is rows or a return, "
                                   "never both", code="month_has_rows")  # fmt: skip
                existing = await MonthlyReturn.filter(house_id=house.id, month=figures.month).first()
                if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
                    return existing, False
                submission = await Submission.create(source="return", submitted_by_id=by_user, house_id=house.id,
                                                     sales_rows=figures.units)  # fmt: skip
                if existing is None:
                    row = await MonthlyReturn.create(house_id=house.id, month=figures.month, submission=submission,
                                                     **values)  # fmt: skip
                else:
                    await MonthlyReturn.filter(id=existing.id).update(submission_id=submission.id, **values)
                    row = await MonthlyReturn.get(id=existing.id)
                return row, True
        except IntegrityError:
            continue  # the same month submitted twice at once: the second sees the first's row
    raise Conflict("the return is being submitted by someone else; try again", code="return_busy")


async def listing(house_ids: set[int] | None, month: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Returns with their review status, newest first; `house_ids` None for an analyst (every house)."""
    query = MonthlyReturn.all().prefetch_related("house", "submission").order_by("-month", "-id").limit(limit)
    if house_ids is not None:
        query = query.filter(house_id__in=house_ids)
    if month is not None:
        query = query.filter(month=month)
    return [out(r) for r in await query]


def out(row: MonthlyReturn) -> dict[str, Any]:
    return {
        "id": row.id, "house_id": row.house.id, "house": row.house.name, "month": row.month,
        **{k: getattr(row, k) for k in FIELDS},
        "submission_id": row.submission.id, "status": row.submission.status, "comment": row.submission.comment,
        "updated_at": row.updated_at,
    }  # fmt: skip
