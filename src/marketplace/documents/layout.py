"""A document as a sheet of blocks, and the one function that lays a sheet out on A4 pages with fpdf2.

Renderers build a `Sheet` (pure data: headings, paragraphs, field lists, tables, signature boxes); `compose`
collects every character on it, embeds a font subset of exactly those (fonts.py) and draws. Every page
carries the issuer's letterhead, the document's title and number, and "第 n 页 / 共 N 页".

Bounds: a sheet is refused before drawing if it has too many blocks, table rows or characters, and drawing
stops at MAX_PAGES, so no content makes an unbounded PDF (the offload worker's CPU budget is the backstop).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from marketplace.documents import fonts
from marketplace.documents.model import Letterhead
from marketplace.documents.text import break_lines

MAX_PAGES = 20
MAX_BLOCKS = 400
MAX_TABLE_ROWS = 300
MAX_CHARS = 60_000  # all text on the sheet
MAX_CELL_CHARS = 2_000

MARGIN = 15.0
TOP = 30.0
BOTTOM = 18.0
BODY = 9.5
LEADING = 1.45  # line height / font size
PT = 0.3528  # mm per point
GREY = (110, 110, 110)


class DocumentTooLarge(ValueError):
    """The content would make a document past the bounds (pages, rows, characters)."""


@dataclass(frozen=True)
class Heading:
    text: str
    en: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float = BODY
    muted: bool = False


@dataclass(frozen=True)
class Fields:
    """Label/value pairs in two columns (a label column, then the value wrapping in the rest)."""

    rows: tuple[tuple[str, str], ...]
    label_width: float = 0.28


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width
    align: tuple[str, ...] = ()  # "L" | "R" | "C" per column
    footer: tuple[str, ...] = ()  # a bold-ruled last row (a total)


@dataclass(frozen=True)
class Signatures:
    parties: tuple[str, ...]  # "买受人（签章） Buyer", …


@dataclass(frozen=True)
class Barcode:
    """A Code 39 barcode of `code` (A–Z, 0–9, '-', '.', ' ') with the code printed under it."""

    code: str


@dataclass(frozen=True)
class Spacer:
    mm: float = 3.0


Block = Heading | Paragraph | Fields | Table | Signatures | Barcode | Spacer


@dataclass(frozen=True)
class Sheet:
    title: str
    number: str
    letterhead: Letterhead
    blocks: tuple[Block, ...]
    title_en: str = ""
    subject: str = ""  # the PDF's metadata subject


# What the layout itself writes on every sheet (headers, footers, signature boxes).
LAYOUT_TEXT = "编号 No. 第 页 / 共 页 Page of 签章 / 日期 Signature, seal / date"


def _strings(sheet: Sheet) -> list[str]:
    lh = sheet.letterhead
    out = [
        LAYOUT_TEXT,
        sheet.title,
        sheet.title_en,
        sheet.number,
        sheet.subject,
        lh.name,
        lh.name_en,
        lh.address,
        lh.phone,
    ]
    for b in sheet.blocks:
        if isinstance(b, Heading):
            out += [b.text, b.en]
        elif isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, Fields):
            out += [x for row in b.rows for x in row]
        elif isinstance(b, Table):
            out += [*b.headers, *b.footer, *(x for row in b.rows for x in row)]
        elif isinstance(b, Signatures):
            out += list(b.parties)
        elif isinstance(b, Barcode):
            out.append(b.code)
    return out


def check_bounds(sheet: Sheet) -> None:
    if len(sheet.blocks) > MAX_BLOCKS:
        raise DocumentTooLarge(f"more than {MAX_BLOCKS} blocks")
    for b in sheet.blocks:
        if isinstance(b, Table) and len(b.rows) > MAX_TABLE_ROWS:
            raise DocumentTooLarge(f"a table of more than {MAX_TABLE_ROWS} rows")
    strings = _strings(sheet)
    if sum(len(s) for s in strings) > MAX_CHARS:
        raise DocumentTooLarge(f"more than {MAX_CHARS} characters")
    if any(len(s) > MAX_CELL_CHARS for s in strings):
        raise DocumentTooLarge(f"a text of more than {MAX_CELL_CHARS} characters")


class _Pdf(FPDF):
    def __init__(self, sheet: Sheet) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.sheet = sheet
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_creator("marketplace.documents")
        self.set_title(f"{sheet.title} {sheet.number}".strip())
        if sheet.subject:
            self.set_subject(fonts.printable(sheet.subject))
        self.set_author(fonts.printable(sheet.letterhead.name))

    # fpdf2 calls these on every page.
    def header(self) -> None:
        if self.page > MAX_PAGES:
            raise DocumentTooLarge(f"more than {MAX_PAGES} pages")
        lh, sheet = self.sheet.letterhead, self.sheet
        self.set_text_color(0, 0, 0)
        self.set_xy(MARGIN, 10)
        self.set_font(fonts.FAMILY, size=14)
        self.cell(110, 7, fonts.printable(lh.name))
        self.set_font(fonts.FAMILY, size=12)
        self.cell(0, 7, fonts.printable(sheet.title), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font(fonts.FAMILY, size=7.5)
        self.set_text_color(*GREY)
        contact = "  ".join(x for x in (lh.name_en, lh.address, lh.phone) if x)
        self.cell(110, 4.5, fonts.printable(contact)[:120])
        right = f"{sheet.title_en}  No. {sheet.number}" if sheet.title_en else f"编号 No. {sheet.number}"
        self.cell(0, 4.5, fonts.printable(right), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.4)
        self.line(MARGIN, 23.5, self.w - MARGIN, 23.5)
        self.set_text_color(0, 0, 0)
        self.set_y(TOP)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(fonts.FAMILY, size=7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, fonts.printable(f"{self.sheet.number}"), align="L")
        self.set_x(MARGIN)
        self.cell(0, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页  Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _line_height(size: float) -> float:
    return size * PT * LEADING


def _fits(pdf: _Pdf, height: float) -> bool:
    return pdf.get_y() + height <= pdf.page_break_trigger


def _paragraph(pdf: _Pdf, text: str, size: float, muted: bool) -> None:
    pdf.set_font(fonts.FAMILY, size=size)
    if muted:
        pdf.set_text_color(*GREY)
    h = _line_height(size)
    for line in break_lines(fonts.printable(text), pdf.epw, pdf.get_string_width):
        pdf.cell(0, h, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _heading(pdf: _Pdf, b: Heading) -> None:
    if not _fits(pdf, 16):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(fonts.FAMILY, size=11.5)
    text = fonts.printable(b.text + (f"  {b.en}" if b.en else ""))
    for line in break_lines(text, pdf.epw, pdf.get_string_width):
        pdf.cell(0, 6.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
    pdf.ln(1.5)


def _row(
    pdf: _Pdf,
    cells: tuple[str, ...],
    widths: list[float],
    align: tuple[str, ...],
    size: float,
    *,
    border: bool,
    muted: tuple[bool, ...] = (),
    on_break: Callable[[], None] | None = None,
) -> None:
    """Draws one row of wrapped cells at the current position. A row that does not fit goes to the next page
    (after `on_break`, which repeats a table's header there)."""
    pdf.set_font(fonts.FAMILY, size=size)
    h = _line_height(size)
    pad = 1.2
    measure = pdf.get_string_width
    wrapped = [break_lines(fonts.printable(c), w - 2 * pad, measure) for c, w in zip(cells, widths, strict=True)]
    # A cell longer than a page is cut at a page (the bounds keep honest content far below this).
    max_lines = int((pdf.page_break_trigger - TOP - 2 * pad) // h) - 2
    wrapped = [w[:max_lines] for w in wrapped]
    height = max(len(w) for w in wrapped) * h + 2 * pad
    if not _fits(pdf, height):
        pdf.add_page()
        if on_break is not None:
            on_break()
    x0, y0 = pdf.get_x(), pdf.get_y()
    x = x0
    for i, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
        a = align[i] if i < len(align) else "L"
        if border:
            pdf.rect(x, y0, w, height)
        if i < len(muted) and muted[i]:
            pdf.set_text_color(*GREY)
        for j, line in enumerate(lines):
            pdf.set_xy(x + pad, y0 + pad + j * h)
            pdf.cell(w - 2 * pad, h, line, align=a)
        pdf.set_text_color(0, 0, 0)
        x += w
    pdf.set_xy(x0, y0 + height)


def _table(pdf: _Pdf, b: Table) -> None:
    widths = [f * pdf.epw for f in b.widths]
    pdf.set_line_width(0.2)
    size = BODY - 0.5

    def head() -> None:
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(pdf.get_x(), pdf.get_y(), pdf.epw, _line_height(size) + 2.4, style="F")
        _row(pdf, b.headers, widths, b.align, size, border=True)

    if not _fits(pdf, 25):
        pdf.add_page()
    head()
    for cells in b.rows:
        _row(pdf, cells, widths, b.align, size, border=True, on_break=head)
    if b.footer:
        _row(pdf, b.footer, widths, b.align, BODY, border=True, on_break=head)
    pdf.ln(2)


def _fields(pdf: _Pdf, b: Fields) -> None:
    label_w = b.label_width * pdf.epw
    widths = [label_w, pdf.epw - label_w]
    for label, value in b.rows:
        _row(pdf, (label, value), widths, ("L", "L"), BODY, border=False, muted=(True, False))
    pdf.ln(1)


def _signatures(pdf: _Pdf, b: Signatures) -> None:
    if not _fits(pdf, 34):
        pdf.add_page()
    pdf.ln(4)
    n = max(len(b.parties), 1)
    w = pdf.epw / n
    y = pdf.get_y()
    pdf.set_font(fonts.FAMILY, size=BODY)
    for i, party in enumerate(b.parties):
        x = MARGIN + i * w
        pdf.set_xy(x, y)
        for j, line in enumerate(break_lines(fonts.printable(party), w - 4, pdf.get_string_width)[:3]):
            pdf.set_xy(x, y + j * 5)
            pdf.cell(w - 4, 5, line)
        pdf.set_line_width(0.2)
        pdf.line(x, y + 24, x + w - 8, y + 24)
        pdf.set_xy(x, y + 25)
        pdf.set_font(fonts.FAMILY, size=7.5)
        pdf.cell(w - 4, 4, "签章 / 日期  Signature, seal / date")
        pdf.set_font(fonts.FAMILY, size=BODY)
    pdf.set_xy(MARGIN, y + 32)


def _barcode(pdf: _Pdf, b: Barcode) -> None:
    if not _fits(pdf, 32):
        pdf.add_page()
    code = b.code.upper()
    # Code 39 with start/stop '*': a character is 6 narrow + 3 wide bars + a narrow gap = 16 narrow units
    # (fpdf2 takes the wide bar's width; narrow = wide / 3). A 0.3 mm narrow bar scans on a phone or a gun.
    wide = min(0.9, pdf.epw * 3 / (16 * (len(code) + 2)))
    width = (len(code) + 2) * 16 * wide / 3
    pdf.code39(f"*{code}*", x=(pdf.w - width) / 2, y=pdf.get_y() + 2, w=wide, h=18)
    pdf.set_y(pdf.get_y() + 21)
    pdf.set_font(fonts.FAMILY, size=12)
    pdf.cell(0, 6, code, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def compose(sheet: Sheet) -> bytes:
    """The sheet as PDF bytes (its only outside input is the metadata creation time fpdf2 stamps)."""
    check_bounds(sheet)
    chars = {ch for s in _strings(sheet) for ch in fonts.printable(s)}
    ttf = fonts.subset_ttf(chars)
    # fpdf2 reads fonts from a file; the subset lives only while this document is drawn.
    handle, path = tempfile.mkstemp(suffix=".ttf")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(ttf)
        pdf = _Pdf(sheet)
        pdf.add_font(fonts.FAMILY, fname=path)
        pdf.set_font(fonts.FAMILY, size=BODY)
        pdf.add_page()
        for block in sheet.blocks:
            _draw(pdf, block)
        out: Any = pdf.output()
        return bytes(out)
    finally:
        os.unlink(path)


def _draw(pdf: _Pdf, block: Block) -> None:
    if isinstance(block, Heading):
        _heading(pdf, block)
    elif isinstance(block, Paragraph):
        _paragraph(pdf, block.text, block.size, block.muted)
    elif isinstance(block, Fields):
        _fields(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Signatures):
        _signatures(pdf, block)
    elif isinstance(block, Barcode):
        _barcode(pdf, block)
    else:
        pdf.ln(block.mm)
