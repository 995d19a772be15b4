"""The CJK font, embedded as a subset of exactly the characters a document uses.

Noto Sans SC (SIL Open Font License 1.1) comes from PyPI in `pylopdf-fonts-zh-cn`, so nothing is installed
on the system and every viewer shows the same glyphs. That file has PostScript (CFF, CID-keyed) outlines,
which fpdf2 embeds with its own encoding CMap; text extractors that know only Identity-H (pypdf among them)
then read it back wrongly. So each document's characters are cut out of the font with fontTools' subsetter
and their outlines converted to TrueType quadratics (cu2qu, within 1 font unit), which fpdf2 embeds as a
CIDFontType2 with Identity-H and a ToUnicode map: the Chinese copies and extracts exactly. A few hundred
glyphs convert in well under a second; the whole font (tens of thousands) never is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pylopdf_fonts_zh_cn

FAMILY = "NotoSansSC"
# Always in the subset: what page numbers and figures are written with, whatever the content.
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "¥€£·—“”‘’（）《》，。、；：？！第页共元万整"


def font_path() -> Path:
    return pylopdf_fonts_zh_cn.sans_path()


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """The code points the font has a glyph for (read once per process)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path()), lazy=True)
    return frozenset(font.getBestCmap())


def printable(text: str) -> str:
    """The text as the font can show it: a character it has no glyph for becomes "?" (never a blank box or a
    lost character), control characters other than a newline are dropped."""
    have = covered()
    return "".join(
        ch if ch == "\n" or ord(ch) in have else "?" for ch in text if ch == "\n" or ch >= " " or ch == "\t"
    ).replace("\t", " ")


def subset_ttf(chars: Iterable[str]) -> bytes:
    """A TrueType-outlined font holding just `chars` (plus the base set), as bytes."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    text = BASE_CHARS + "".join(sorted(set(chars)))
    font = TTFont(str(font_path()), lazy=True)
    options = subset.Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = []
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise; TrueType's run clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 2
    font["head"].glyphDataFormat = 0
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["post"].formatType = 3.0  # no glyph names: TrueType does not need them
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
