"""The increment ladder (加价幅度): price bands, each with a step; valid amounts sit on the step grid.

A band covers [start, next band's start); its grid is start, start + step, start + 2·step, …
Validation makes every band start lie on the previous band's grid, so the grid is continuous.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


class LadderError(ValueError):
    """The ladder (or premium table) is malformed; the message says why, `where` says which cell
    (band index and field), when one band is to blame, so a form can mark that row."""

    def __init__(self, message: str, where: tuple[int, str] | None = None) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Band:
    start: int  # fen, inclusive
    step: int  # fen


@dataclass(frozen=True)
class Ladder:
    bands: tuple[Band, ...]

    @staticmethod
    def build(pairs: list[tuple[int, int]]) -> Ladder:
        """Validate (start_fen, step_fen) pairs: first starts at 0, strictly ascending, positive steps, no gaps."""
        if not pairs:
            raise LadderError("the ladder needs at least one band")
        if pairs[0][0] != 0:
            raise LadderError("the first band must start at 0 (no gap below it)", (0, "start"))
        bands: list[Band] = []
        for i, (start, step) in enumerate(pairs):
            if step <= 0:
                raise LadderError(f"band {i}: the step must be positive", (i, "step"))
            if bands:
                prev = bands[-1]
                if start <= prev.start:
                    raise LadderError(f"band {i}: bands must be in ascending order of their start", (i, "start"))
                if (start - prev.start) % prev.step:
                    raise LadderError(
                        f"band {i}: its start {start} is not on band {i - 1}'s step grid (a gap)", (i, "start")
                    )
            bands.append(Band(start, step))
        return Ladder(tuple(bands))

    def as_pairs(self) -> list[tuple[int, int]]:
        return [(b.start, b.step) for b in self.bands]

    def _index(self, amount: int) -> int:
        return max(0, bisect_right([b.start for b in self.bands], amount) - 1)

    def increment(self, amount: int) -> int:
        """The step of the band the amount falls in."""
        return self.bands[self._index(amount)].step

    def on_grid(self, amount: int) -> bool:
        if amount < 0:
            return False
        band = self.bands[self._index(amount)]
        return (amount - band.start) % band.step == 0

    def floor(self, amount: int) -> int:
        """The highest grid amount ≤ amount."""
        band = self.bands[self._index(amount)]
        return amount - (amount - band.start) % band.step

    def ceil(self, amount: int) -> int:
        """The lowest grid amount ≥ amount."""
        if self.on_grid(amount):
            return amount
        i = self._index(amount)
        above = self.floor(amount) + self.bands[i].step
        if i + 1 < len(self.bands):
            above = min(above, self.bands[i + 1].start)
        return above

    def nearest(self, amount: int) -> tuple[int, int]:
        """The valid amounts either side of an off-grid amount (what a rejection suggests)."""
        return self.floor(amount), self.ceil(amount)

    def next_above(self, amount: int) -> int:
        """amount + increment(amount), snapped up onto the grid (a band change can move the grid)."""
        return self.ceil(amount + self.increment(amount))


@dataclass(frozen=True)
class PremiumBand:
    start: int  # fen, inclusive
    basis_points: int  # 1 % = 100
    fixed: int  # fen


@dataclass(frozen=True)
class PremiumTable:
    """Buyer premium (佣金) by hammer-price band: a percentage and/or a fixed amount."""

    bands: tuple[PremiumBand, ...]

    @staticmethod
    def build(rows: list[tuple[int, int, int]]) -> PremiumTable:
        if not rows:
            raise LadderError("the premium table needs at least one band")
        if rows[0][0] != 0:
            raise LadderError("the first premium band must start at 0", (0, "start"))
        bands: list[PremiumBand] = []
        for i, (start, bp, fixed) in enumerate(rows):
            if bp < 0 or fixed < 0:
                raise LadderError(
                    f"premium band {i}: percentage and fixed amount cannot be negative", (i, "percent_bp")
                )
            if bp > 10_000:
                raise LadderError(f"premium band {i}: the percentage cannot exceed 100 %", (i, "percent_bp"))
            if bands and start <= bands[-1].start:
                raise LadderError(f"premium band {i}: bands must be in ascending order of their start", (i, "start"))
            bands.append(PremiumBand(start, bp, fixed))
        return PremiumTable(tuple(bands))

    def premium(self, hammer: int) -> int:
        band = self.bands[max(0, bisect_right([b.start for b in self.bands], hammer) - 1)]
        # Round half up to the fen: 0.5 fen is charged, as bank practice does.
        return (hammer * band.basis_points + 5_000) // 10_000 + band.fixed
