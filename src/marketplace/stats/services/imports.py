"""Importing a house's row-level submission (sessions and sales files).

Two passes. The first reads every row (in a worker thread: parsing is CPU work) and collects errors and review
warnings without writing anything, so a file with bad rows changes nothing unless the submitter asks for its
good rows; the rows that pass every check wait for the second pass in a temporary file (`_Spool`), ready to
write, so the upload is read and parsed once. The second writes them in batches of a thousand, each one lookup
and one upsert (`upserts`) in its own short transaction (a million-row file never holds the database for
minutes), keyed by the house's own ids: the same file imported twice changes nothing, and no submission is
recorded for an import that changed nothing. Rows count in a release only once an analyst approves their
submission, so a batch interrupted half-way never reaches the figures; importing the same file again completes
it. Only the set of row keys (64-bit hashes) and one batch are held in memory, never the rows.
"""

from __future__ import annotations

import asyncio
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from tortoise import connections
from tortoise.transactions import in_transaction

from marketplace.errors import Conflict, NotFound
from marketplace.stats.domain.periods import beijing_date
from marketplace.stats.domain.review import Warning, sale_warnings
from marketplace.stats.domain.rows import RowError, SaleRow, SessionRow, parse_sale_cells, parse_session_cells
from marketplace.stats.models import MonthlyReturn, ReportingHouse, SessionFact, Submission
from marketplace.stats.services import pagecache, upserts
from marketplace.stats.services.sources import BadFile, Format, rows

BATCH = 5000
MAX_LISTED = 1000  # errors and warnings listed in a report; the counts are always complete

Opener = Callable[[], IO[bytes]]
Progress = Callable[[str, int], None]  # (stage, rows done so far)


@dataclass(frozen=True)
class Upload:
    open: Opener
    format: Format


