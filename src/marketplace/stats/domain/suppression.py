"""Small-cell suppression for public breakdowns (by house, province, make, ...).

A cell built from fewer than k sales (and more than none) is suppressed (primary). A lone suppressed cell could
be recovered as the total minus the published cells, and so could a group of suppressed cells whose sum is
itself small, so more cells are suppressed (secondary: the smallest remaining, ties by key) until no suppressed
cell stands alone and the suppressed cells together hold at least k sales. When that cannot be reached (the
total itself is small), every cell is suppressed. Suppressed cells come back as None (observation status Q); the
total is published as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K", bound=str)


def suppress(counts: Mapping[K, int], k: int) -> dict[K, int | None]:
    if k <= 1:
        return dict(counts)
    hidden = {key for key, n in counts.items() if 0 < n < k}
    shown = sorted((key for key, n in counts.items() if n >= k), key=lambda key: (counts[key], key))

    def exposed() -> bool:
        return bool(hidden) and (len(hidden) == 1 or sum(counts[key] for key in hidden) < k)

    while exposed() and shown:
        hidden.add(shown.pop(0))
    if exposed():
        hidden = set(counts)
    return {key: (None if key in hidden else n) for key, n in counts.items()}
