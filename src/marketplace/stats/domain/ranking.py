"""Rankings (成交量30强 / 成交额30强): top N houses of a period by units and by turnover.

Value descending, ties broken by the house's name in code-point order (then its key, so the order is total),
positions 1..N with no shared ranks: which of two tied houses is 30th is decided by name. Both rankings rank the
same population: the houses with at least one sale in the period. Movement = last year's rank − this year's
rank; a house not in last year's list of the same length is "new" (previous_rank None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from marketplace.stats.domain.figures import Tally

By = Literal["units", "turnover"]


@dataclass(frozen=True)
class RankRow:
    rank: int
    house_key: str
    house: str
    units: int
    turnover_fen: int
    previous_rank: int | None

    @property
    def movement(self) -> int | None:
        """Places gained since last year (negative: lost); None for a house new to the list."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def order(houses: Mapping[str, Tally], names: Mapping[str, str], by: By) -> list[str]:
    def sort_key(key: str) -> tuple[int, str, str]:
        tally = houses[key]
        value = tally.units if by == "units" else tally.turnover_fen
        return (-value, names.get(key, key), key)

    return sorted((k for k, t in houses.items() if t.units > 0), key=sort_key)


def rank(
    houses: Mapping[str, Tally],
    names: Mapping[str, str],
    by: By,
    *,
    size: int = 30,
    previous: Mapping[str, int] | None = None,
) -> list[RankRow]:
    """The top `size` by `by`; `previous` maps a house key to its rank in last year's list of the same kind."""
    previous = previous or {}
    return [
        RankRow(i, key, names.get(key, key), houses[key].units, houses[key].turnover_fen, previous.get(key))
        for i, key in enumerate(order(houses, names, by)[:size], start=1)
    ]


def positions(rows: list[RankRow]) -> dict[str, int]:
    """A list's ranks by house key: the `previous` of next year's ranking."""
    return {row.house_key: row.rank for row in rows}
