"""A release as files machines read: CSV tables (UTF-8 with BOM, so Chinese Excel opens them) with CSV on the
Web metadata, one XLSX workbook (typed cells, a sheet per table) and an Atom feed of releases and revisions.

Tables are built from the stored document, never recomputed. Cells are typed (integers of fen and counts stay
integers; ratios are numbers); text cells starting with = + - @ or a control character are prefixed with a
quote in CSV so a spreadsheet never runs them (house names come from submissions).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

TABLES = ("headline", "price_bands", "energy", "provinces", "top30_units", "top30_turnover", "monthly")
HEADLINE = (
    "turnover_fen", "units", "average_fen", "houses_active", "units_20wan_plus_share", "transfer_ratio",
    "transfer_in_province", "transfer_cross_province", "transfer_unknown", "bev_units", "bev_turnover_fen",
    "sessions", "online_sessions", "online_share",
)  # fmt: skip
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str  # CSVW datatypes: string, integer, decimal


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]


def _s(name: str) -> Column:
    return Column(name, "string")


def _i(name: str) -> Column:
    return Column(name, "integer")


def _d(name: str) -> Column:
    return Column(name, "decimal")


def table(doc: dict[str, Any], name: str) -> Table:
    if name == "headline":
        yoy = doc.get("yoy", {})
        rows = [[k, doc.get(k), None] for k in HEADLINE]
        rows += [[f"yoy.{k}", v, None] for k, v in yoy.items()]
        return Table(name, (_s("metric"), _d("value"), _s("note")), rows)
    if name == "price_bands":
        return Table(name, (_s("band"), _i("units")), [[k, v] for k, v in doc["price_bands_units"].items()])
    if name in ("energy", "provinces", "monthly"):
        key = {"energy": "energy_type", "provinces": "province", "monthly": "month"}[name]
        # A suppressed cell (status Q) is written empty, with its status beside it.
        rows = [[k, v["units"], v["turnover_fen"], v.get("status", "")] for k, v in doc[name].items()]
        return Table(name, (_s(key), _i("units"), _i("turnover_fen"), _s("status")), rows)
    if name in ("top30_units", "top30_turnover"):
        cols = (_i("rank"), _s("house"), _i("units"), _i("turnover_fen"), _i("previous_rank"))
        return Table(name, cols, [[r["rank"], r["house"], r["units"], r["turnover_fen"], r["previous_rank"]]
                                  for r in doc[name]])  # fmt: skip
    raise KeyError(name)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return "" if value is None else value


def to_csv(t: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in t.columns])
    for row in t.rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csvw_metadata(t: Table, csv_url: str, title: str) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": title,
        "dialect": {"encoding": "utf-8", "header": True},
        "tableSchema": {"columns": [{"name": c.name, "titles": c.name, "datatype": c.datatype} for c in t.columns]},
    }


def to_xlsx(doc: dict[str, Any]) -> bytes:
    """Blocking (openpyxl): call it in a worker thread."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name in TABLES:
        t = table(doc, name)
        sheet = book.create_sheet(name)
        sheet.append([c.name for c in t.columns])
        for row in t.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: a house named "=…" is never a formula
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class FeedEntry:
    period: str
    version: int
    published: datetime
    comment: str
    changes: int
    url: str


def atom(entries: Sequence[FeedEntry], *, feed_url: str, updated: datetime) -> str:
    items = []
    for e in entries:
        title = f"{e.period} v{e.version}" + (" (revision)" if e.version > 1 else "")
        summary = e.comment + (f" — {e.changes} figures changed" if e.version > 1 else "")
        items.append(
            "<entry>"
            f"<id>tag:autobid,2026:stats/{escape(e.period)}/v{e.version}</id>"
            f"<title>{escape(title)}</title>"
            f"<updated>{e.published.isoformat()}</updated>"
            f'<link rel="alternate" type="application/json" href="{escape(e.url)}"/>'
            f"<summary>{escape(summary)}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>tag:autobid,2026:stats</id>"
        "<title>全国机动车拍卖统计 · Motor-vehicle auction statistics</title>"
        f"<updated>{updated.isoformat()}</updated>"
        f'<link rel="self" href="{escape(feed_url)}"/>'
        "<author><name>车拍通 AutoBid</name></author>" + "".join(items) + "</feed>"
    )
