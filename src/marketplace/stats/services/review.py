"""The desk's view of one house's month: its figures, warnings, outliers against a year earlier, the thread.

The figures are what the house submitted for the month, approved or not (the analyst reviews before approving):
sales not undone and sessions, by source (platform, import), or its monthly return. Outliers compare units and
turnover with the same month a year earlier (by the same reckoning), flagged above `factor` times or below
1/`factor` (`domain.review.is_outlier`: the boundary itself is not flagged).
"""

from __future__ import annotations

from typing import Any

from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from marketplace.errors import NotFound
from marketplace.stats.domain.review import MonthlyReturn as Figures
from marketplace.stats.domain.review import Warning, is_outlier, return_warnings, sale_warnings
from marketplace.stats.domain.rows import SaleRow
from marketplace.stats.models import MonthlyReturn, ReportingHouse, ReviewComment, SaleFact, SessionFact, Submission
from marketplace.stats.services import imports
from marketplace.stats.services.returns import FIELDS, month_bounds, month_days

MAX_WARNINGS = 200


def year_earlier(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}{month[4:]}"


async def house_of(house_id: int, allowed_orgs: set[int] | None) -> ReportingHouse:
    """The house, if the caller may see it (`allowed_orgs` None: an analyst); otherwise as if absent."""
    house = await ReportingHouse.get_or_none(id=house_id)
    if house is None or (allowed_orgs is not None and house.organisation_id not in allowed_orgs):
        raise NotFound("no such house", code="house_not_found")
    return house


async def _levels(house_id: int, month: str) -> dict[str, Any]:
    start, end = month_bounds(month)
    first, last = month_days(month)
    by_source: dict[str, dict[str, int]] = {}
    rows = (
        await SaleFact.filter(house_id=house_id, sold_at__gte=start, sold_at__lt=end, undone=False)
        .annotate(n=Count("id"), fen=Sum("hammer_fen"))
        .group_by("source")
        .values_list("source", "n", "fen")
    )
    for source, n, fen in rows:
        by_source[str(source)] = {"units": int(n), "turnover_fen": int(fen or 0)}
    undone = await SaleFact.filter(house_id=house_id, sold_at__gte=start, sold_at__lt=end, undone=True).count()
    unknown = await SaleFact.filter(
        house_id=house_id, sold_at__gte=start, sold_at__lt=end, undone=False, transfer="unknown"
    ).count()
    sessions = (
        await SessionFact.filter(house_id=house_id, held_on__gte=first, held_on__lte=last)
        .annotate(n=Count("id"))
        .group_by("kind")
        .values_list("kind", "n")
    )
    kinds = {str(k): int(n) for k, n in sessions}
    ret = await MonthlyReturn.filter(house_id=house_id, month=month).prefetch_related("submission").first()
    units = sum(v["units"] for v in by_source.values())
    turnover = sum(v["turnover_fen"] for v in by_source.values())
    if by_source.get("platform"):  # the platform's record is the month (reports.platform_months)
        units, turnover = by_source["platform"]["units"], by_source["platform"]["turnover_fen"]
    elif ret is not None:
        units, turnover = ret.units, int(ret.turnover_fen)
    return {
        "units": units,
        "turnover_fen": turnover,
        "by_source": by_source,
        "undone": undone,
        "transfer_unknown": unknown,
        "sessions": kinds,
        "return": {k: getattr(ret, k) for k in FIELDS} | {"submission_id": ret.submission.id,
                                                          "status": ret.submission.status} if ret else None,
    }  # fmt: skip


