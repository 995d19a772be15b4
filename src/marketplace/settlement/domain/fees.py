"""Fee schedules and the estimate: what a buyer pays and a seller nets for a hammer price.

A schedule is data (`FeeRules`), stored as JSON by version and effective date. Bands have explicit inclusive
bounds (`lower_fen` ≤ price ≤ `upper_fen`, the last band open-ended) and must tile [0, ∞) without a gap or an
overlap, so every price falls in exactly one band. A band charges `percent_of(price, rate_bp) + flat_fen`,
then raised to `min_fen` and limited to `cap_fen`: a flat band is rate 0, a percentage band has flat 0.

When a house has set nothing, the statutory default applies: 5 % from each side (拍卖法 art. 56: "at most 5 %
from the consignor and 5 % from the buyer" when the contract says nothing). The same `estimate` produces the
estimator's answer and the invoice, so the two cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from marketplace.settlement.domain.clocks import DEFAULT_TERMS, ClockTerms, ClockTermsError, parse_terms, terms_json
from marketplace.settlement.domain.money import BP, percent_of, vat_included

Side = Literal["buyer", "seller"]
KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
STATUTORY_RATE_BP = 500
DEFAULT_VAT_BP = 600  # auction services are 经纪代理服务: 6 % for a general VAT taxpayer; a house sets its own
DEFAULT_PAYMENT_DAYS = 3  # working days after the sale (US auctions: 2-3 business days)
MAX_FEN = 10**13  # 1000 亿元: far above any vehicle, far below int64


class FeeRuleError(ValueError):
    def __init__(self, message: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.loc = loc


@dataclass(frozen=True)
class Band:
    lower_fen: int
    upper_fen: int | None  # inclusive; None: no upper bound
    rate_bp: int = 0
    flat_fen: int = 0
    min_fen: int = 0
    cap_fen: int | None = None

    def contains(self, price_fen: int) -> bool:
        return self.lower_fen <= price_fen and (self.upper_fen is None or price_fen <= self.upper_fen)

    def charge(self, price_fen: int) -> int:
        amount = max(percent_of(price_fen, self.rate_bp) + self.flat_fen, self.min_fen)
        return amount if self.cap_fen is None else min(amount, self.cap_fen)


@dataclass(frozen=True)
class FixedFee:
    kind: str  # e.g. "document" (手续费), "online_bidding"
    side: Side
    amount_fen: int


@dataclass(frozen=True)
class Storage:
    daily_fen: int
    free_working_days: int


@dataclass(frozen=True)
class LateFee:
    flat_fen: int = 0
    rate_bp: int = 0  # of the hammer price, per vehicle

    def charge(self, hammer_fen: int) -> int:
        return self.flat_fen + percent_of(hammer_fen, self.rate_bp)


@dataclass(frozen=True)
class FeeRules:
    currency: str = "CNY"
    buyer_premium: tuple[Band, ...] = (Band(0, None, rate_bp=STATUTORY_RATE_BP),)
    seller_commission: tuple[Band, ...] = (Band(0, None, rate_bp=STATUTORY_RATE_BP),)
    fixed: tuple[FixedFee, ...] = ()
    storage: Storage | None = None
    late: LateFee | None = None
    relist_fee_fen: int = 0
    vat_bp: int = DEFAULT_VAT_BP
    payment_days: int = DEFAULT_PAYMENT_DAYS
    clocks: ClockTerms = DEFAULT_TERMS  # grace, default, deposit refund and reminder terms (domain/clocks.py)


STATUTORY_DEFAULT = FeeRules()
# A dealer selling its own listing keeps its own books: no premium or commission unless it sets a schedule.
NO_FEES = FeeRules(buyer_premium=(Band(0, None),), seller_commission=(Band(0, None),))


@dataclass(frozen=True)
class Charge:
    kind: str  # "buyer_premium", "seller_commission" or a fixed fee's kind
    amount_fen: int
    vat_fen: int  # the VAT inside amount_fen


@dataclass(frozen=True)
class Estimate:
    currency: str
    hammer_fen: int
    buyer_charges: tuple[Charge, ...]
    seller_charges: tuple[Charge, ...]

    @property
    def buyer_fees_fen(self) -> int:
        return sum(c.amount_fen for c in self.buyer_charges)

    @property
    def total_due_fen(self) -> int:
        return self.hammer_fen + self.buyer_fees_fen

    @property
    def seller_fees_fen(self) -> int:
        return sum(c.amount_fen for c in self.seller_charges)

    @property
    def seller_net_fen(self) -> int:
        return self.hammer_fen - self.seller_fees_fen

    @property
    def vat_fen(self) -> int:
        return sum(c.vat_fen for c in (*self.buyer_charges, *self.seller_charges))


def band_for(bands: tuple[Band, ...], price_fen: int) -> Band:
    for band in bands:
        if band.contains(price_fen):
            return band
    raise FeeRuleError(f"no band covers {price_fen} fen")  # validate() makes this unreachable


def estimate(rules: FeeRules, hammer_fen: int) -> Estimate:
    if not 0 <= hammer_fen <= MAX_FEN:
        raise FeeRuleError("the amount must be between 0 and 10^13 fen", ("amount",))

    def charge(kind: str, amount: int) -> Charge:
        return Charge(kind, amount, vat_included(amount, rules.vat_bp))

    buyer = [charge("buyer_premium", band_for(rules.buyer_premium, hammer_fen).charge(hammer_fen))]
    seller = [charge("seller_commission", band_for(rules.seller_commission, hammer_fen).charge(hammer_fen))]
    for fee in rules.fixed:
        (buyer if fee.side == "buyer" else seller).append(charge(fee.kind, fee.amount_fen))
    return Estimate(
        rules.currency,
        hammer_fen,
        tuple(c for c in buyer if c.amount_fen),
        tuple(c for c in seller if c.amount_fen),
    )


def premium_bands_from_starts(rows: list[tuple[int, int, int]]) -> tuple[Band, ...]:
    """An auction session's premium table (start, percent_bp, fixed) as bands with inclusive bounds."""
    bands = []
    for i, (start, bp, fixed) in enumerate(rows):
        upper = rows[i + 1][0] - 1 if i + 1 < len(rows) else None
        bands.append(Band(start, upper, rate_bp=bp, flat_fen=fixed))
    return tuple(bands)


