"""Releases: immutable, versioned snapshots of a reference period, with an embargo and revision notes.

A release is computed once from approved data and never changes; a revision is a new version of the same
period with a note listing every changed figure with its old and new value (old versions stay readable). Before
its embargo time a release is visible only inside the association. Growth inside a version is computed from
that version's own unrounded levels, so a revision changes YoY only in the new version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

Scalar = int | str | Fraction | None


@dataclass(frozen=True)
class Change:
    path: str  # e.g. "turnover_fen", "yoy.units", "top30_units[3].units", "monthly.2023-05.units"
    old: Scalar
    new: Scalar


def flatten(document: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Scalar]]:
    for key, value in document.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        yield from _flatten_value(path, value)


def _flatten_value(path: str, value: Any) -> Iterator[tuple[str, Scalar]]:
    if isinstance(value, Mapping):
        yield from flatten(value, path)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for i, item in enumerate(value):
            yield from _flatten_value(f"{path}[{i}]", item)
    else:
        yield path, value


def revision_note(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every figure whose value differs between two versions (added and removed figures included)."""
    before, after = dict(flatten(old)), dict(flatten(new))
    paths = sorted(set(before) | set(after))
    return [Change(p, before.get(p), after.get(p)) for p in paths if before.get(p) != after.get(p)]


def next_version(existing: Sequence[int]) -> int:
    return max(existing, default=0) + 1


def visible(embargo_until: datetime, now: datetime, *, inside_association: bool) -> bool:
    """Equal access at the announced time: nobody outside the association sees a release before its embargo."""
    if embargo_until.tzinfo is None or now.tzinfo is None:
        raise ValueError("embargo times carry their offset")
    return inside_association or now >= embargo_until


def embargo_conflict(embargo: datetime, previous: datetime | None, inside: list[tuple[str, datetime]]) -> str | None:
    """Why a release may not go out at `embargo`, or None.

    A revision goes out no earlier than the version before it (`previous`'s embargo): its note carries that
    version's figures as the old values, so an earlier revision would publish them before their time. A year or
    half-year goes out no earlier than any release of a period inside it (`inside`: (period key, embargo) of
    every version of its months and halves), whose figures it adds up."""
    if previous is not None and embargo < previous:
        return f"a revision cannot go out before the previous version's embargo ({previous.isoformat()})"
    later = [(key, at) for key, at in inside if embargo < at]
    if later:
        key, at = max(later, key=lambda item: item[1])
        return f"the release of {key} inside this period is embargoed until {at.isoformat()}"
    return None
