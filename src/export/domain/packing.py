"""The packing list (装箱单) of an export order: what the dealer records per vehicle, and when it holds.

Per vehicle: gross and net weight (whole kg), length × width × height (whole mm), how many packages it ships as
(the car itself is one; loose parts in the car are more), how it is shipped (the batch's modes: `ro_ro`,
`container`, `rail`) and, in a container, the container's number and its seal. A list is produced only when every
vehicle of the order has its details: a line of zeros would be a false declaration.

Container numbers follow ISO 6346: an owner code of three letters, the category U (freight), J (detachable
equipment) or Z (trailer or chassis), six serial digits and a check digit. The check digit: each of the first ten
characters takes a value (digits their own; letters from A = 10 upward, skipping 11, 22 and 33, the multiples of
11), times 2 to the power of its position (0 to 9); the sum modulo 11, with 10 written as 0.

Pure: no I/O. The codes (`packing_*`) are stable; the service answers them as 422.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Mode = Literal["ro_ro", "container", "rail"]
MODES: tuple[str, ...] = ("ro_ro", "container", "rail")

# Sane bounds: a loaded 40' container weighs at most about 30 t and the heaviest road vehicle an exporter ships
# (a tractor unit, a coach) stays far under 60 t; nothing shipped is longer than 20 m.
MAX_WEIGHT_KG = 60_000
MAX_DIMENSION_MM = 20_000
MAX_PACKAGES = 99
MAX_SEAL_LENGTH = 20
CATEGORIES = "UJZ"
_CONTAINER = re.compile(r"^[A-Z]{3}[UJZ][0-9]{7}$")
_SEAL = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


def _letter_values() -> dict[str, int]:
    values: dict[str, int] = {}
    n = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if n % 11 == 0:
            n += 1
        values[letter] = n
        n += 1
    return values


LETTER_VALUES = _letter_values()  # A=10, B=12 … K=21, L=23 … U=32, V=34 … Z=38


@dataclass(frozen=True)
class Packing:
    gross_kg: int
    net_kg: int
    length_mm: int
    width_mm: int
    height_mm: int
    packages: int
    mode: str
    container_no: str = ""
    seal_no: str = ""

    @property
    def volume_dm3(self) -> int:
        # mm³ → dm³, half up, in integers (the same rounding as the rendered list).
        return (self.length_mm * self.width_mm * self.height_mm + 500_000) // 1_000_000


@dataclass(frozen=True)
class Problem:
    field: str
    code: str


@dataclass(frozen=True)
class Totals:
    vehicles: int
    packages: int
    gross_kg: int
    net_kg: int
    volume_dm3: int
    containers: tuple[str, ...]  # each container once, in the order first met


def normalise(text: str) -> str:
    """A container or seal number as typed ("csqu 305438 3") in its stored form ("CSQU3054383")."""
    return re.sub(r"\s+", "", text).upper()


def check_digit(first_ten: str) -> int:
    """The ISO 6346 check digit of an owner code, category and serial number ("CSQU305438" → 3)."""
    if not re.fullmatch(r"[A-Z]{4}[0-9]{6}", first_ten):
        raise ValueError("four letters and six digits")
    total = sum((LETTER_VALUES[c] if c.isalpha() else int(c)) << i for i, c in enumerate(first_ten))
    return total % 11 % 10


def container_problem(number: str) -> str | None:
    """None for a valid ISO 6346 container number (normalised), else the code of what is wrong with it."""
    if not _CONTAINER.fullmatch(number):
        return "packing_container_number_invalid"
    if check_digit(number[:10]) != int(number[10]):
        return "packing_container_check_digit"
    return None


def _bounded(value: int, high: int) -> bool:
    return 1 <= value <= high


def problems(p: Packing, batch_mode: str | None = None) -> list[Problem]:
    """Every way `p` is not a true packing record; empty when it is. `batch_mode`: the vehicle's batch's mode."""
    found: list[Problem] = []
    for name in ("gross_kg", "net_kg"):
        if not _bounded(getattr(p, name), MAX_WEIGHT_KG):
            found.append(Problem(name, "packing_weight_out_of_range"))
    if _bounded(p.gross_kg, MAX_WEIGHT_KG) and _bounded(p.net_kg, MAX_WEIGHT_KG) and p.net_kg > p.gross_kg:
        found.append(Problem("net_kg", "packing_net_exceeds_gross"))
    for name in ("length_mm", "width_mm", "height_mm"):
        if not _bounded(getattr(p, name), MAX_DIMENSION_MM):
            found.append(Problem(name, "packing_dimension_out_of_range"))
    if not _bounded(p.packages, MAX_PACKAGES):
        found.append(Problem("packages", "packing_packages_out_of_range"))
    if p.mode not in MODES:
        found.append(Problem("mode", "packing_mode_unknown"))
    elif batch_mode is not None and p.mode != batch_mode:
        found.append(Problem("mode", "packing_mode_mismatch"))
    if p.mode == "container":
        if not p.container_no:
            found.append(Problem("container_no", "packing_container_required"))
        elif (code := container_problem(p.container_no)) is not None:
            found.append(Problem("container_no", code))
        if not p.seal_no:
            found.append(Problem("seal_no", "packing_seal_required"))
        elif len(p.seal_no) > MAX_SEAL_LENGTH or not _SEAL.fullmatch(p.seal_no):
            found.append(Problem("seal_no", "packing_seal_invalid"))
    else:
        for name in ("container_no", "seal_no"):
            if getattr(p, name):
                found.append(Problem(name, "packing_container_not_applicable"))
    return found


def totals(items: list[Packing]) -> Totals:
    containers: list[str] = []
    for p in items:
        if p.container_no and p.container_no not in containers:
            containers.append(p.container_no)
    return Totals(
        vehicles=len(items),
        packages=sum(p.packages for p in items),
        gross_kg=sum(p.gross_kg for p in items),
        net_kg=sum(p.net_kg for p in items),
        volume_dm3=sum(p.volume_dm3 for p in items),
        containers=tuple(containers),
    )


def missing(records: list[Packing | None]) -> list[int]:
    """The positions of vehicles without packing details: a list with any is not produced."""
    return [i for i, p in enumerate(records) if p is None]
