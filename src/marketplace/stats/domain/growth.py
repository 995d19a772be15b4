"""Growth between two levels of the same version: YoY (同比) and MoM (环比) as fractions, changes of ratios in
percentage points. A missing or zero base gives "not available" (None), never 0 or infinity."""

from __future__ import annotations

from fractions import Fraction


def change(current: int | Fraction | None, base: int | Fraction | None) -> Fraction | None:
    """(current − base) / base."""
    if current is None or base is None or base == 0:
        return None
    return (Fraction(current) - Fraction(base)) / Fraction(base)


def points(current: Fraction | None, base: Fraction | None) -> Fraction | None:
    """The change of a ratio in percentage points: 0.5652 against 0.4098 is +15.54 pp."""
    if current is None or base is None:
        return None
    return (current - base) * 100
