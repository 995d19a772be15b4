"""Bank statements: a column mapping turns a bank's export into statement lines; lines are deduplicated, matched
to invoices by their reference code, and checked for breaks in the running balance. Pure: rows in, decisions out.

Two layouts are built in, modelled on what Chinese banks' corporate online banking exports (the column names as
those exports print them; no bank's file was available here to copy, so they are models, not copies):

- `icbc-csv`: 交易流水号, 交易时间, 对方户名, 对方账号, 借方发生额, 贷方发生额, 余额, 币种, 用途 (GBK CSV, like ICBC's
  企业网银 明细下载);
- `ccb-xlsx`: 账户明细编号-交易流水号, 交易时间, 借方发生额（支取）, 贷方发生额（收入）, 余额, 币种, 对方户名, 对方账号,
  摘要 (an XLSX like CCB's 账户明细 export).

A house saves its own mapping for any other bank (`Mapping`: which column holds what).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")  # banks print the booking time in China's local time
FIELDS = ("serial", "booked_at", "amount", "debit", "credit", "balance", "currency", "payer", "payer_account",
          "reference")  # fmt: skip
MAX_TEXT = 200  # longest stored text of a line (payer, reference)
MAX_FEN = 10**15  # a line beyond ¥10 trillion is a misread column, not a payment


class StatementError(ValueError):
    """A mapping or a line the import cannot use; `line` is the file's line number (0: the file as a whole)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Mapping:
    """Which column holds what. Either `amount` (signed, money in positive) or `debit` and `credit` (two columns of
    non-negative amounts). `serial`, `balance`, `currency`, `payer`, `payer_account` may be empty."""

    format: str  # csv | xlsx
    booked_at: str
    reference: str
    serial: str = ""
    amount: str = ""
    debit: str = ""
    credit: str = ""
    balance: str = ""
    currency: str = ""
    payer: str = ""
    payer_account: str = ""
    default_currency: str = "CNY"

    def columns(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS if getattr(self, f)}


def check_mapping(m: Mapping) -> None:
    if m.format not in ("csv", "xlsx"):
        raise StatementError("format is csv or xlsx")
    if not m.booked_at or not m.reference:
        raise StatementError("a mapping names the booking time and the reference (附言/用途) columns")
    if bool(m.amount) == bool(m.debit or m.credit):
        raise StatementError("a mapping names either one signed amount column or the debit and credit columns")
    if not m.amount and not (m.debit and m.credit):
        raise StatementError("with separate columns, name both the debit and the credit column")
    names = [c.strip().lower() for c in m.columns().values()]
    if len(set(names)) != len(names):
        raise StatementError("each column holds one field")


