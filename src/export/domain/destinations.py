"""Destination rules: what a country accepts, versioned and effective-dated, each with its source.

A rule applies from its effective date only; for a check on a given day the newest version in force that day
counts. The shipped table is small and names where each rule comes from; staff keep it current (rules change).
Checked when a vehicle enters an order, at booking, and against the estimated arrival date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Steering = Literal["lhd", "rhd"]
AgeBasis = Literal["first_registration", "manufacture"]
AgeCountedAt = Literal["shipment", "arrival"]


@dataclass(frozen=True)
class Rule:
    country: str  # ISO 3166-1 alpha-2
    effective_from: date
    source: str
    max_age_years: int | None = None
    age_basis: AgeBasis = "first_registration"
    age_counted_at: AgeCountedAt = "shipment"
    steering: Steering | None = None  # the only steering side allowed
    min_euro: int | None = None
    # (from this age in whole years, under this age or None, certificate): which papers a car of that age needs
    certificates: tuple[tuple[int, int | None, str], ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Car:
    steering: Steering
    first_registration: date
    manufactured: date | None = None
    euro: int | None = None  # 国五 ≈ Euro 5, 国六 ≈ Euro 6
    certificates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Violation:
    code: str  # destination_steering, destination_too_old, destination_emission, destination_certificate
    rule: Rule
    detail: str


def years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end`, as birthdays count (a 29 February start has its day on 1 March)."""
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years


def in_force(rules: list[Rule], country: str, on: date) -> Rule | None:
    candidates = [r for r in rules if r.country == country and r.effective_from <= on]
    return max(candidates, key=lambda r: r.effective_from, default=None)


def check(rules: list[Rule], country: str, car: Car, *, shipped: date, arrival: date | None = None) -> list[Violation]:
    rule = in_force(rules, country, shipped)
    if rule is None:
        return []
    found = []
    if rule.steering is not None and car.steering != rule.steering:
        found.append(Violation("destination_steering", rule, f"{country} takes {rule.steering.upper()} only"))
    if rule.max_age_years is not None:
        born = car.first_registration if rule.age_basis == "first_registration" else car.manufactured
        counted = (arrival or shipped) if rule.age_counted_at == "arrival" else shipped
        if born is not None and years_between(born, counted) >= rule.max_age_years:
            detail = f"under {rule.max_age_years} years from {rule.age_basis}, counted at {counted}"
            found.append(Violation("destination_too_old", rule, detail))
    if rule.min_euro is not None and (car.euro is None or car.euro < rule.min_euro):
        found.append(Violation("destination_emission", rule, f"Euro {rule.min_euro} or better"))
    age = years_between(car.first_registration, shipped)
    for start, under, certificate in rule.certificates:
        if age >= start and (under is None or age < under) and certificate not in car.certificates:
            found.append(Violation("destination_certificate", rule, certificate))
    return found


_EAEU = "EAEU technical regulation TR CU 018/2011 (safety of wheeled vehicles); domain.md section 4"
# Under 3 years a type approval (ОТТС); from 3 years a single-vehicle certificate (СБКТС).
_EAEU_PAPERS: tuple[tuple[int, int | None, str], ...] = (
    (0, 3, "type_approval"),
    (3, None, "single_vehicle_certificate"),
)
# The shipped table (docs/export.md): each rule names its source; staff add versions as rules change.
SHIPPED: list[Rule] = [
    Rule(
        "KE",
        date(2000, 1, 1),
        "KEBS KS 1515 (inspection of road vehicles); domain.md section 4",
        max_age_years=8,
        age_counted_at="arrival",
        steering="rhd",
    ),
    Rule(
        "RU",
        date(2015, 1, 1),
        _EAEU,
        notes="recycling fee (утильсбор) payable on import",
        certificates=(*_EAEU_PAPERS, (0, None, "era_glonass")),
    ),
    Rule(
        "KZ",
        date(2015, 1, 1),
        _EAEU + "; Euro 4: domain.md section 4",
        min_euro=4,
        certificates=_EAEU_PAPERS,
    ),
    Rule("KG", date(2015, 1, 1), _EAEU, certificates=_EAEU_PAPERS),
    Rule(
        "UZ",
        date(2015, 1, 1),
        "Uzbekistan: right-hand-drive cars are not admitted (to verify with the importer)",
        steering="lhd",
    ),
    Rule(
        "AE",
        date(2015, 1, 1),
        "UAE: right-hand-drive cars are not registered (to verify with the importer)",
        steering="lhd",
    ),
]
