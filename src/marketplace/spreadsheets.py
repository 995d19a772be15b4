"""Reading CSV and XLSX files as banks and dealers export them, with bounds checked as the file streams.

Shared by every import (listings' inventory, settlement's bank statements): the text encoding (UTF-8 with or
without BOM, or GBK as Excel in China saves it), the zip-bomb checks before a workbook is unpacked, the shared
strings counted as they stream, cells as text. Pure CPU work; callers run it in `marketplace.offload`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

MAX_COLUMNS = 64
MAX_SHARED_STRINGS = 200_000  # an XLSX's table of distinct texts, which openpyxl holds in memory
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # a full 5,000-row sheet unpacks to about 10 MB
MAX_ZIP_MEMBERS = 200
# A sheet's XML deflates about 10-20:1 (openpyxl's and Excel's alike); a zip bomb's about 1000:1. Judged only for
# parts over RATIO_FROM bytes unpacked, where a ratio means something.
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024


class SheetError(ValueError):
    """The file cannot be read as the sheet expected (422 `invalid_file`)."""


class SheetTooLarge(SheetError):
    """The file is over one of the bounds (413 `sheet_too_large`): refused before it costs more."""


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("the file is not UTF-8 or GBK text")  # pragma: no cover - gb18030 decodes any byte string


def csv_rows(data: bytes) -> Iterator[list[str]]:
    """Every row of a CSV file, the header first. Malformed CSV raises SheetError as the rows stream."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise SheetError(f"malformed CSV: {exc}") from None


def xlsx_rows(data: bytes, max_columns: int = MAX_COLUMNS, keep_time: bool = False) -> Iterator[list[str]]:
    """Every row of a workbook's first sheet as text, the header first, after the zip-bomb checks. One column past
    `max_columns` is read so that a cell there is seen (and refused by the caller), not dropped."""
    from openpyxl import load_workbook

    check_workbook(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile, KeyError, XML errors) for a bad file
        raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None
    try:
        # max_col: the declared dimension may claim 16,384 columns, and openpyxl pads every row to it.
        for r in wb.worksheets[0].iter_rows(max_col=max_columns + 1, values_only=True):
            yield [cell(c, keep_time) for c in r]
    except SheetError:
        raise
    except Exception as exc:  # malformed sheet XML or a lying zip member (CRC) found while streaming
        raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None
    finally:
        wb.close()


def check_workbook(
    data: bytes | IO[bytes],
    *,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_ratio: int = MAX_RATIO,
    max_shared_strings: int = MAX_SHARED_STRINGS,
) -> None:
    """Refuse a zip bomb before unpacking anything: the members' declared sizes bound what zipfile will
    ever produce (it stops at the declared size and fails the CRC check if the data goes on), so their
    sum is a hard limit, and a part that deflates far better than any sheet is refused whatever its size.
    The shared strings are counted as they stream, as openpyxl keeps them all. `data` may be a seekable
    binary stream (a file being imported); it is read from where it is and left wherever zipfile leaves it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes | bytearray) else data)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise SheetTooLarge(f"the workbook has {len(members)} parts: at most {MAX_ZIP_MEMBERS}")
        unpacked = sum(m.file_size for m in members)
        if unpacked > max_unpacked:
            raise SheetTooLarge(
                f"the workbook unpacks to {unpacked:,} bytes: at most {max_unpacked:,} "
                f"(save it without empty rows, or split it)"
            )
        for m in members:
            if m.file_size > RATIO_FROM and m.file_size > max_ratio * max(m.compress_size, 1):
                raise SheetTooLarge(
                    f"the workbook's part {m.filename[:60]} unpacks {m.file_size // max(m.compress_size, 1):,} "
                    f"times its size: at most {max_ratio} (a sheet is about 15)"
                )
        names = {m.filename for m in members}
        if "xl/sharedStrings.xml" in names:
            _count_shared_strings(archive, max_shared_strings)


def sheet_size(data: bytes | IO[bytes]) -> int:
    """The declared unpacked size of the workbook's worksheets (0 when there is none): what their XML can hold."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes | bytearray) else data)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None
    with archive:
        return sum(m.file_size for m in archive.infolist() if m.filename.startswith("xl/worksheets/"))


def _count_shared_strings(archive: zipfile.ZipFile, limit: int = MAX_SHARED_STRINGS) -> None:
    from xml.etree.ElementTree import ParseError, iterparse

    count = 0
    try:
        with archive.open("xl/sharedStrings.xml") as stream:
            for _, element in iterparse(stream, events=("end",)):
                if element.tag.endswith("}si") or element.tag == "si":
                    count += 1
                    if count > limit:
                        raise SheetTooLarge(f"the workbook has more than {limit:,} distinct texts")
                    element.clear()
    except (ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None


def cell(value: Any, keep_time: bool = False) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        # A bank's booking time keeps its time of day (keep_time); a registration date is a date.
        return str(value) if keep_time else str(value.date())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


T = TypeVar("T")


async def read_off_loop(fn: Callable[..., T], *args: Any, cpu_seconds: float) -> T:
    """Run a reader of an uploaded sheet in the offload workers (the loop keeps answering); a file its size, shape,
    memory or time refuses is the one 413 `sheet_too_large`, an unreadable one the one 422 `invalid_file`."""
    from marketplace import offload
    from marketplace.errors import PayloadTooLarge, ValidationFailed

    try:
        return await offload.run(fn, *args, cpu_seconds=cpu_seconds)
    except SheetTooLarge as exc:
        raise PayloadTooLarge(str(exc), code="sheet_too_large") from None
    except (MemoryError, offload.CpuBudgetExceeded):
        raise PayloadTooLarge("the file needs too much memory or time to read", code="sheet_too_large") from None
    except SheetError as exc:
        raise ValidationFailed(str(exc), code="invalid_file") from None
