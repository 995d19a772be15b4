"""Importing a house's row-level submission (sessions and sales files).

Two passes. The first (`firstpass`, in a child process: parsing and checking is CPU work) reads every row and
collects errors and review warnings; the rows that pass every check go, as they come, to this import's own
staging tables (`staging`), so the upload is read and parsed once and the database stages rows while the child
checks the next ones. Nothing that counts is written until the whole upload is checked: a file with bad rows
changes nothing unless the submitter asks for its good rows. On SQLite (one writer at a time) the second pass
then moves the staged rows into the fact tables a stretch at a time in short transactions (a million-row file
never holds the write lock for long); a move interrupted half-way never reaches the figures (rows count in a
release only once an analyst approves their submission) and importing the same file again completes it. On
PostgreSQL the whole import is one transaction and the rows move while the child checks the next ones; it
commits only once the whole upload is checked, and rolls back otherwise. Rows are keyed by the house's own ids:
the same file imported twice changes nothing, and no submission is recorded for an import that changed
nothing. Only the set of row keys (64-bit hashes, in the child) and a few batches are held in memory, never
the rows.
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

    async def create_submission(self, raw: Any) -> int:
        """PostgreSQL: the submission, inside the import's transaction (`raw`, asyncpg), with the ORM's defaults."""
        created: int = await raw.fetchval(
            "INSERT INTO stats_submissions (source, status, submitted_by_id, sessions_rows, sales_rows, rows_unchanged,"
            " warnings, comment, created_at) VALUES ($1, 'received', $2, 0, 0, 0, '[]', '', now()) RETURNING id",
            self.source,
            self.submitted_by,
        )
        return created

    async def create_houses_in(self, raw: Any) -> None:
        """PostgreSQL: the file's new houses, inside the import's transaction, in one statement."""
        names = list(self.houses)
        if names:
            await raw.execute(
                "INSERT INTO stats_houses (name, province, city, created_at) SELECT n, p, c, now() "
                "FROM unnest($1::text[], $2::text[], $3::text[]) AS u (n, p, c) ON CONFLICT (name) DO NOTHING",
                names,
                [self.houses[n][0] for n in names],
                [self.houses[n][1] for n in names],
            )

    async def create_houses(self) -> None:
        # One lookup and one insert for the file's new houses (a national file names 400), not two queries a house;
        # a house another import created meanwhile is left as it is (the name is unique).
        names = list(self.houses)
        for i in range(0, len(names), 500):
            chunk = names[i : i + 500]
            stored = {str(n) for n in await ReportingHouse.filter(name__in=chunk).values_list("name", flat=True)}
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
    writer = _Writer(submitted_by, source)
    if upserts.is_postgres(connections.get("default")):
        report = await _import_postgres(sessions, sales, known, writer, good_rows_only, progress)
    else:
        report = await _import_sqlite(sessions, sales, known, writer, good_rows_only, progress)
    if not report.imported:
        return report
    if writer.submission is not None and not (report.created or report.updated):
        await writer.submission.delete()  # asked for before a move that then changed nothing
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


def _bad_file(exc: BadFile) -> ImportReport:
    report = ImportReport()
    report.reject_row(exc.error, "file")
    return report


def _counted(report: ImportReport, moved: tuple[int, int, int]) -> None:
    report.created += moved[0]
    report.updated += moved[1]
    report.unchanged += moved[2]


async def _import_sqlite(sessions: Upload | None, sales: Upload | None, known: Known, writer: _Writer,
                         good_rows_only: bool, progress: Progress) -> ImportReport:  # fmt: skip
    """The rows staged while the child checks; once the whole upload is checked, moved a stretch a transaction
    (SQLite has one writer at a time: the import never holds the write lock for long)."""
    async with staging.stage(False) as stage:

        async def staged(
            kind: str, batch: list[tuple[Any, ...]] | staging.CopyText, read: int, houses: dict[str, tuple[str, str]]
        ) -> None:
            writer.houses.update(houses)
            await stage.add(kind, batch)

        try:
            report = await check(sessions, sales, known, staged, progress)
        except BadFile as exc:
            return _bad_file(exc)
        if report.error_count and not good_rows_only:
            return report
        # Only now, the whole upload checked, is anything written where it counts.
        await writer.create_houses()
        async with pagecache.large():
            for kind in ("sessions", "sales"):
                stage_name = f"writing {kind}"

                def written(done: int, stage_name: str = stage_name) -> None:
                    progress(stage_name, done)

                _counted(report, await stage.move(kind, writer.submission_id, written))
    report.imported = True
    return report


async def _import_postgres(sessions: Upload | None, sales: Upload | None, known: Known, writer: _Writer,
                           good_rows_only: bool, progress: Progress) -> ImportReport:  # fmt: skip
    """The whole import is one transaction on a connection of its own, and the rows move into the fact tables
    while the child checks the next ones (the database's work overlaps the first pass's, on another core).
    Nothing is visible to anyone before the commit, and the commit comes only once the whole upload is checked:
    a file with bad rows (unless its good rows were asked for), a broken upload or an import that changed
    nothing is rolled back — houses, submission, rows and all. Readers are never blocked (MVCC); another
    writer of the same rows waits for the commit."""
    moved = ImportReport()  # created / updated / unchanged so far
    done = {"sessions": 0, "sales": 0}
    async with staging.stage(True) as stage:
        raw = stage.raw
        transaction = raw.transaction()
        await transaction.start()
        committed = False
        sessions_moved = False
        submission_id: int | None = None

        async def move(kind: str) -> None:
            nonlocal submission_id
            if submission_id is None:
                submission_id = await writer.create_submission(raw)
            staged = stage.pending.get(kind, 0)
            _counted(moved, await stage.move_pending(kind, submission_id))
            done[kind] += staged
            progress(f"writing {kind}", done[kind])

        async def sessions_checked() -> None:
            # The sessions file is checked whole before the first sale: the houses are known, its rows can go.
            nonlocal sessions_moved
            if not sessions_moved:
                sessions_moved = True
                await writer.create_houses_in(raw)
                await move("sessions")

        async def staged(
            kind: str, batch: list[tuple[Any, ...]] | staging.CopyText, read: int, houses: dict[str, tuple[str, str]]
        ) -> None:
            writer.houses.update(houses)
            await stage.add(kind, batch)
            if kind == "sales":
                await sessions_checked()
                if stage.pending.get("sales", 0) >= staging.MOVE:
                    await move("sales")

        try:
            try:
                report = await check(sessions, sales, known, staged, progress, as_copy_text=True)
            except BadFile as exc:
                return _bad_file(exc)
            if report.error_count and not good_rows_only:
                return report
            await sessions_checked()
            await move("sales")
            report.created, report.updated, report.unchanged = moved.created, moved.updated, moved.unchanged
            report.imported = True
            if not (report.created or report.updated):
                return report  # rolled back: no submission for an import that changed nothing
            await transaction.commit()
            committed = True
        finally:
            if not committed:
                await transaction.rollback()
        if report.created + report.updated >= staging.MOVE:
            # The table's statistics change at once; autovacuum would notice within a minute or so, but a release
            # built meanwhile would be planned for the old table (a sort instead of a hash).
            await raw.execute("ANALYZE stats_sessions")
            await raw.execute("ANALYZE stats_sales")
    if submission_id is not None:
        writer.submission = await Submission.get(id=submission_id)
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
