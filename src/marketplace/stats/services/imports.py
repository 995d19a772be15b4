"""Importing a house's row-level submission (sessions and sales files).

Two passes. The first (`firstpass`, in a child process: parsing and checking is CPU work) reads every row and
collects errors and review warnings; the rows that pass every check go, as they come, to this import's own
staging tables (`staging`), so the upload is read and parsed once and the database stages rows while the child
checks the next ones. Nothing that counts is written until the whole upload is checked: a file with bad rows
changes nothing unless the submitter asks for its good rows. The second pass moves the staged rows into the fact
tables inside the database, a stretch at a time in short transactions (a million-row file never holds the
database for minutes), keyed by the house's own ids: the same file imported twice changes nothing, and no
submission is recorded for an import that changed nothing. Rows count in a release only once an analyst
approves their submission, so a move interrupted half-way never reaches the figures; importing the same file
again completes it. Only the set of row keys (64-bit hashes, in the child) and a batch are held in memory,
never the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from marketplace.errors import Conflict, NotFound
from marketplace.stats.models import MonthlyReturn, ReportingHouse, SessionFact, Submission
from marketplace.stats.services import pagecache, staging, upserts
from marketplace.stats.services.firstpass import (
    BATCH,
    MAX_LISTED,
    ImportReport,
    Known,
    Opener,
    Progress,
    Upload,
    check,
    digest,
)
from marketplace.stats.services.sources import BadFile

__all__ = ["BATCH", "MAX_LISTED", "ImportReport", "Opener", "Progress", "Upload", "import_submission"]


async def _known() -> Known:
    names: set[str] = {str(n) for n in await ReportingHouse.all().values_list("name", flat=True)}
    stored = await SessionFact.all().values_list("house__name", "session_key", "held_on")
    held = {digest(house, key): day for house, key, day in stored}
    returned = {digest(h, m) for h, m in await MonthlyReturn.all().values_list("house__name", "month")}
    return Known(names, held, returned)


class _Writer:
    def __init__(self, submitted_by: int | None, source: str) -> None:
        self.submitted_by = submitted_by
        self.source = source
        self.houses: dict[str, tuple[str, str]] = {}  # houses the file's sessions name first: (province, city)
        self.submission: Submission | None = None

    async def submission_id(self) -> int:
        if self.submission is None:
            self.submission = await Submission.create(source=self.source, submitted_by_id=self.submitted_by)
        return self.submission.id

    async def create_houses(self) -> None:
        # One lookup and one insert for the file's new houses (a national file names 400), not two queries a house;
        # a house another import created meanwhile is left as it is (the name is unique).
        names = list(self.houses)
        for i in range(0, len(names), 500):
            chunk = names[i : i + 500]
            stored = set(await ReportingHouse.filter(name__in=chunk).values_list("name", flat=True))
            new = [ReportingHouse(name=n, province=self.houses[n][0], city=self.houses[n][1]) for n in chunk
                   if n not in stored]  # fmt: skip
            if new:
                await ReportingHouse.bulk_create(new, ignore_conflicts=True)


async def import_submission(
    sessions: Upload | None,
    sales: Upload | None,
    *,
    submitted_by: int | None = None,
    good_rows_only: bool = False,
    approve: bool = False,
    source: str = "file",
    progress: Progress = lambda stage, done: None,
) -> ImportReport:
    known = await _known()
    pg = upserts.is_postgres(connections.get("default"))
    writer = _Writer(submitted_by, source)
    async with staging.stage(pg) as stage:

        async def staged(
            kind: str, batch: list[tuple[Any, ...]], read: int, houses: dict[str, tuple[str, str]]
        ) -> None:
            writer.houses.update(houses)
            await stage.add(kind, batch)

        try:
            report = await check(sessions, sales, known, staged, progress)
        except BadFile as exc:
            report = ImportReport()
            report.reject_row(exc.error, "file")
            return report
        if report.error_count and not good_rows_only:
            return report
        # Only now, the whole upload checked, is anything written where it counts.
        await writer.create_houses()
        async with pagecache.large():
            for kind in ("sessions", "sales"):
                stage_name = f"writing {kind}"

                def written(done: int, stage_name: str = stage_name) -> None:
                    progress(stage_name, done)

                created, updated, unchanged = await stage.move(kind, writer.submission_id, written)
                report.created += created
                report.updated += updated
                report.unchanged += unchanged
    report.imported = True
    if writer.submission is not None and not (report.created or report.updated):
        await writer.submission.delete()  # asked for before a move that then changed nothing (PostgreSQL)
        writer.submission = None
    if writer.submission is not None:
        sub = writer.submission
        sub.sessions_rows, sub.sales_rows = report.sessions_read, report.sales_read
        sub.rows_unchanged = report.unchanged
        sub.warnings = [{"code": w.code, "subject": w.subject, "detail": w.detail} for w in report.warnings]
        if approve:
            sub.status, sub.decided_at, sub.decided_by_id = "approved", datetime.now(UTC), submitted_by
        await sub.save()
        report.submission_id, report.status = sub.id, sub.status
    return report


async def decide(submission_id: int, decision: str, comment: str, by_user: int) -> Submission:
    """An analyst approves a submission (its rows then count) or sends it back for correction."""
    async with in_transaction():
        sub = await Submission.get_or_none(id=submission_id)
        if sub is None:
            raise NotFound("no such submission", code="submission_not_found")
        status = "approved" if decision == "approve" else "correction_requested"
        updated = await Submission.filter(id=sub.id, status=sub.status).update(
            status=status, comment=comment, decided_at=datetime.now(UTC), decided_by_id=by_user
        )
        if updated != 1:
            raise Conflict("the submission was decided meanwhile; reload it", code="submission_changed")
        await sub.refresh_from_db()
        return sub


async def submissions(status: str | None, limit: int = 200) -> list[Submission]:
    query = Submission.all().order_by("-id").limit(limit)
    return await (query.filter(status=status) if status else query)
