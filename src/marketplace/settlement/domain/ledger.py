"""The chart of accounts and the rules every posting obeys.

Sign convention: a leg's `amount_fen` is signed, debit positive and credit negative, so a transaction
balances when its legs sum to zero in each currency, and an account's balance is the sum of its legs.
An account's *natural* balance is that sum for debit-normal accounts (assets) and its negation for
credit-normal ones (liabilities, income). An account with a zero floor refuses a posting that would take
its natural balance below zero: a receivable never overpaid (the excess is a credit), a deposit never
paid out twice, a credit never spent twice. The database repeats each of these checks (triggers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Normal = Literal["debit", "credit"]
Party = Literal["none", "buyer", "seller", "deposit"]


@dataclass(frozen=True)
class AccountType:
    code: str
    name_en: str
    name_zh: str
    normal: Normal
    floor_zero: bool
    party: Party  # what the account is kept per: nothing, a buyer, a seller, a bidder's deposit for a session


CHART: dict[str, AccountType] = {
    t.code: t
    for t in (
        AccountType("bank_clearing", "Bank clearing (receipts not yet reconciled)", "银行存款-待核对", "debit", False,
                    "none"),
        AccountType("stripe_clearing", "Stripe clearing", "Stripe 待清算", "debit", False, "none"),
        AccountType("buyer_receivable", "Buyer receivables", "应收买受人款", "debit", True, "buyer"),
        AccountType("deposits_held", "Deposits held (保证金)", "存入保证金", "credit", True, "deposit"),
        AccountType("buyer_credit", "Buyer credits (over-payments)", "买受人溢缴款", "credit", True, "buyer"),
        AccountType("seller_payable", "Seller payables", "应付委托人款", "credit", False, "seller"),
        AccountType("vehicle_sales", "Vehicle sales (own stock)", "车辆销售收入", "credit", False, "none"),
        AccountType("forfeiture_suspense", "Forfeited deposits awaiting the waterfall", "没收保证金-待分配", "credit",
                    False, "none"),
        AccountType("forfeiture_income", "Forfeited deposits retained", "没收保证金收入", "credit", False, "none"),
        AccountType("vat_payable", "VAT payable (output tax)", "应交增值税-销项税额", "credit", False, "none"),
        # Reconciliation: a statement line confirmed moves its money from the clearing account to the bank (or the
        # provider's balance), so a clearing account nets to zero once everything recorded has been seen.
        AccountType("bank", "Bank (reconciled with statements)", "银行存款", "debit", False, "none"),
        AccountType("stripe_balance", "Stripe balance (reconciled)", "Stripe 余额", "debit", False, "none"),
        AccountType("payment_fees", "Payment processing fees", "财务费用-支付手续费", "debit", False, "none"),
    )
}  # fmt: skip
FEE_INCOME_PREFIX = "fee_income."  # one income account per fee kind: fee_income.buyer_premium, ….document


@lru_cache(maxsize=1024)  # pure (the chart is constant; an AccountType is frozen); a posting asks per leg
def account_type(code: str) -> AccountType:
    if code.startswith(FEE_INCOME_PREFIX) and len(code) > len(FEE_INCOME_PREFIX):
        kind = code[len(FEE_INCOME_PREFIX) :]
        return AccountType(code, f"Fee income: {kind}", f"手续费收入-{kind}", "credit", False, "none")
    try:
        return CHART[code]
    except KeyError:
        raise LedgerError(f"no account {code!r} in the chart", "unknown_account") from None


class LedgerError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Leg:
    code: str
    party: str  # "" for accounts kept as one; else e.g. "user:7", "org:3", "user:7/session:2"
    amount_fen: int  # debit positive, credit negative
    currency: str


def debit(code: str, party: str, fen: int, currency: str) -> Leg:
    return Leg(code, party, fen, currency)


def credit(code: str, party: str, fen: int, currency: str) -> Leg:
    return Leg(code, party, -fen, currency)


def check_balanced(legs: list[Leg]) -> None:
    """Refuse a transaction that does not sum to zero per currency, or has a zero or single leg."""
    if len(legs) < 2:
        raise LedgerError("a transaction has at least two legs", "unbalanced")
    sums: dict[str, int] = defaultdict(int)
    for leg in legs:
        if leg.amount_fen == 0:
            raise LedgerError("a leg moves a non-zero amount", "zero_leg")
        if isinstance(leg.amount_fen, bool) or not isinstance(leg.amount_fen, int):
            raise LedgerError("amounts are integer fen", "zero_leg")
        t = account_type(leg.code)
        if (t.party == "none") != (leg.party == ""):
            raise LedgerError(f"{leg.code} is kept per {t.party}", "unknown_account")
        sums[leg.currency] += leg.amount_fen
    off = {c: s for c, s in sums.items() if s}
    if off:
        raise LedgerError(f"legs do not sum to zero: {off}", "unbalanced")


def natural(t: AccountType, balance_fen: int) -> int:
    return balance_fen if t.normal == "debit" else -balance_fen


def refuses(t: AccountType, balance_after_fen: int) -> bool:
    return t.floor_zero and natural(t, balance_after_fen) < 0


def without_zero_legs(legs: list[Leg]) -> list[Leg]:
    return [leg for leg in legs if leg.amount_fen]


def reversal(legs: list[Leg]) -> list[Leg]:
    """The correcting transaction that undoes `legs` (entries are never edited)."""
    return [Leg(leg.code, leg.party, -leg.amount_fen, leg.currency) for leg in legs]
