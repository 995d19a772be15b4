"""Small-cell suppression for public breakdowns (by house, province, make, ...), linked across the tables, periods
and versions that publish the same cells.

One table. A cell built from fewer than k sales (and more than none) is suppressed (primary). A lone suppressed
cell could be recovered as the total minus the published cells, and so could a group of suppressed cells whose
sum is itself small, so more cells are suppressed (secondary: the smallest remaining, ties by key) until no
suppressed cell stands alone and the suppressed cells together hold at least k sales. When that cannot be reached
(the total itself is small), every cell is suppressed. Suppressed cells come back as None (observation status Q);
the total is published as it is.

Linked tables. The same cell is published again by a revision of the release, by a release of a period inside or
around it (a year's province cell is the sum of its months'), and by another breakdown of the same release (a
province whose sales are all one house's, that house's all in it, is the house's cell). Differencing those
published figures recovers a hidden cell unless the suppression is consistent across them (`links`):

- **hidden stays hidden**: a cell hidden in any version of the same release, in any release of a period that
  contains the period or lies inside it (the same year's months, halves and the year), or in a sibling period
  once a release containing both is out, is hidden here too, and the secondary suppression above works on top of
  that union (a hidden cell must again not stand alone), leaving out an earlier version's hidden group whose sum is
  unchanged (`blocks`: that sum is public, so the cells hidden beside it must protect each other);
- **known cells protect nothing**: a cell whose value here already follows from published figures (shown by an
  earlier version with the same value, or the sum of the published pieces of the period: the year = H1 + H2, a
  month = the year − its 11 other months; a release's lone unpublished cell, its total minus the rest: `derived`)
  is never picked as a secondary cell, and does not count towards the hidden group's size or sum;
- **one cell, one fate** (`suppress_linked`): a cell equal in two breakdowns (the same units and turnover) is
  taken for the same cell: hidden in one, it is hidden in the other.

What this does not protect (docs/statistics.md, "Small cells"): a revision publishes how much its total changed,
so a revision that changes a single cell gives away that cell's change whatever is hidden; a cell that is the sum
of several cells of another breakdown (a province made of exactly two listed houses) is not detected.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from marketplace.stats.domain.periods import Period

Cell = tuple[int, int]  # (units, turnover_fen)


def suppress(
    counts: Mapping[str, int],
    k: int,
    *,
    hidden: Iterable[str] = (),
    known: Iterable[str] = (),
    blocks: Iterable[frozenset[str]] = (),
) -> dict[str, int | None]:
    """The cells as published: None for a suppressed one.

    `hidden`: cells hidden in a linked table, hidden here whatever their size (one that is not in `counts` any more
    comes back as a hidden cell of 0: showing it missing would show it empty). `known`: cells whose value follows
    from published figures anyway, so they are never picked to protect another and do not count as protection.
    `blocks`: groups of cells whose sum is published already (the hidden group of an earlier version, its sum
    unchanged): a block protects nothing outside it, so the cells hidden beside it must protect each other (v1 hides
    {A, B}; v2 may not hide a new small C with them alone, or C = v2's hidden sum − v1's).
    """
    if k <= 1:
        return dict(counts)
    forced = set(hidden)
    cells = dict(counts)
    for key in forced - cells.keys():
        cells[key] = 0
    known_set = set(known)
    hide = {key for key, n in cells.items() if 0 < n < k} | forced
    protect = hide - known_set  # the cells whose value must not come out
    candidates = sorted(
        (key for key, n in cells.items() if n >= k and key not in hide and key not in known_set),
        key=lambda key: (cells[key], key),
    )

    in_blocks = set().union(*blocks)

    def exposed() -> bool:
        unknown = hide - known_set - in_blocks
        return bool(protect - in_blocks) and (len(unknown) == 1 or sum(cells[key] for key in unknown) < k)

    while exposed() and candidates:
        hide.add(candidates.pop(0))
    if exposed():
        # Hiding a known cell protects nothing (and would tie every later version to hiding it too).
        hide |= cells.keys() - known_set
    return {key: (None if key in hide else n) for key, n in cells.items()}


@dataclass(frozen=True)
class Published:
    """One breakdown as a stored release (published or scheduled) shows it: the cells it hides, those it shows, and
    those of its hidden cells whose value its own figures give away anyway (`derived`: the one cell left unpublished
    when every other is shown or known, its total minus the rest; `record`)."""

    period: Period
    version: int
    hidden: frozenset[str]
    shown: Mapping[str, Cell]
    derived: Mapping[str, Cell] = field(default_factory=dict)
    # The cells it does not publish, with their values (kept private): their sum is public, its total minus what it
    # shows, and which of them a revision left unchanged decides whether that sum still tells anything (`links`).
    unpublished: Mapping[str, Cell] = field(default_factory=dict)


def record(
    period: Period, version: int, cells: Mapping[str, Cell], hidden: Iterable[str], shown: Iterable[str],
    known: Iterable[str] = (),
) -> Published:  # fmt: skip
    """A breakdown as it is published: `cells` (every key with a sale), `hidden` its suppressed keys, `shown` the keys
    it publishes (a province breakdown all it does not hide; a ranking only the listed houses), `known` the keys
    whose value follows from other releases. A lone unpublished cell that is not known is its total minus the rest:
    it is recorded as derived, so later releases take it for published."""
    hidden_set, shown_set, known_set = frozenset(hidden), set(shown), set(known)
    unknown = [key for key in set(cells) | hidden_set if key not in shown_set and key not in known_set]
    derived = {key: cells[key] for key in unknown if key in cells} if len(unknown) == 1 else {}
    block = {key: cells.get(key, (0, 0)) for key in (set(cells) | hidden_set) - shown_set}
    shown_cells = {key: cells[key] for key in shown_set if key in cells}
    return Published(period, version, hidden_set, shown_cells, derived, block)


@dataclass(frozen=True)
class Links:
    hidden: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()
    blocks: tuple[frozenset[str], ...] = ()


def links(target: Period, current: Mapping[str, Cell], published: Iterable[Published]) -> Links:
    """What the stored releases of the same breakdown impose on `target`'s: the cells to keep hidden (hidden in a
    version of the same period, in a period containing it or inside it, or in another period that a stored release
    contains together with it) and the cells already known (shown by
    an earlier version with the same value, or the sum of other periods' published pieces). A key a table does not
    list at all is a published 0 there (the breakdown lists every key with a sale)."""
    goal = _months(target)
    tables = [t for t in published if t.period.year == target.year]
    universe = set(current).union(*(t.shown.keys() | t.hidden for t in tables))
    hidden: set[str] = set()
    known: set[str] = set()
    pieces: dict[str, list[frozenset[int]]] = {}
    spans = {_months(t.period) for t in tables}
    for table in tables:
        months = _months(table.period)
        same = table.period == target
        # A sibling (another month of the half) is linked once a period around both is out: its sum would give the
        # sibling's hidden cell as the container minus this one (and the other pieces).
        sibling = any(months | goal <= span for span in spans)
        if same or months <= goal or goal <= months or sibling:
            hidden |= table.hidden
        values = {**table.shown, **table.derived}
        for key in (universe - table.hidden) | table.derived.keys():
            if not same:
                pieces.setdefault(key, []).append(months)
            elif key in values and current.get(key) == tuple(values[key]):
                known.add(key)
    known |= {key for key, sets in pieces.items() if derivable(goal, sets)}
    # An earlier version's unpublished group has a public sum; less its cells whose value another version gives,
    # it is a block if no cell of it changed since.
    versions = [t for t in tables if t.period == target]
    blocks = []
    for table in versions:
        others = [{**other.shown, **other.derived} for other in versions if other is not table]
        given = {
            key for key, value in table.unpublished.items()
            if key in table.derived or any(tuple(o.get(key, ())) == tuple(value) for o in others)
        }  # fmt: skip
        rest = table.unpublished.keys() - given
        if rest and all(current.get(key, (0, 0)) == tuple(table.unpublished[key]) for key in rest):
            blocks.append(frozenset(rest))
    return Links(frozenset(hidden), frozenset(known), tuple(blocks))


def _months(period: Period) -> frozenset[int]:
    return frozenset(m.index for m in period.months())


def derivable(goal: frozenset[int], pieces: Iterable[frozenset[int]]) -> bool:
    """Whether a cell's sum over the months `goal` follows from its published sums over `pieces` (months of the same
    year): whether `goal` is a linear combination of them (the year from H1 and H2, a month from the year and the
    other eleven, H2 from the year and H1, ...)."""
    return _derivable(goal, frozenset(pieces))


@functools.lru_cache(maxsize=4096)  # the keys of a breakdown mostly share one pattern of published periods
def _derivable(goal: frozenset[int], pieces: frozenset[frozenset[int]]) -> bool:
    basis: dict[int, list[Fraction]] = {}  # pivot -> row, 1 at its pivot and 0 at every other pivot

    def reduce(months: frozenset[int]) -> list[Fraction]:
        row = [Fraction(1 if m in months else 0) for m in range(1, 13)]
        for pivot, base in basis.items():
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, base, strict=True)]
        return row

    for piece in sorted(pieces, key=sorted):
        row = reduce(piece)
        pivot = next((i for i, a in enumerate(row) if a), None)
        if pivot is None:
            continue
        row = [a / row[pivot] for a in row]
        for other, base in basis.items():
            if base[pivot]:
                factor = base[pivot]
                basis[other] = [a - factor * b for a, b in zip(base, row, strict=True)]
        basis[pivot] = row
    return not any(reduce(goal))


def suppress_linked(
    tables: Mapping[str, Mapping[str, Cell]], k: int, linked: Mapping[str, Links] | None = None
) -> dict[str, frozenset[str]]:
    """The hidden cells of each breakdown of one release (`{"provinces": {...}, "houses": {...}}`), each suppressed
    with its links, where a cell equal in two breakdowns (the same units and turnover, not empty) is one cell: a
    province whose sales are all one house's, and that house's all in the province, is that house's figure, so
    hiding it in one table and showing it in the other would hide nothing."""
    linked = linked or {}
    extra: dict[str, set[str]] = {name: set() for name in tables}
    known: dict[str, set[str]] = {name: set(linked.get(name, Links()).known) for name in tables}
    by_value: dict[str, dict[Cell, list[str]]] = {}
    for name, cells in tables.items():
        for key, cell in cells.items():
            if cell[0] > 0:
                by_value.setdefault(name, {}).setdefault(cell, []).append(key)
    for name, cells in tables.items():  # a cell known in one table is known in the other
        for other in tables:
            if other != name:
                known[other] |= {
                    twin for key in known[name] if key in cells for twin in by_value.get(other, {}).get(cells[key], [])
                }
    while True:
        hidden: dict[str, frozenset[str]] = {}
        for name, cells in tables.items():
            links_ = linked.get(name, Links())
            shown = suppress({key: c[0] for key, c in cells.items()}, k, hidden=links_.hidden | extra[name],
                             known=known[name], blocks=links_.blocks)  # fmt: skip
            hidden[name] = frozenset(key for key, n in shown.items() if n is None)
        grew = False
        for name, cells in tables.items():
            for other in tables:
                if other == name:
                    continue
                for key in hidden[name]:
                    if key not in cells:
                        continue
                    for twin in by_value.get(other, {}).get(cells[key], []):
                        if twin not in hidden[other]:
                            extra[other].add(twin)
                            grew = True
        if not grew:
            return hidden
