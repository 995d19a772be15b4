"""Staff decisions on a filing and what a suspension does to the licence gate (export.domain.filings, steps)."""

from __future__ import annotations

from datetime import date

import pytest

from export.domain import filings, steps
from export.domain.filings import FilingView

UNTIL = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("status", "action", "want"),
    [
        ("pending", "verify", ("verified", None)),
        ("pending", "cancel", ("cancelled", None)),
        ("pending", "suspend", ("pending", "invalid_transition")),
        ("pending", "reinstate", ("pending", "invalid_transition")),
        ("verified", "suspend", ("suspended", None)),
        ("verified", "verify", ("verified", "invalid_transition")),
        ("verified", "reinstate", ("verified", "invalid_transition")),
        ("verified", "cancel", ("cancelled", None)),
        ("suspended", "reinstate", ("verified", None)),
        ("suspended", "verify", ("verified", None)),
        ("suspended", "suspend", ("suspended", "invalid_transition")),
        ("suspended", "cancel", ("cancelled", None)),
        ("cancelled", "verify", ("cancelled", "invalid_transition")),
        ("cancelled", "reinstate", ("cancelled", "invalid_transition")),
    ],
)
def test_decisions(status: str, action: str, want: tuple[str, str | None]) -> None:
    assert filings.decision(status, action, UNTIL, date(2026, 12, 1)) == want


def test_a_suspended_filing_is_reinstated_only_within_its_year() -> None:
    assert filings.decision("suspended", "reinstate", UNTIL, UNTIL) == ("verified", None)  # its last day
    assert filings.decision("suspended", "reinstate", UNTIL, date(2027, 3, 2)) == ("suspended", "filing_expired")
    assert filings.decision("suspended", "cancel", UNTIL, date(2027, 3, 2)) == ("cancelled", None)


def test_the_licence_refusal_names_a_suspension() -> None:
    day = date(2026, 12, 1)
    verified = FilingView("verified", date(2026, 3, 2), UNTIL)
    suspended = FilingView("suspended", date(2026, 3, 2), UNTIL)
    lapsed = FilingView("verified", date(2025, 1, 1), date(2025, 12, 31))
    assert filings.licence_refusal([verified], day) is None
    assert filings.licence_refusal([suspended], day) == "filing_suspended"
    assert filings.licence_refusal([suspended, verified], day) is None  # a renewal in force counts
    assert filings.licence_refusal([lapsed], day) == "filing_invalid"
    assert filings.licence_refusal([], day) == "filing_invalid"
    # a suspension outside its year is simply not in force
    assert filings.licence_refusal([suspended], date(2027, 3, 2)) == "filing_invalid"
    assert filings.licence_refusal([suspended], date(2026, 3, 1)) == "filing_invalid"


def test_the_licence_gate_words_the_suspension() -> None:
    reg = steps.Registration("丰田", "凯美瑞", date(2022, 3, 1), date(2026, 11, 1))
    base = {"registration": reg, "licence_data": reg}
    day = date(2026, 11, 15)
    assert steps.refusals("inspected", "licensed", steps.VehicleFacts(**base), day) == []  # type: ignore[arg-type]
    invalid = steps.VehicleFacts(**base, filing_valid=False)  # type: ignore[arg-type]
    assert steps.refusals("inspected", "licensed", invalid, day) == ["filing_invalid"]
    suspended = steps.VehicleFacts(**base, filing_valid=False, filing_suspended=True)  # type: ignore[arg-type]
    assert steps.refusals("inspected", "licensed", suspended, day) == ["filing_suspended"]