@dataclass
class ImportReport:
    sessions_read: int = 0
    sales_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    warning_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    imported: bool = False
    submission_id: int | None = None
    status: str | None = None

    def reject_row(self, err: RowError, file: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(RowError(err.line, f"{file}:{err.column}", err.reason, err.value))

    def warn(self, warning: Warning) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(warning)


def _digest(house: str, key: str) -> int:
    # A 64-bit hash, as a blake2b digest of 8 bytes would be, at a tenth of its cost: the keys live only for the
    # import (a collision, about 1 in 10^7 for a 1.4-million-row file, would refuse a row as a duplicate).
    return hash((house, key))


@dataclass
class _Known:
    houses: set[str]  # names
    sessions: dict[int, date]  # digest(house, session_key) -> held_on
    returns: set[int] = field(default_factory=set)  # digest(house, YYYY-MM) of months submitted as a return


async def _known() -> _Known:
    names: set[str] = {str(n) for n in await ReportingHouse.all().values_list("name", flat=True)}
    held: dict[int, date] = {}
    for house, key, day in await SessionFact.all().values_list("house__name", "session_key", "held_on"):
        held[_digest(house, key)] = day
    returned = {_digest(h, m) for h, m in await MonthlyReturn.all().values_list("house__name", "month")}
    return _Known(names, held, returned)


def _returned(known: _Known, house: str, day: date) -> bool:
    # A month is rows or a return, never both (services/returns.py).
    return bool(known.returns) and _digest(house, f"{day.year:04d}-{day.month:02d}") in known.returns


class _Spool:
    """The rows that passed the first pass, ready to write, in batches on a temporary file: the second pass
    writes exactly the rows that were checked, without reading and parsing the upload again."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the import's finally)
        self.batch: list[Any] = []

    def add(self, item: Any) -> None:
        self.batch.append(item)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def batches(self) -> Iterator[list[Any]]:
        self.flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # our own temporary file, written above
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def _validate(sessions: Upload | None, sales: Upload | None, known: _Known, report: ImportReport,
              progress: Progress, spools: tuple[_Spool, _Spool], pg: bool) -> None:  # fmt: skip
    """The first pass, in a worker thread: rows that pass every check go to the spools."""
    seen: set[int] = set()
    if sessions is not None:
        with sessions.open() as stream:
            for line, values in rows("sessions", stream, sessions.format):
                report.sessions_read += 1
                parsed = values if isinstance(values, RowError) else parse_session_cells(line, values)
                if isinstance(parsed, SessionRow):
                    key = _digest(parsed.auction_house, parsed.session_id)
                    if key in seen:
                        report.reject_row(RowError(line, "session_id", "duplicate_id", parsed.session_id), "sessions")
                        continue
                    if _returned(known, parsed.auction_house, parsed.held_on):
                        report.reject_row(RowError(line, "held_on", "month_has_return", str(parsed.held_on)),
                                          "sessions")  # fmt: skip
                        continue
                    seen.add(key)
                    known.houses.add(parsed.auction_house)
                    known.sessions[key] = parsed.held_on
                    spools[0].add((parsed.auction_house, parsed.province, parsed.city, parsed.session_id,
                                   upserts.session_values(pg, parsed)))  # fmt: skip
                else:
                    for err in [parsed] if isinstance(parsed, RowError) else parsed:
                        report.reject_row(err, "sessions")
                if report.sessions_read % BATCH == 0:
                    progress("checking sessions", report.sessions_read)
    seen.clear()
    if sales is not None:
        with sales.open() as stream:
            for line, values in rows("sales", stream, sales.format):
                report.sales_read += 1
                parsed_sale = values if isinstance(values, RowError) else parse_sale_cells(line, values)
                if isinstance(parsed_sale, SaleRow):
                    if _check_sale(line, parsed_sale, known, seen, report):
                        spools[1].add((parsed_sale.auction_house, parsed_sale.sale_id,
                                       upserts.sale_values(pg, parsed_sale)))  # fmt: skip
                else:
                    for err in [parsed_sale] if isinstance(parsed_sale, RowError) else parsed_sale:
                        report.reject_row(err, "sales")
                if report.sales_read % BATCH == 0:
                    progress("checking sales", report.sales_read)


def _check_sale(line: int, sale: SaleRow, known: _Known, seen: set[int], report: ImportReport) -> bool:
    if sale.auction_house not in known.houses:
        report.reject_row(RowError(line, "auction_house", "unknown_house", sale.auction_house[:40]), "sales")
        return False
    session_day = known.sessions.get(_digest(sale.auction_house, sale.session_id))
    if session_day is None:
        report.reject_row(RowError(line, "session_id", "unknown_session", sale.session_id[:40]), "sales")
        return False
    key = _digest(sale.auction_house, sale.sale_id)
    if key in seen:
        report.reject_row(RowError(line, "sale_id", "duplicate_id", sale.sale_id[:40]), "sales")
        return False
    seen.add(key)
    if _returned(known, sale.auction_house, beijing_date(sale.sold_at)):
        report.reject_row(RowError(line, "sold_at", "month_has_return", sale.sale_id[:40]), "sales")
        return False
    for warning in sale_warnings(sale, session_day):
        report.warn(warning)
    return True


class _Writer:
    def __init__(self, report: ImportReport, submitted_by: int | None, source: str) -> None:
        self.report = report
        self.submitted_by = submitted_by
        self.source = source
        self.house_ids: dict[str, int] = {}
        self.submission: Submission | None = None
        self.seen: dict[str, set[int]] = {"stats_sessions": set(), "stats_sales": set()}  # houses met, per table
        self.new: dict[str, set[int]] = {"stats_sessions": set(), "stats_sales": set()}  # ... that had no rows

    async def _submission(self) -> int:
        if self.submission is None:
            self.submission = await Submission.create(source=self.source, submitted_by_id=self.submitted_by)
        return self.submission.id

    async def house(self, name: str, province: str = "", city: str = "") -> int:
        if name not in self.house_ids:
            house = await ReportingHouse.get_or_none(name=name)
            if house is None:
                house = await ReportingHouse.create(name=name, province=province, city=city)
            self.house_ids[name] = house.id
        return self.house_ids[name]

    async def sessions(self, batch: list[tuple[str, str, str, str, tuple[Any, ...]]]) -> None:
        for house, province, city, _, _ in batch:
            if house not in self.house_ids:
                await self.house(house, province, city)
        async with in_transaction() as conn:
            table = upserts.Table(conn, "stats_sessions", "session_key", upserts.SESSION_VALUES)
            await self._write(table, [(self.house_ids[h], key, values) for h, _, _, key, values in batch])

    async def sales(self, batch: list[tuple[str, str, tuple[Any, ...]]]) -> None:
        for house, _, _ in batch:
            if house not in self.house_ids:
                await self.house(house)
        async with in_transaction() as conn:
            table = upserts.Table(conn, "stats_sales", "sale_key", upserts.SALE_VALUES)
            await self._write(table, [(self.house_ids[h], key, values) for h, key, values in batch])

    async def _write(self, table: upserts.Table, keyed: list[tuple[int, str, tuple[Any, ...]]]) -> None:
        seen, new = self.seen[table.table], self.new[table.table]
        for house_id in {house_id for house_id, _, _ in keyed} - seen:
            seen.add(house_id)  # asked before any of its rows is written by this import
            if not await table.has_rows(house_id):
                new.add(house_id)
        write, created, updated = await table.classify(keyed, new)
        if write:
            await table.write(write, await self._submission())
        self.report.created += created
        self.report.updated += updated
        self.report.unchanged += len(keyed) - len(write)


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
    report = ImportReport()
    known = await _known()
    pg = upserts.is_postgres(connections.get("default"))
    spools = (_Spool(), _Spool())
    try:
        try:
            await asyncio.to_thread(_validate, sessions, sales, known, report, progress, spools, pg)
        except BadFile as exc:
            report.reject_row(exc.error, "file")
            return report
        if report.error_count and not good_rows_only:
            return report
        writer = _Writer(report, submitted_by, source)
        async with pagecache.large():
            for spool, kind in zip(spools, ("sessions", "sales"), strict=True):
                batches = spool.batches()
                done = 0
                while (batch := await asyncio.to_thread(next, batches, None)) is not None:
                    await (writer.sessions(batch) if kind == "sessions" else writer.sales(batch))
                    done += len(batch)
                    progress(f"writing {kind}", done)
    finally:
        for spool in spools:
            spool.close()
    report.imported = True
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
