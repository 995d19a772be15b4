"""Presentation rounding: half-up (ties away from zero) to 2 decimals in the unit the industry writes.

亿元 and 万元 for money, 万台 for units, per cent and percentage points for ratios. Exact: the value is a
fraction of integers and the rounding is integer arithmetic, so 318.025 亿元 is 318.03 whatever the binary
representation of a float would have made of it. Totals are not forced to equal the sum of rounded parts.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

FEN_PER_YI_YUAN = 10_000_000_000
FEN_PER_WAN_YUAN = 1_000_000
UNITS_PER_WAN = 10_000


def half_up(value: Fraction | int, places: int = 2) -> Decimal:
    value = Fraction(value)
    scale = 10**places
    magnitude = abs(value) * scale
    whole = (magnitude.numerator * 2 + magnitude.denominator) // (magnitude.denominator * 2)
    signed = -whole if value < 0 and whole else whole
    return Decimal(signed).scaleb(-places)


def yi_yuan(fen: Fraction | int) -> Decimal:
    return half_up(Fraction(fen, FEN_PER_YI_YUAN))


def wan_yuan(fen: Fraction | int) -> Decimal:
    return half_up(Fraction(fen, FEN_PER_WAN_YUAN))


def wan_units(units: int) -> Decimal:
    return half_up(Fraction(units, UNITS_PER_WAN))


def percent(ratio: Fraction) -> Decimal:
    return half_up(ratio * 100)


def pp(points: Fraction) -> Decimal:
    return half_up(points)
