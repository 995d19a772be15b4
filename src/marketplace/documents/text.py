"""How figures, dates and lines of text are written on a document. Pure: no I/O, no clock.

Money is integer minor units (fen for CNY) and is written exactly: 元 with two decimals and a thousands
separator, 万元 (1 万元 = 1,000,000 fen) half up to two decimals by the statistics' rounding rule, the one
convention the platform uses for 万元. Times are shown in Beijing time whatever zone they arrive in.

Chinese has no spaces between words, so a line may break between any two Han characters; Latin words and
numbers (a VIN, "¥123,456.00") stay whole. The common 禁则 (kinsoku) rules hold: closing punctuation never
starts a line and opening punctuation never ends one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from marketplace.stats.domain.rounding import wan_yuan

BEIJING = ZoneInfo("Asia/Shanghai")

SYMBOLS = {"CNY": "¥", "USD": "US$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}
# Currencies without minor units (ISO 4217 exponent 0) among those the platform may quote.
ZERO_DECIMAL = {"JPY", "KRW"}


def amount(minor: int, currency: str = "CNY") -> str:
    """123456 fen → "123,456.00" (no float on the way); a negative amount keeps its sign."""
    sign = "-" if minor < 0 else ""
    if currency in ZERO_DECIMAL:
        return f"{sign}{abs(minor):,}"
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def money(minor: int, currency: str = "CNY") -> str:
    """The amount with its currency: "¥123,456.00" for CNY, "US$1,200.00", else "ABC 1.00"."""
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{currency} {amount(minor, currency)}"
    if minor < 0:
        return f"-{symbol}{amount(-minor, currency)}"
    return f"{symbol}{amount(minor, currency)}"


def yuan(fen: int) -> str:
    """ "123,456.00 元": how a fee line or an invoice total is written."""
    return f"{amount(fen)} 元"


def wan(fen: int) -> str:
    """ "12.35 万元": how a vehicle's price is written in the trade (half up to two decimals)."""
    return f"{wan_yuan(fen)} 万元"


def price(fen: int) -> str:
    """A vehicle price as the industry writes it: both, "¥123,456.00（12.35 万元）"."""
    return f"{money(fen)}（{wan(fen)}）"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


def capital(fen: int) -> str:
    """The amount in Chinese capital numerals (大写), as contracts and invoices write it beside the figure:
    123456 fen → 壹仟贰佰叁拾肆元伍角陆分; a whole amount ends in 整."""
    if fen < 0:
        raise ValueError("a capital amount is never negative")
    whole, cents = divmod(fen, 100)
    jiao, fen_ = divmod(cents, 10)
    words = _capital_whole(whole) + "元" if whole else ""
    if jiao == 0 and fen_ == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif whole:
        words += "零"
    if fen_:
        words += _DIGITS[fen_] + "分"
    return words


def _capital_whole(n: int) -> str:
    groups: list[int] = []
    while n:
        n, g = divmod(n, 10_000)
        groups.append(g)
    out = ""
    zero_pending = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or g < 1000):
            out += "零"
        out += _group(g) + _SECTIONS[i]
        zero_pending = False
    return out


def _group(g: int) -> str:
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = g // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _UNITS[pos]
    return out


def beijing(at: datetime) -> str:
    """ "2026-03-01 14:05 (北京时间)": an aware time shown in Beijing time."""
    if at.tzinfo is None:
        raise ValueError("document times are timezone-aware")
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def day(d: date | None) -> str:
    """ "2026年03月01日"; a missing date is a blank to fill by hand."""
    return d.strftime("%Y年%m月%d日") if d is not None else "____年__月__日"


def day_en(d: date | None) -> str:
    return d.isoformat() if d is not None else "____-__-__"


# Punctuation that may not start a line (closing marks, stops) and that may not end one (opening marks).
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’%‰·…—,.;:?!)]}»")
NO_LINE_END = set("（《「『【〔〈“‘([{«¥$")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, punctuation, kana, Han
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x2FA1F
    )


def tokens(text: str) -> list[str]:
    """Units a line may break between: each CJK character alone, a Latin word or number whole, each space
    alone; kinsoku punctuation is glued to its neighbour so a break never separates them."""
    raw: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() or _is_cjk(ch):
            if word:
                raw.append(word)
                word = ""
            raw.append(" " if ch.isspace() else ch)
        else:
            word += ch
    if word:
        raw.append(word)
    glued: list[str] = []
    for tok in raw:
        closes = tok[0] in NO_LINE_START and glued[-1] != " " if glued else False
        opens = glued[-1][-1] in NO_LINE_END and tok != " " if glued else False
        if closes or opens:
            glued[-1] += tok
        else:
            glued.append(tok)
    return glued


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of `text` no wider than `width` by `measure`; explicit newlines are kept. A token wider than a
    whole line (a very long word) is cut by characters, so nothing is ever lost or overflows."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for tok in tokens(paragraph):
            candidate = line + tok
            if measure(candidate) <= width or not line.strip():
                if measure(candidate) <= width:
                    line = candidate
                    continue
                # The token alone is wider than the line: cut it by characters.
                for ch in tok:
                    if line and measure(line + ch) > width:
                        out.append(line)
                        line = ""
                    line += ch
                continue
            out.append(line.rstrip())
            line = "" if tok == " " else tok
            if measure(line) > width:
                pieces = break_lines(line, width, measure)
                out.extend(pieces[:-1])
                line = pieces[-1]
        out.append(line.rstrip())
    return out


def percent_bp(bp: int) -> str:
    """Basis points as a per cent with two decimals, exactly: 5 → "0.05%", 600 → "6.00%"."""
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}%"
