"""Hostile spreadsheets, built the way an attacker would: tiny files that unpack or pad into huge work."""

from __future__ import annotations

import io
import zipfile

from listings.domain import sheets

HEADER = ("vin", "make", "model", "energy_type", "price_yuan")


def _replace_member(workbook: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sparse_rows_xlsx(last_row: int = 3_000_000, dimension: str = "XFD") -> bytes:
    """A header, then one cell on row `last_row` and a dimension claiming 16,384 columns: a few kB that
    openpyxl pads into `last_row` rows of empty cells (the file of the issue froze the server for 10 s)."""
    letters = "ABCDE"
    header = "".join(_inline(f"{c}1", h) for c, h in zip(letters, HEADER, strict=True))
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{dimension}{last_row}"/><sheetData>'
        f'<row r="1">{header}</row><row r="{last_row}">{_inline(f"A{last_row}", "x")}</row>'
        "</sheetData></worksheet>"
    )
    return _replace_member(sheets.write_xlsx([]), "xl/worksheets/sheet1.xml", xml.encode())


def empty_rows_xlsx(rows: int = 1_500_000) -> bytes:
    """Every row written out but empty: tens of MB of XML that deflate to a few hundred kB."""
    header = "".join(_inline(f"{c}1", h) for c, h in zip("ABCDE", HEADER, strict=True))
    body = "".join(f'<row r="{n}"/>' for n in range(2, rows + 2))
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    )
    return _replace_member(sheets.write_xlsx([]), "xl/worksheets/sheet1.xml", xml.encode())


def shared_strings_xlsx(count: int) -> bytes:
    items = "".join(f"<si><t>s{n}</t></si>" for n in range(count))
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}">{items}</sst>'
    )
    base = sheets.write_xlsx([{"vin": "V"}])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", xml)
    return out.getvalue()


def zip_bomb_xlsx(unpacked: int = 200 * 1024 * 1024) -> bytes:
    """A workbook with an extra part of `unpacked` zero bytes (deflates about 1000:1)."""
    base = sheets.write_xlsx([])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def lying_sizes_xlsx() -> bytes:
    """A sheet whose zip entry declares 100 bytes but inflates to about 2 MB: a reader trusting only
    the declared size would be fooled; zipfile stops at it and the CRC check fails."""
    workbook = empty_rows_xlsx(rows=100_000)
    data = bytearray(workbook)
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        local = archive.getinfo(name.decode()).header_offset
    lie = (100).to_bytes(4, "little")
    assert data[local : local + 4] == b"PK\x03\x04"
    data[local + 22 : local + 26] = lie  # local file header: uncompressed size
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == name:
            data[central + 24 : central + 28] = lie  # central directory: uncompressed size
            break
        central = data.find(b"PK\x01\x02", central + 4)
    else:
        raise AssertionError("no central directory entry for the sheet")
    return bytes(data)