async def _warnings(house: ReportingHouse, month: str) -> tuple[int, list[Warning]]:
    start, end = month_bounds(month)
    held = dict(await SessionFact.filter(house_id=house.id).values_list("session_key", "held_on"))
    count, found = 0, list[Warning]()
    sales = await SaleFact.filter(house_id=house.id, sold_at__gte=start, sold_at__lt=end, undone=False).values_list(
        "sale_key", "session_key", "sold_at", "hammer_fen"
    )
    for key, session, sold_at, fen in sales:
        row = SaleRow(0, key, session, house.name, sold_at, int(fen), "", "", "ICE", "", "", "", "", "none")
        for w in sale_warnings(row, held.get(session)):
            count += 1
            if len(found) < MAX_WARNINGS:
                found.append(w)
    ret = await MonthlyReturn.filter(house_id=house.id, month=month).first()
    if ret is not None:
        figures = Figures(month, **{k: getattr(ret, k) for k in FIELDS})
        for w in return_warnings(figures):
            count += 1
            found.append(w)
    return count, found


async def month_view(house: ReportingHouse, month: str, factor: int) -> dict[str, Any]:
    current = await _levels(house.id, month)
    base = await _levels(house.id, year_earlier(month))
    outliers = []
    for measure in ("units", "turnover_fen"):
        value, before = current[measure], base[measure]
        outliers.append({"measure": measure, "value": value, "year_earlier": before,
                         "flagged": is_outlier(value, before, factor)})  # fmt: skip
    count, warnings = await _warnings(house, month)
    submissions = await _submissions_of(house.id, month)
    comments = await ReviewComment.filter(house_id=house.id, month=month).order_by("id")
    return {
        "house": {
            "id": house.id,
            "name": house.name,
            "province": house.province,
            "city": house.city,
            "on_platform": house.organisation_id is not None,
        },  # fmt: skip
        "month": month,
        "figures": current,
        "year_earlier": {"month": year_earlier(month), "units": base["units"], "turnover_fen": base["turnover_fen"]},
        "outlier_factor": factor,
        "outliers": outliers,
        "warning_count": count,
        "warnings": [{"code": w.code, "subject": w.subject, "detail": w.detail} for w in warnings],
        "submissions": [
            {"id": s.id, "source": s.source, "status": s.status, "comment": s.comment, "created_at": s.created_at}
            for s in submissions
        ],
        "comments": [
            {
                "id": c.id,
                "author_user_id": c.author_user_id,
                "author_role": c.author_role,
                "text": c.text,
                "created_at": c.created_at,
            }  # fmt: skip
            for c in comments
        ],
    }


async def _submissions_of(house_id: int, month: str) -> list[Submission]:
    start, end = month_bounds(month)
    first, last = month_days(month)
    ids = set(
        await SaleFact.filter(house_id=house_id, sold_at__gte=start, sold_at__lt=end, submission_id__not_isnull=True)
        .distinct()
        .values_list("submission_id", flat=True)
    )
    ids |= set(
        await SessionFact.filter(house_id=house_id, held_on__gte=first, held_on__lte=last,
                                 submission_id__not_isnull=True)
        .distinct()
        .values_list("submission_id", flat=True)
    )  # fmt: skip
    ids |= set(await MonthlyReturn.filter(house_id=house_id, month=month).values_list("submission_id", flat=True))
    return await Submission.filter(id__in=ids).order_by("-id") if ids else []


async def comment(house: ReportingHouse, month: str, text: str, by_user: int, role: str) -> ReviewComment:
    return await ReviewComment.create(house_id=house.id, month=month, author_user_id=by_user, author_role=role,
                                      text=text)  # fmt: skip


async def decide(house: ReportingHouse, month: str, submission_id: int, decision: str, text: str,
                 by_user: int) -> Submission:  # fmt: skip
    """An analyst approves or sends back a submission of this month; the comment joins the month's thread."""
    if submission_id not in {s.id for s in await _submissions_of(house.id, month)}:
        raise NotFound("no such submission for this house and month", code="submission_not_found")
    sub = await imports.decide(submission_id, decision, text, by_user)
    async with in_transaction():
        label = "approved" if decision == "approve" else "correction requested"
        await ReviewComment.create(house_id=house.id, month=month, author_user_id=by_user, author_role="analyst",
                                   text=f"[{label}] {text}".strip())  # fmt: skip
    return sub