LAYOUTS: dict[str, Mapping] = {
    "icbc-csv": Mapping(
        format="csv", serial="交易流水号", booked_at="交易时间", payer="对方户名", payer_account="对方账号",
        debit="借方发生额", credit="贷方发生额", balance="余额", currency="币种", reference="用途",
    ),
    "ccb-xlsx": Mapping(
        format="xlsx", serial="账户明细编号-交易流水号", booked_at="交易时间", debit="借方发生额（支取）",
        credit="贷方发生额（收入）", balance="余额", currency="币种", payer="对方户名", payer_account="对方账号",
        reference="摘要",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Line:
    line: int  # in the file
    serial: str
    booked_at: datetime  # UTC
    amount_fen: int  # money in positive, out negative
    balance_fen: int | None
    currency: str
    payer: str
    payer_account: str
    reference: str

    @property
    def dedup_key(self) -> str:
        """The bank's serial number (流水号) when it prints one, else a checksum of payer, reference, amount and
        booking time: the same line in two overlapping exports is the same key."""
        if self.serial:
            return "sn:" + squash(self.serial)
        text = "|".join((squash(self.payer), squash(self.reference), str(self.amount_fen), self.booked_at.isoformat()))
        return "ck:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def squash(text: str) -> str:
    """Compare references as a person would: full-width as half-width (NFKC), no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def parse_fen(text: str, what: str, line: int) -> int:
    raw = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("¥", "").replace("￥", "")
    if raw in ("", "-", "--"):
        return 0
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise StatementError(f"{what}: {text!r} is not an amount", line) from None
    if not value.is_finite() or abs(value) * 100 > MAX_FEN:
        raise StatementError(f"{what}: {text!r} is out of range", line)
    if value != value.quantize(Decimal("0.01")):
        raise StatementError(f"{what}: {text!r} is not an amount in fen", line)
    return int(value * 100)


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                 "%Y/%m/%d", "%Y%m%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y%m%d")  # fmt: skip


def parse_time(text: str, line: int) -> datetime:
    raw = unicodedata.normalize("NFKC", text).strip()
    raw = raw.replace("年", "-").replace("月", "-").replace("日", " ").strip()
    for fmt in _TIME_FORMATS:
        try:
            local = datetime.strptime(raw, fmt)  # noqa: DTZ007 - the bank's local time, zoned just below
        except ValueError:
            continue
        return local.replace(tzinfo=LOCAL).astimezone(UTC)
    raise StatementError(f"booking time: {text!r} is not a date and time", line)


def _clip(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]


def to_line(m: Mapping, line: int, row: dict[str, str]) -> Line:
    def get(name: str) -> str:
        col = getattr(m, name)
        return row.get(col.strip().lower(), "") if col else ""

    if m.amount:
        amount = parse_fen(get("amount"), "amount", line)
    else:
        debit, credit = parse_fen(get("debit"), "debit", line), parse_fen(get("credit"), "credit", line)
        if debit < 0 or credit < 0 or (debit and credit):
            raise StatementError("a line is either a debit or a credit, not negative", line)
        amount = credit - debit
    if amount == 0:
        raise StatementError("a line moves no money", line)
    balance_text = get("balance")
    currency = squash(get("currency")) or m.default_currency
    currency = {"人民币": "CNY", "RMB": "CNY", "美元": "USD", "港币": "HKD", "欧元": "EUR"}.get(currency, currency)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementError(f"currency: {currency!r} is not an ISO code", line)
    serial = squash(get("serial"))
    if len(serial) > 60:
        raise StatementError("serial number: longer than 60 characters", line)
    return Line(
        line=line, serial=serial, booked_at=parse_time(get("booked_at"), line), amount_fen=amount,
        balance_fen=parse_fen(balance_text, "balance", line) if balance_text.strip() else None, currency=currency,
        payer=_clip(get("payer")), payer_account=_clip(get("payer_account"))[:60], reference=_clip(get("reference")),
    )  # fmt: skip


def missing_columns(m: Mapping, header: list[str]) -> list[str]:
    have = {h.strip().lower() for h in header}
    return [c for c in m.columns().values() if c.strip().lower() not in have]


# --- matching --------------------------------------------------------------------------------------

# An invoice's reference code is its number, YYYY-HHHHH-NNNNNN. Payers type it with spaces, without dashes, in
# full-width digits (NFKC makes them ASCII); the groups may be separated by dashes or spaces, or not at all. Run
# together, the house part is its five digits (a longer house id needs its separators to be read unambiguously).
_REFERENCE = re.compile(r"(?<!\d)(\d{4})(?:[\s\-]+(\d{5,7})[\s\-]*|[\s\-]*(\d{5}))(\d{6})(?!\d)")


def references(text: str) -> list[str]:
    """Invoice numbers quoted in a line's reference text, in order, without repeats."""
    found: list[str] = []
    for m in _REFERENCE.finditer(unicodedata.normalize("NFKC", text)):
        number = f"{m[1]}-{m[2] or m[3]}-{m[4]}"
        if number not in found:
            found.append(number)
    return found


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    status: str  # open | paid | void
    currency: str
    balance_fen: int


@dataclass(frozen=True)
class Decision:
    outcome: str  # applied | flagged | queued
    reason: str  # why flagged or queued ("" when applied)
    splits: list[tuple[str, int]] = field(default_factory=list)  # (invoice number, fen) when applied


def match(line: Line, quoted: list[str], invoices: dict[str, OpenInvoice]) -> Decision:
    """What an inflow does. One open invoice takes up to its balance; several take exactly their balances (the
    line's amount must equal their sum); anything else waits for a person. A line quoting a paid or voided
    invoice is flagged and applies nothing (a second payment, or one to a cancelled sale: a person refunds it)."""
    if line.amount_fen < 0:
        return Decision("queued", "outflow")
    if not quoted:
        return Decision("queued", "no_reference")
    if any(n not in invoices for n in quoted):
        return Decision("queued", "unknown_reference")
    chosen = [invoices[n] for n in quoted]
    if any(i.status == "void" for i in chosen):
        return Decision("flagged", "invoice_void")
    if any(i.status != "open" or i.balance_fen <= 0 for i in chosen):
        return Decision("flagged", "invoice_paid")
    if any(i.currency != line.currency for i in chosen):
        return Decision("queued", "currency_mismatch")
    if len(chosen) == 1:
        if line.amount_fen > chosen[0].balance_fen:
            return Decision("queued", "exceeds_balance")
        return Decision("applied", "", [(chosen[0].number, line.amount_fen)])
    if sum(i.balance_fen for i in chosen) != line.amount_fen:
        return Decision("queued", "split_inexact")
    return Decision("applied", "", [(i.number, i.balance_fen) for i in chosen])


def exact_split(amount_fen: int, balances: list[tuple[str, int]]) -> list[tuple[str, int]] | None:
    """A person's assignment to several invoices: each takes its whole balance and they add up to the line, or None."""
    if not balances or sum(b for _, b in balances) != amount_fen or any(b <= 0 for _, b in balances):
        return None
    return balances


def balance_breaks(previous: int | None, lines: list[Line]) -> list[tuple[int, int, int]]:
    """(file line, expected, printed) wherever the printed running balance does not follow the one before plus the
    line's amount: a line missing from the statement (or from an earlier import) shows as a break."""
    breaks = []
    for ln in lines:
        if ln.balance_fen is None:
            previous = None
            continue
        if previous is not None and previous + ln.amount_fen != ln.balance_fen:
            breaks.append((ln.line, previous + ln.amount_fen, ln.balance_fen))
        previous = ln.balance_fen
    return breaks