# --- validation and (de)serialisation -------------------------------------------------------------


def _int(value: Any, loc: tuple[str | int, ...], *, low: int = 0, high: int = MAX_FEN) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeRuleError("must be an integer", loc)
    if not low <= value <= high:
        raise FeeRuleError(f"must be between {low} and {high}", loc)
    return value


def _bands(rows: Any, where: str) -> tuple[Band, ...]:
    if not isinstance(rows, list) or not rows or len(rows) > 50:
        raise FeeRuleError("between 1 and 50 bands are needed", (where,))
    bands: list[Band] = []
    for i, row in enumerate(rows):
        loc: tuple[str | int, ...] = (where, i)
        if not isinstance(row, dict):
            raise FeeRuleError("a band is an object", loc)
        unknown = set(row) - {"lower_fen", "upper_fen", "rate_bp", "flat_fen", "min_fen", "cap_fen"}
        if unknown:
            raise FeeRuleError(f"unknown fields {sorted(unknown)}", loc)
        upper = row.get("upper_fen")
        cap = row.get("cap_fen")
        band = Band(
            lower_fen=_int(row.get("lower_fen"), (*loc, "lower_fen")),
            upper_fen=None if upper is None else _int(upper, (*loc, "upper_fen")),
            rate_bp=_int(row.get("rate_bp", 0), (*loc, "rate_bp"), high=BP),
            flat_fen=_int(row.get("flat_fen", 0), (*loc, "flat_fen")),
            min_fen=_int(row.get("min_fen", 0), (*loc, "min_fen")),
            cap_fen=None if cap is None else _int(cap, (*loc, "cap_fen")),
        )
        if band.upper_fen is not None and band.upper_fen < band.lower_fen:
            raise FeeRuleError("upper_fen is below lower_fen", (*loc, "upper_fen"))
        if band.cap_fen is not None and band.cap_fen < band.min_fen:
            raise FeeRuleError("cap_fen is below min_fen", (*loc, "cap_fen"))
        expected = 0 if not bands else bands[-1].upper_fen
        if not bands and band.lower_fen != 0:
            raise FeeRuleError("the first band starts at 0", (*loc, "lower_fen"))
        if bands and (expected is None or band.lower_fen != expected + 1):
            raise FeeRuleError("each band starts one fen above the previous band's upper_fen", (*loc, "lower_fen"))
        bands.append(band)
    if bands[-1].upper_fen is not None:
        raise FeeRuleError("the last band has no upper bound (upper_fen null)", (where, len(bands) - 1, "upper_fen"))
    return tuple(bands)


