"""Integer fen arithmetic. The one rounding rule: a percentage of an amount is rounded half up to the fen.

Rates are basis points (1 bp = 0.01 %), so 5 % is 500. For non-negative amounts `(amount * bp + 5000) // 10000`
is exact integer arithmetic: 0.5 fen and above round up, below round down (bank practice). Amounts are never
floats; a negative amount here is a bug, so it is refused rather than rounded some other way.
"""

from __future__ import annotations

BP = 10_000  # basis points in a whole


class MoneyError(ValueError):
    pass


def percent_of(amount_fen: int, rate_bp: int) -> int:
    if amount_fen < 0 or rate_bp < 0:
        raise MoneyError("percentages are taken of non-negative amounts at non-negative rates")
    return (amount_fen * rate_bp + BP // 2) // BP


def vat_included(gross_fen: int, rate_bp: int) -> int:
    """The VAT inside a VAT-inclusive price (含税价): gross − round_half_up(gross / (1 + rate)).

    Computed per line and rounded once, so net + VAT equals the gross exactly.
    """
    if gross_fen < 0 or rate_bp < 0:
        raise MoneyError("VAT is taken of non-negative amounts at non-negative rates")
    net = (gross_fen * BP * 2 + (BP + rate_bp)) // (2 * (BP + rate_bp))
    return gross_fen - net
