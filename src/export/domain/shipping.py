"""Shipping events, shaped after DCSA track-and-trace and GS1 EPCIS: what happened (or is planned or
estimated to), when in which time zone, where (UN/LOCODE). History is never edited: a correction is a new event
retracting an earlier one. The ETA is the latest arrival estimate not retracted (an actual arrival ends it).

A forwarder's CSV is parsed here row by row into events or errors (line, column, code); the service resolves
vehicles and retracted events and makes the import idempotent by each row's key.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime

EVENT_TYPES = ("received", "gate_in", "loaded", "departed", "arrived", "discharged", "gate_out", "delivered")
CLASSIFIERS = ("PLN", "EST", "ACT")  # planned, estimated, actual (DCSA eventClassifierCode)
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
COLUMNS = (
    "event_id", "vin", "batch", "event_type", "classifier", "event_time", "time_zone", "location_code",
    "location_name", "retracts_event_id", "note",
)  # fmt: skip
REQUIRED = ("event_type", "classifier", "event_time", "time_zone")
MAX_ROWS = 5000


@dataclass(frozen=True)
class Seen:
    """An event as the ETA needs it."""

    id: int
    event_type: str
    classifier: str
    event_time: datetime
    retracts_id: int | None


def eta(events: list[Seen]) -> tuple[str, datetime] | None:
    """("actual", time) once an actual arrival stands; else ("estimated", time) of the latest estimate recorded
    (highest id) that nothing retracts; None without either."""
    retracted = {e.retracts_id for e in events if e.retracts_id is not None}
    live = [e for e in events if e.id not in retracted and e.event_type == "arrived"]
    actual = [e for e in live if e.classifier == "ACT"]
    if actual:
        return "actual", max(actual, key=lambda e: e.id).event_time
    estimates = [e for e in live if e.classifier == "EST"]
    if estimates:
        return "estimated", max(estimates, key=lambda e: e.id).event_time
    return None


def parse_time(value: str) -> datetime:
    """An ISO 8601 time with its UTC offset (a time without one is ambiguous across the route's zones)."""
    at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError("event_time needs its UTC offset, e.g. 2026-05-01T08:00:00+08:00")
    if not 1980 <= at.year <= 2100:
        raise ValueError("an event between 1980 and 2100")
    return at


@dataclass(frozen=True)
class Row:
    line: int
    key: str  # the idempotency key: the forwarder's event id, else a digest of the row
    vin: str
    batch: str
    event_type: str
    classifier: str
    event_time: datetime
    time_zone: str
    location_code: str
    location_name: str
    retracts: str
    note: str


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    code: str
    message: str


def _key(cells: dict[str, str]) -> str:
    if cells.get("event_id"):
        return "csv:" + cells["event_id"][:70]
    canonical = "\x1f".join(cells.get(c, "") for c in COLUMNS)
    return "csvrow:" + hashlib.sha256(canonical.encode()).hexdigest()[:64]


def parse_csv(text: str) -> tuple[list[Row], list[RowError]]:
    try:
        return _parse_csv(text)
    except csv.Error as exc:  # a NUL byte, a field past the csv module's limit, an unclosed quote at the end
        return [], [RowError(0, "", "csv_malformed", f"not a readable CSV file: {exc}")]


def _parse_csv(text: str) -> tuple[list[Row], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in (*REQUIRED, "vin", "batch") if c not in header]
    if "vin" in missing and "batch" not in missing:
        missing.remove("vin")
    if "batch" in missing and "vin" not in missing:
        missing.remove("batch")
    if missing:
        return [], [RowError(1, c, "csv_missing_column", f"the header lacks {c}") for c in missing]
    rows: list[Row] = []
    errors: list[RowError] = []
    for n, raw in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            errors.append(RowError(n, "", "csv_too_many_rows", f"at most {MAX_ROWS} rows per file"))
            break
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        if not any(cells.values()):
            continue
        found = _row_errors(n, cells)
        if found:
            errors.extend(found)
            continue
        rows.append(
            Row(
                n,
                _key(cells),
                cells.get("vin", "").upper(),
                cells.get("batch", ""),
                cells["event_type"],
                cells["classifier"].upper(),
                parse_time(cells["event_time"]),
                cells["time_zone"],
                cells.get("location_code", "").upper(),
                cells.get("location_name", ""),
                cells.get("retracts_event_id", ""),
                cells.get("note", "")[:500],
            )  # fmt: skip
        )
    return rows, errors


def _row_errors(n: int, cells: dict[str, str]) -> list[RowError]:
    found = [RowError(n, c, "csv_required", f"{c} is required") for c in REQUIRED if not cells.get(c)]
    if not cells.get("vin") and not cells.get("batch"):
        found.append(RowError(n, "vin", "csv_required", "a row names a vin or a batch"))
    if cells.get("event_type") and cells["event_type"] not in EVENT_TYPES:
        found.append(RowError(n, "event_type", "csv_bad_event_type", f"one of {', '.join(EVENT_TYPES)}"))
    if cells.get("classifier") and cells["classifier"].upper() not in CLASSIFIERS:
        found.append(RowError(n, "classifier", "csv_bad_classifier", "PLN, EST or ACT"))
    if cells.get("event_time"):
        try:
            parse_time(cells["event_time"])
        except ValueError:
            found.append(RowError(n, "event_time", "csv_bad_time", "ISO 8601 with its UTC offset"))
    code = cells.get("location_code", "").upper()
    if code and not LOCODE.match(code):
        found.append(RowError(n, "location_code", "csv_bad_locode", "a UN/LOCODE, e.g. CNSHA"))
    return found
