"""The customs heading (HS 8703) of a used passenger car, derived from its engine and energy type.

    8703.21 / .22 / .23 / .24   spark ignition only: ≤ 1,000 / ≤ 1,500 / ≤ 3,000 / > 3,000 cm³
    8703.31 / .32 / .33         compression ignition (diesel) only: ≤ 1,500 / ≤ 2,500 / > 2,500 cm³
    8703.40 / .50               hybrid, spark / diesel with an electric motor, not chargeable from outside
    8703.60 / .70               plug-in hybrid, spark / diesel
    8703.80                     electric motor only (battery electric)
    8703.90                     other (e.g. fuel cell)

The derived heading is shown for the declaration; a person may override it with a reason (kept with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Energy = Literal["ice", "bev", "phev", "hev", "fcev"]
Fuel = Literal["petrol", "diesel"]


class HsError(ValueError):
    code = "hs_needs_displacement"


@dataclass(frozen=True)
class Heading:
    code: str
    derived: bool = True
    reason: str = ""


def heading(energy: Energy, fuel: Fuel = "petrol", displacement_ml: int | None = None) -> Heading:
    if energy == "bev":
        return Heading("8703.80")
    if energy == "fcev":
        return Heading("8703.90")
    if energy == "hev":
        return Heading("8703.40" if fuel == "petrol" else "8703.50")
    if energy == "phev":
        return Heading("8703.60" if fuel == "petrol" else "8703.70")
    if displacement_ml is None or displacement_ml <= 0:
        raise HsError("a combustion car's heading depends on its cylinder capacity")
    if fuel == "diesel":
        return Heading("8703.31" if displacement_ml <= 1500 else "8703.32" if displacement_ml <= 2500 else "8703.33")
    if displacement_ml <= 1000:
        return Heading("8703.21")
    if displacement_ml <= 1500:
        return Heading("8703.22")
    return Heading("8703.23" if displacement_ml <= 3000 else "8703.24")


def override(code: str, reason: str) -> Heading:
    if not code.startswith("8703.") or len(code) != 7 or not code[5:].isdigit():
        raise ValueError("an override is a heading of 8703 (e.g. 8703.23)")
    if not reason.strip():
        raise ValueError("an override needs its reason")
    return Heading(code, derived=False, reason=reason.strip())