def parse_rules(data: Any) -> FeeRules:
    """Validate a schedule's JSON into rules; every refusal names where (FeeRuleError.loc)."""
    if not isinstance(data, dict):
        raise FeeRuleError("rules are an object")
    known = {"currency", "buyer_premium", "seller_commission", "fixed", "storage", "late", "relist_fee_fen",
             "vat_bp", "payment_days", "default", "deposit"}  # fmt: skip
    unknown = set(data) - known
    if unknown:
        raise FeeRuleError(f"unknown fields {sorted(unknown)}")
    currency = data.get("currency", "CNY")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise FeeRuleError("currency is an ISO 4217 code", ("currency",))
    fixed: list[FixedFee] = []
    rows = data.get("fixed", [])
    if not isinstance(rows, list) or len(rows) > 20:
        raise FeeRuleError("at most 20 fixed fees", ("fixed",))
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) - {"kind", "side", "amount_fen"}:
            raise FeeRuleError("a fixed fee is {kind, side, amount_fen}", ("fixed", i))
        kind = row.get("kind")
        if not isinstance(kind, str) or not KIND_RE.match(kind) or kind in ("buyer_premium", "seller_commission"):
            raise FeeRuleError("kind is a lower-case slug (a-z, 0-9, _)", ("fixed", i, "kind"))
        if row.get("side") not in ("buyer", "seller"):
            raise FeeRuleError("side is buyer or seller", ("fixed", i, "side"))
        if any(f.kind == kind and f.side == row["side"] for f in fixed):
            raise FeeRuleError("a fee kind appears once per side", ("fixed", i, "kind"))
        fixed.append(FixedFee(kind, row["side"], _int(row.get("amount_fen"), ("fixed", i, "amount_fen"))))
    storage = data.get("storage")
    if storage is not None:
        if not isinstance(storage, dict) or set(storage) - {"daily_fen", "free_working_days"}:
            raise FeeRuleError("storage is {daily_fen, free_working_days}", ("storage",))
        storage = Storage(
            _int(storage.get("daily_fen"), ("storage", "daily_fen")),
            _int(storage.get("free_working_days"), ("storage", "free_working_days"), high=365),
        )
    late = data.get("late")
    if late is not None:
        if not isinstance(late, dict) or set(late) - {"flat_fen", "rate_bp"}:
            raise FeeRuleError("late is {flat_fen} or {rate_bp}", ("late",))
        if ("flat_fen" in late) == ("rate_bp" in late):
            raise FeeRuleError("a late fee is either flat_fen or rate_bp", ("late",))
        late = LateFee(
            _int(late.get("flat_fen", 0), ("late", "flat_fen")),
            _int(late.get("rate_bp", 0), ("late", "rate_bp"), high=BP),
        )
    try:
        clocks = parse_terms(data.get("default"), data.get("deposit"))
    except ClockTermsError as exc:
        raise FeeRuleError(str(exc), exc.loc) from None
    return FeeRules(
        currency=currency,
        buyer_premium=_bands(data.get("buyer_premium"), "buyer_premium"),
        seller_commission=_bands(data.get("seller_commission"), "seller_commission"),
        fixed=tuple(fixed),
        storage=storage,
        late=late,
        relist_fee_fen=_int(data.get("relist_fee_fen", 0), ("relist_fee_fen",)),
        vat_bp=_int(data.get("vat_bp", DEFAULT_VAT_BP), ("vat_bp",), high=2_000),
        payment_days=_int(data.get("payment_days", DEFAULT_PAYMENT_DAYS), ("payment_days",), low=1, high=60),
        clocks=clocks,
    )


def _band_json(b: Band) -> dict[str, Any]:
    return {"lower_fen": b.lower_fen, "upper_fen": b.upper_fen, "rate_bp": b.rate_bp, "flat_fen": b.flat_fen,
            "min_fen": b.min_fen, "cap_fen": b.cap_fen}  # fmt: skip


def rules_json(rules: FeeRules) -> dict[str, Any]:
    out: dict[str, Any] = {
        "currency": rules.currency,
        "buyer_premium": [_band_json(b) for b in rules.buyer_premium],
        "seller_commission": [_band_json(b) for b in rules.seller_commission],
        "fixed": [{"kind": f.kind, "side": f.side, "amount_fen": f.amount_fen} for f in rules.fixed],
        "storage": None,
        "late": None,
        "relist_fee_fen": rules.relist_fee_fen,
        "vat_bp": rules.vat_bp,
        "payment_days": rules.payment_days,
    }
    out["default"], out["deposit"] = terms_json(rules.clocks)
    if rules.storage is not None:
        out["storage"] = {"daily_fen": rules.storage.daily_fen, "free_working_days": rules.storage.free_working_days}
    if rules.late is not None:
        out["late"] = {"flat_fen": rules.late.flat_fen} if rules.late.flat_fen else {"rate_bp": rules.late.rate_bp}
    return out


def stored_rules(data: dict[str, Any]) -> FeeRules:
    """Rules read back from storage (written by rules_json): null storage/late are simply absent."""
    return parse_rules({k: v for k, v in data.items() if v is not None})


@dataclass(frozen=True)
class Version:
    id: int
    effective_from: Any  # a datetime; compared only
    rules: FeeRules = field(compare=False)


def in_force(versions: list[Version], at: Any) -> Version | None:
    """The version with the latest effective_from at or before `at` (the highest id on a tie)."""
    eligible = [v for v in versions if v.effective_from <= at]
    return max(eligible, key=lambda v: (v.effective_from, v.id)) if eligible else None
