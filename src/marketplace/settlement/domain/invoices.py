"""The buyer's invoice (结算单) for a sale, payment allocation, numbering, and the sale's postings.

Allocation order (fixed, documented in docs/settlement.md): a payment — the deposit applied at the sale, or a
receipt — pays the fee lines first, in invoice order (buyer premium, then the fixed fees), then the vehicle
price. What is left after the whole balance is paid becomes a credit on the buyer's account with the house.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from marketplace.settlement.domain.fees import Estimate
from marketplace.settlement.domain.ledger import FEE_INCOME_PREFIX, Leg, credit, debit, without_zero_legs

Category = Literal["fee", "price"]


@dataclass(frozen=True)
class Line:
    kind: str  # "hammer", "buyer_premium" or a fee kind
    category: Category
    amount_fen: int
    paid_fen: int = 0

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.paid_fen


def invoice_lines(est: Estimate) -> list[Line]:
    return [Line("hammer", "price", est.hammer_fen), *(Line(c.kind, "fee", c.amount_fen) for c in est.buyer_charges)]


@dataclass(frozen=True)
class Allocation:
    lines: list[Line]  # the lines after the payment
    applied: list[tuple[str, int]]  # (line kind, fen) in the order paid
    remainder_fen: int  # not needed by the invoice: the buyer's credit

    @property
    def applied_fen(self) -> int:
        return sum(fen for _, fen in self.applied)


def allocate(lines: list[Line], amount_fen: int) -> Allocation:
    if amount_fen < 0:
        raise ValueError("a payment is not negative")
    order = [i for i, line in enumerate(lines) if line.category == "fee"]
    order += [i for i, line in enumerate(lines) if line.category == "price"]
    out = list(lines)
    applied: list[tuple[str, int]] = []
    left = amount_fen
    for i in order:
        take = min(left, out[i].outstanding_fen)
        if take:
            out[i] = replace(out[i], paid_fen=out[i].paid_fen + take)
            applied.append((out[i].kind, take))
            left -= take
    return Allocation(out, applied, left)


def number(year: int, house_org_id: int, seq: int) -> str:
    """Gapless per house and year: the counter hands out 1, 2, 3… and a number is never reused."""
    return f"{year}-{house_org_id:05d}-{seq:06d}"


def buyer_party(user_id: int) -> str:
    return f"user:{user_id}"


def seller_party(org_id: int) -> str:
    return f"org:{org_id}"


def deposit_party(user_id: int, session_id: int) -> str:
    return f"user:{user_id}/session:{session_id}"


def sale_legs(est: Estimate, buyer_user_id: int, seller_org_id: int, seller_is_books_owner: bool) -> list[Leg]:
    """The sale as the house's books see it: the buyer owes the total; the seller is owed the hammer less its
    charges; each fee is income net of the VAT inside it. A dealer selling its own stock keeps its own books:
    the hammer is its sales income, and it levies no seller charges on itself.
    """
    cur = est.currency
    if seller_is_books_owner and est.seller_charges:
        raise ValueError("a dealer's own sale carries no seller charges")
    legs = [debit("buyer_receivable", buyer_party(buyer_user_id), est.total_due_fen, cur)]
    if seller_is_books_owner:
        legs.append(credit("vehicle_sales", "", est.hammer_fen, cur))
    else:
        legs.append(credit("seller_payable", seller_party(seller_org_id), est.seller_net_fen, cur))
    charges = (*est.buyer_charges, *est.seller_charges)
    legs.extend(credit(FEE_INCOME_PREFIX + c.kind, "", c.amount_fen - c.vat_fen, cur) for c in charges)
    legs.append(credit("vat_payable", "", sum(c.vat_fen for c in charges), cur))
    return without_zero_legs(legs)


def deposit_lodged_legs(user_id: int, session_id: int, amount_fen: int, currency: str) -> list[Leg]:
    return [
        debit("bank_clearing", "", amount_fen, currency),
        credit("deposits_held", deposit_party(user_id, session_id), amount_fen, currency),
    ]


def deposit_applied_legs(user_id: int, session_id: int, amount_fen: int, currency: str) -> list[Leg]:
    return [
        debit("deposits_held", deposit_party(user_id, session_id), amount_fen, currency),
        credit("buyer_receivable", buyer_party(user_id), amount_fen, currency),
    ]


def deposit_unapplied_to_credit_legs(user_id: int, amount_fen: int, currency: str) -> list[Leg]:
    """A void gives back what the deposit paid when the deposit itself is settled already: the receivable is
    raised again (the invoice no longer owes it) and the money is the buyer's credit, not the deposit account's."""
    return [
        debit("buyer_receivable", buyer_party(user_id), amount_fen, currency),
        credit("buyer_credit", buyer_party(user_id), amount_fen, currency),
    ]


def receipt_legs(user_id: int, applied_fen: int, credit_fen: int, currency: str) -> list[Leg]:
    return without_zero_legs(
        [
            debit("bank_clearing", "", applied_fen + credit_fen, currency),
            credit("buyer_receivable", buyer_party(user_id), applied_fen, currency),
            credit("buyer_credit", buyer_party(user_id), credit_fen, currency),
        ]
    )


def credit_refund_legs(user_id: int, amount_fen: int, currency: str) -> list[Leg]:
    """The buyer's credit paid back by bank transfer (an over-payment, a dispute's refund): posted when house staff
    record the transfer, never at the decision that made the credit."""
    return [
        debit("buyer_credit", buyer_party(user_id), amount_fen, currency),
        credit("bank_clearing", "", amount_fen, currency),
    ]
