"""The import's first pass: every row of the upload read, parsed and checked, in a worker process.

Parsing and checking is pure CPU work in Python (~15 µs a row); on the event loop's process it would take the
one core Python has from the database writes. So the pass runs in a forked child process (the upload's opener,
the stored houses and sessions it checks against are inherited, nothing is pickled on the way in) which sends
the rows that pass every check back in batches, ready to stage (`staging`), while it goes on with the next
ones: the parent stages batch k while the child checks batch k + 1. The child touches no database and holds
one batch at a time; the parent receives the errors and warnings at the end, in the report.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import pickle
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from typing import IO, Any

from marketplace.errors import PayloadTooLarge
from marketplace.stats.domain.periods import beijing_date
from marketplace.stats.domain.review import HIGH_PRICE_FEN, LOW_PRICE_FEN, Warning, sale_warnings
from marketplace.stats.domain.rows import (
    ENERGIES,
    MAX_TEXT,
    TRANSFERS,
    RowError,
    SaleRow,
    SessionRow,
    parse_sale_cells,
    parse_session_cells,
)
from marketplace.stats.services import staging, upserts
from marketplace.stats.services.sources import BadFile, Format, SheetTooLarge, rows

BATCH = 5000
MAX_LISTED = 1000  # errors and warnings listed in a report; the counts are always complete

Opener = Callable[[], IO[bytes]]
Progress = Callable[[str, int], None]  # (stage, rows done so far)
# (kind, staged records, rows read so far, houses first met in the batch: name -> (province, city))
OnBatch = Callable[[str, list[tuple[Any, ...]] | staging.CopyText, int, dict[str, tuple[str, str]]], Awaitable[None]]


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


def digest(house: str, key: str) -> int:
    # A 64-bit hash, as a blake2b digest of 8 bytes would be, at a tenth of its cost: the keys live only for the
    # import (a collision, about 1 in 10^7 for a 1.4-million-row file, would refuse a row as a duplicate).
    return hash((house, key))


@dataclass
class Known:
    houses: set[str]  # names
    sessions: dict[int, date]  # digest(house, session_key) -> held_on
    returns: set[int] = field(default_factory=set)  # digest(house, YYYY-MM) of months submitted as a return


def _returned(known: Known, house: str, day: date) -> bool:
    # A month is rows or a return, never both (services/returns.py).
    return bool(known.returns) and digest(house, f"{day.year:04d}-{day.month:02d}") in known.returns


class _Outbox:
    """Checked rows, numbered in file order (the staging key), sent to the parent a batch at a time."""

    def __init__(self, send: Callable[[Any], None], as_copy_text: bool = False) -> None:
        self.send = send
        self.as_copy_text = as_copy_text  # PostgreSQL: each batch written as COPY text here, in the child
        self.n = 0
        self.kind = ""
        self.batch: list[tuple[Any, ...]] = []
        self.houses: dict[str, tuple[str, str]] = {}

    def add(self, kind: str, house: str, key: str, values: tuple[Any, ...], read: int) -> None:
        self.n += 1
        self.kind = kind
        self.batch.append((self.n, house, key, *values))
        if len(self.batch) >= BATCH:
            self.flush(read)

    def add_record(self, kind: str, record: tuple[Any, ...], read: int) -> None:
        """`add` of (house, key, *values) as one tuple."""
        self.n += 1
        self.kind = kind
        self.batch.append((self.n, *record))
        if len(self.batch) >= BATCH:
            self.flush(read)

    def flush(self, read: int) -> None:
        if self.batch or self.houses:
            batch = staging.copy_text(self.batch) if self.as_copy_text and self.batch else self.batch
            self.send(("rows", self.kind, batch, read, self.houses))
            self.batch, self.houses = [], {}


def validate(sessions: Upload | None, sales: Upload | None, known: Known, report: ImportReport, out: _Outbox) -> None:
    """The first pass: rows that pass every check go to `out`; the others are reported with line and column."""
    seen: set[int] = set()
    if sessions is not None:
        out.kind = "sessions"
        with sessions.open() as stream:
            for line, values in rows("sessions", stream, sessions.format):
                report.sessions_read += 1
                parsed = values if isinstance(values, RowError) else parse_session_cells(line, values)
                if isinstance(parsed, SessionRow):
                    key = digest(parsed.auction_house, parsed.session_id)
                    if key in seen:
                        report.reject_row(RowError(line, "session_id", "duplicate_id", parsed.session_id), "sessions")
                        continue
                    if _returned(known, parsed.auction_house, parsed.held_on):
                        report.reject_row(RowError(line, "held_on", "month_has_return", str(parsed.held_on)),
                                          "sessions")  # fmt: skip
                        continue
                    seen.add(key)
                    if parsed.auction_house not in known.houses:
                        known.houses.add(parsed.auction_house)
                        out.houses[parsed.auction_house] = (parsed.province, parsed.city)
                    known.sessions[key] = parsed.held_on
                    out.add("sessions", parsed.auction_house, parsed.session_id, upserts.session_values(parsed),
                            report.sessions_read)  # fmt: skip
                else:
                    for err in [parsed] if isinstance(parsed, RowError) else parsed:
                        report.reject_row(err, "sessions")
        out.flush(report.sessions_read)
    seen.clear()
    if sales is not None:
        out.kind = "sales"
        with sales.open() as stream:
            for line, values in rows("sales", stream, sales.format):
                report.sales_read += 1
                if not isinstance(values, RowError):
                    record = fast_sale(values, known, seen)
                    if record is not None:
                        out.add_record("sales", record, report.sales_read)
                        continue
                parsed_sale = values if isinstance(values, RowError) else parse_sale_cells(line, values)
                if isinstance(parsed_sale, SaleRow):
                    if _check_sale(line, parsed_sale, known, seen, report):
                        out.add("sales", parsed_sale.auction_house, parsed_sale.sale_id,
                                upserts.sale_values(parsed_sale), report.sales_read)  # fmt: skip
                else:
                    for err in [parsed_sale] if isinstance(parsed_sale, RowError) else parsed_sale:
                        report.reject_row(err, "sales")
        out.flush(report.sales_read)


_EIGHT_HOURS = timedelta(hours=8)  # Beijing is UTC+8 all year (`periods.CST`)
_ONE_DAY = timedelta(days=1)


def fast_sale(cells: list[str], known: Known, seen: set[int]) -> tuple[Any, ...] | None:
    """The staged record — (house, sale id, *`upserts.sale_values`) — of a sales row that passes every check with
    no warning, in one go from its cells; None at the first doubt, with nothing changed (not even `seen`): the
    row then takes the full path (`parse_sale_cells`, `_check_sale`), which finds its exact errors and warnings.
    The near-totality of a file takes this path, and it costs a third less: no SaleRow, no second pass over the
    values, and the usual UTC moment ("2023-05-06T02:00:00Z") staged by slicing its text rather than formatting
    a datetime. Both paths give the same record (`tests/unit/stats/test_rows_and_review.py`)."""
    try:
        stripped = list(map(str.strip, cells))
        (sale_id, session_id, house, sold_at, fen, make, make_en, energy, seller_province, seller_city,
         buyer_province, buyer_city, transfer) = stripped  # fmt: skip
    except (TypeError, ValueError):
        return None
    if not (
        sale_id and session_id and house and sold_at and make and seller_province and seller_city
        and energy in ENERGIES and transfer in TRANSFERS and fen.isascii() and fen.isdigit() and len(fen) <= 14
        and house in known.houses
    ):  # fmt: skip
        return None
    price = int(fen)
    if not LOW_PRICE_FEN <= price <= HIGH_PRICE_FEN or max(map(len, stripped)) > MAX_TEXT:
        return None  # out of bounds (an error, or a price warning), or a cell too long
    session_day = known.sessions.get(digest(house, session_id))
    key = digest(house, sale_id)
    if session_day is None or key in seen:
        return None
    try:
        moment = datetime.fromisoformat(sold_at)
    except ValueError:
        return None
    if moment.tzinfo is UTC and len(sold_at) == 20 and sold_at[19] == "Z" and sold_at[10] == "T" and (
        sold_at[4] == sold_at[7] == "-" and sold_at[13] == sold_at[16] == ":"
    ):  # fmt: skip
        # YYYY-MM-DDTHH:MM:SSZ, a valid moment: `upserts.moment_text`'s text is its own characters rearranged
        staged = f"{sold_at[:10]} {sold_at[11:19]}+00:00"
        day = (moment + _EIGHT_HOURS).date()
    elif moment.tzinfo is None:
        return None
    else:
        staged = upserts.moment_text(moment)
        day = beijing_date(moment)
    if abs(day - session_day) > _ONE_DAY or _returned(known, house, day):
        return None
    seen.add(key)
    return (house, sale_id, session_id, staged, price, make, make_en, energy, seller_province, seller_city,
            buyer_province, buyer_city, transfer)  # fmt: skip


def _check_sale(line: int, sale: SaleRow, known: Known, seen: set[int], report: ImportReport) -> bool:
    if sale.auction_house not in known.houses:
        report.reject_row(RowError(line, "auction_house", "unknown_house", sale.auction_house[:40]), "sales")
        return False
    session_day = known.sessions.get(digest(sale.auction_house, sale.session_id))
    if session_day is None:
        report.reject_row(RowError(line, "session_id", "unknown_session", sale.session_id[:40]), "sales")
        return False
    key = digest(sale.auction_house, sale.sale_id)
    if key in seen:
        report.reject_row(RowError(line, "sale_id", "duplicate_id", sale.sale_id[:40]), "sales")
        return False
    seen.add(key)
    day = beijing_date(sale.sold_at)  # once a sale: the return check and the session's date both need it
    if _returned(known, sale.auction_house, day):
        report.reject_row(RowError(line, "sold_at", "month_has_return", sale.sale_id[:40]), "sales")
        return False
    for warning in sale_warnings(sale, session_day, day):
        report.warn(warning)
    return True


def _flat(message: Any) -> bytes:
    # A batch is flat tuples of fresh strings: without the pickler's memo (which no string here would hit),
    # dumping takes a third of the time, and the child's time is the import's.
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(message)
    return buffer.getvalue()


def _child(sessions: Upload | None, sales: Upload | None, known: Known, conn: Connection, as_copy_text: bool) -> None:
    try:
        report = ImportReport()
        out = _Outbox(lambda message: conn.send_bytes(_flat(message)), as_copy_text)
        validate(sessions, sales, known, report, out)
        conn.send_bytes(pickle.dumps(("done", report)))
    except BadFile as exc:
        conn.send_bytes(pickle.dumps(("bad_file", exc.error)))
    except SheetTooLarge as exc:
        conn.send_bytes(pickle.dumps(("too_large", str(exc))))
    except Exception as exc:  # the parent raises it: a bug must not pass for an empty file
        conn.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


AHEAD = 12  # batches the child may run ahead of the one the parent is writing (~0.5 MB each, pickled)


def _reader(receive: Connection, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes | None],
            room: threading.Semaphore, stop: threading.Event) -> None:  # fmt: skip
    # A thread receiving the child's messages as they come, up to AHEAD ahead: while the parent waits for the
    # database (a stretch being written), the child goes on checking instead of blocking on a full pipe.
    while True:
        room.acquire()
        if stop.is_set():
            return
        try:
            data: bytes | None = receive.recv_bytes()
        except (EOFError, OSError):
            data = None
        loop.call_soon_threadsafe(queue.put_nowait, data)
        if data is None:
            return


async def check(sessions: Upload | None, sales: Upload | None, known: Known, on_batch: OnBatch,
                progress: Progress, *, as_copy_text: bool = False) -> ImportReport:  # fmt: skip
    """Run the first pass in a child process; `on_batch` receives the checked rows as they come (the child
    checks on meanwhile), as `staging.CopyText` with `as_copy_text` (PostgreSQL: the child writes COPY's text, the
    parent only forwards it). Raises BadFile for an upload that is not a file of the format (its header, its
    encoding), PayloadTooLarge (`sheet_too_large`) for a workbook over the zip-bomb bounds."""
    context = multiprocessing.get_context("fork")  # inherit the opener and `known` as they are
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sessions, sales, known, send, as_copy_text), daemon=True)
    child.start()
    send.close()  # the child's end: EOF here once the child is gone
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    room, stop = threading.Semaphore(AHEAD), threading.Event()
    reader = threading.Thread(target=_reader, args=(receive, asyncio.get_running_loop(), queue, room, stop),
                              daemon=True)  # fmt: skip
    reader.start()
    finished = False
    try:
        while True:
            data = await queue.get()
            room.release()
            if data is None:
                await asyncio.to_thread(child.join)
                raise RuntimeError(f"the import's check stopped without a result (exit {child.exitcode})")
            message = pickle.loads(data)  # our own child's
            if message[0] == "rows":
                _, kind, batch, read, houses = message
                progress(f"checking {kind}", read)
                await on_batch(kind, batch, read, houses)
            elif message[0] == "done":
                report: ImportReport = message[1]
                finished = True
                return report
            elif message[0] == "bad_file":
                raise BadFile(message[1])
            elif message[0] == "too_large":
                raise PayloadTooLarge(message[1], code="sheet_too_large")
            else:
                raise RuntimeError(f"the import's check failed: {message[1]}")
    finally:
        stop.set()
        room.release()  # a reader waiting for room stops
        if not finished and child.is_alive():
            child.kill()  # the parent gave up (a database error, a cancelled request): the check is moot
        await asyncio.to_thread(child.join)
        await asyncio.to_thread(reader.join)  # the child gone, its pipe is at EOF: the reader returns
        receive.close()
