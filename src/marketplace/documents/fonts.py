"""The CJK font, embedded as a subset of exactly the characters a document uses.

Noto Sans SC (SIL Open Font License 1.1) comes from PyPI in `pylopdf-fonts-zh-cn`, so nothing is installed
on the system and every viewer shows the same glyphs. That file has PostScript (CFF, CID-keyed) outlines,
which fpdf2 embeds with its own encoding CMap; text extractors that know only Identity-H (pypdf among them)
then read it back wrongly. So each document's characters are taken out of the font
and their outlines converted to TrueType quadratics (cu2qu, within 1 font unit) into a small font built with
fontTools' FontBuilder, which fpdf2 embeds as a CIDFontType2 subset with Identity-H and a ToUnicode map: the
Chinese copies and extracts exactly. Only the glyphs documents use are ever converted (a few ms each, kept per
process); the whole font (tens of thousands) never is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

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


# Converted glyphs by name, kept for the life of the (worker) process: a document mostly reuses the characters
# of the last one, so after the first few documents a subset is built from here in milliseconds. Bounded by the
# font's own glyph count; cleared past MAX_CACHED all the same.
MAX_CACHED = 12_000
_converted: dict[str, Any] = {}


@lru_cache(maxsize=1)
def _source() -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(str(font_path()))


def _convert(name: str) -> Any:
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyph = _converted.get(name)
    if glyph is None:
        if len(_converted) >= MAX_CACHED:
            _converted.clear()
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise; TrueType's run clockwise.
        _source().getGlyphSet()[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyph = pen.glyph()
        # Bounds now, and the compiled bytes kept: compiling a glyph is most of a subset's cost.
        glyph.recalcBounds(None)
        glyph.data = glyph.compile(None, recalcBBoxes=False)
        _converted[name] = glyph
    return glyph


def subset_ttf(chars: Iterable[str]) -> bytes:
    """A TrueType-outlined font holding just `chars` (plus the base set), as bytes."""
    from fontTools.fontBuilder import FontBuilder

    source = _source()
    cmap = source.getBestCmap()
    wanted = sorted({ord(ch) for ch in BASE_CHARS + "".join(chars)} & set(cmap))
    mapping = {cp: cmap[cp] for cp in wanted}
    order = [".notdef", *dict.fromkeys(name for name in mapping.values() if name != ".notdef")]
    hmtx = source["hmtx"]
    upem = source["head"].unitsPerEm
    builder = FontBuilder(upem, isTTF=True)
    builder.font.recalcBBoxes = False  # the glyphs carry theirs; the head's is set from them below
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(mapping)
    builder.setupGlyf({name: _convert(name) for name in order})
    glyf = builder.font["glyf"]
    builder.setupHorizontalMetrics({name: (hmtx[name][0], getattr(glyf[name], "xMin", 0)) for name in order})
    hhea, os2 = source["hhea"], source["OS/2"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    builder.setupNameTable({"familyName": "Noto Sans SC", "styleName": "Regular", "psName": "NotoSansSC-Regular"})
    builder.setupOS2(
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        sCapHeight=getattr(os2, "sCapHeight", 733),
        sxHeight=getattr(os2, "sxHeight", 543),
        usWeightClass=400,
        fsType=0,  # the OFL allows embedding
    )
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
