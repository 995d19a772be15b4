"""Rows of a submission file as they stream: CSV (UTF-8 with or without BOM, or GBK, detected) or XLSX.

Nothing here holds a whole file: CSV is decoded incrementally from a binary stream, XLSX is read in openpyxl's
read-only mode row by row. The reader runs in a worker thread when called from the event loop (the import
service does that), because parsing is CPU work.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from marketplace import spreadsheets
from marketplace.spreadsheets import SheetTooLarge
from marketplace.stats.domain.rows import FileKind, RowError, check_header, columns_of, detect_encoding

Format = Literal["csv", "xlsx"]
HEAD_BYTES = 64 * 1024
# C0 control characters other than tab, line feed and carriage return: PostgreSQL's text refuses NUL (a 500 on
# the import) and XML, so the XLSX feed, refuses the rest. Nobody types them; dropped as the text is decoded, one
# C-speed pass a 64 kB chunk.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_COLUMNS = 64
# A submission workbook is checked for zip bombs with the platform's shared checks (`marketplace.spreadsheets`),
# with bounds for a house's year of sales: a 1.4-million-row sheet written with inline text unpacks to about 1 GB.
MAX_XLSX_UNPACKED = 2 * 1024 * 1024 * 1024
MAX_XLSX_SHARED_STRINGS = 3_000_000
# The shortest row element (`<row r="7"/>`) is 12 bytes: a sheet yielding more lines than its XML could hold rows
# numbers them with gaps that openpyxl pads with empty rows (a few bytes claiming a billion lines).
MIN_ROW_BYTES = 10

__all__ = ["BadFile", "Format", "SheetTooLarge", "format_of", "rows"]


class BadFile(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.reason)
        self.error = error


def format_of(path: Path) -> Format:
    return "xlsx" if path.suffix.lower() in {".xlsx", ".xlsm"} else "csv"


Row = tuple[int, list[str] | RowError]


def rows(kind: FileKind, stream: IO[bytes], fmt: Format) -> Iterator[Row]:
    """(line, cells in the kind's column order, padded with "") for every data row, or (line, RowError) for a
    row with cells beyond the columns; the header is checked first (BadFile when it is wrong)."""
    raw = _csv_rows(stream) if fmt == "csv" else _xlsx_rows(stream)
    first = next(raw, None)
    if first is None:
        raise BadFile(RowError(1, "header", "empty_file"))
    header = list(first[1])
    while header and not header[-1].strip():
        header.pop()  # a spreadsheet's row is padded with empty cells
    problems = check_header(kind, header)
    if problems:
        raise BadFile(problems[0])
    width = len(columns_of(kind))
    padding = [""] * width
    for line, values in raw:
        if len(values) == width:  # the usual row: no copy, one join to tell a blank line
            if "".join(values).strip():
                yield line, values
            continue
        if not "".join(values).strip():
            continue  # a blank line (spreadsheets end with many)
        if len(values) > width:
            if "".join(values[width:]).strip():
                yield line, RowError(line, "row", "too_many_columns")
                continue
            yield line, values[:width]
        else:
            yield line, [*values, *padding[len(values) :]]


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    head = stream.read(HEAD_BYTES)
    encoding = detect_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")

    def text() -> Iterator[str]:
        chunk = head
        try:
            while chunk:
                yield _CONTROL.sub("", decoder.decode(chunk))
                chunk = stream.read(HEAD_BYTES)
            yield _CONTROL.sub("", decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise BadFile(RowError(0, "file", "bad_encoding", str(exc)[:80])) from None

    def lines() -> Iterator[str]:
        pending = ""
        for piece in text():
            pending += piece
            *complete, pending = pending.split("\n")
            for line in complete:
                yield line + "\n"
        if pending:
            yield pending

    reader = csv.reader(lines())
    try:
        for record in reader:
            yield reader.line_num, record if len(record) <= MAX_COLUMNS else record[: MAX_COLUMNS + 1]
    except csv.Error as exc:
        # A field past the csv module's limit (128 kB), a lone carriage return in an unquoted field, a quote the
        # file never closes before its end: the file is not CSV from that line on, said of the file, not a 500.
        raise BadFile(RowError(reader.line_num, "file", "malformed_csv", str(exc)[:80])) from None


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        # Before anything is unpacked: the declared sizes, how well the parts deflate, the shared strings counted.
        spreadsheets.check_workbook(stream, max_unpacked=MAX_XLSX_UNPACKED,
                                    max_shared_strings=MAX_XLSX_SHARED_STRINGS)  # fmt: skip
        stream.seek(0)
        max_lines = spreadsheets.sheet_size(stream) // MIN_ROW_BYTES + 2
        stream.seek(0)
    except SheetTooLarge:
        raise
    except spreadsheets.SheetError as exc:
        raise BadFile(RowError(0, "file", "not_xlsx", str(exc)[:80])) from None
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise BadFile(RowError(0, "file", "not_xlsx", type(exc).__name__)) from None
    try:
        sheet = book.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
            if line > max_lines:  # while parsing: rows the XML cannot hold are openpyxl's padding of a gap
                raise SheetTooLarge(f"the sheet numbers its rows past line {max_lines:,}, more than it holds")
            yield line, ["" if v is None else _cell_text(v) for v in values]
    except (SheetTooLarge, BadFile):
        raise
    except Exception as exc:  # malformed sheet XML, or a part longer than declared (the CRC check), met streaming
        raise BadFile(RowError(0, "file", "not_xlsx", type(exc).__name__)) from None
    finally:
        book.close()


def _cell_text(value: object) -> str:
    # A spreadsheet may type an id or a price as a number: the format is text, so it is read back as text.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)
