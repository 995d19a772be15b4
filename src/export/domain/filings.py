"""The exporter's filing (二手车出口企业备案): one year from approval, renewed before it expires, at least three
named appraisers. Only a verified filing in force lets the exporter apply for licences (`filing_invalid`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from export.domain.clocks import add_months

VALID_MONTHS = 12
MIN_APPRAISERS = 3
REMIND_DAYS = 30  # a renewal takes the provincial office weeks: remind a month ahead


def valid_until(approved_on: date) -> date:
    """The last day of a filing approved on `approved_on` (approved 1 March 2026 → 28 February 2027)."""
    return add_months(approved_on, VALID_MONTHS) - timedelta(days=1)


def in_force(status: str, approved_on: date, until: date, today: date) -> bool:
    return status == "verified" and approved_on <= today <= until


def renewal_refusal(status: str, until: date, today: date) -> str | None:
    """A filing is renewed before it expires; a lapsed or cancelled one needs a new filing."""
    if status == "cancelled":
        return "filing_cancelled"
    if today > until:
        return "filing_renewal_late"
    return None


def appraiser_problems(appraisers: list[tuple[str, str]]) -> list[str]:
    names = [name.strip() for name, _ in appraisers if name.strip()]
    if len(set(names)) < MIN_APPRAISERS:
        return ["filing_needs_three_appraisers"]
    return []


# --- staff decisions -------------------------------------------------------------------------------------------
# A suspended filing is reinstated by staff (`reinstate`, or `verify` again, as a suspended dealer is) while it is
# still within its year; a lapsed one needs a renewal or a new filing. Cancelled is final.
_DECISIONS: dict[tuple[str, str], str] = {
    ("pending", "verify"): "verified",
    ("pending", "cancel"): "cancelled",
    ("verified", "suspend"): "suspended",
    ("verified", "cancel"): "cancelled",
    ("suspended", "reinstate"): "verified",
    ("suspended", "verify"): "verified",
    ("suspended", "cancel"): "cancelled",
}
NEEDS_REASON = frozenset({"suspend", "cancel"})


def decision(status: str, action: str, until: date, today: date) -> tuple[str, str | None]:
    """The status a staff decision leads to, and the refusal's code (None when it may happen)."""
    target = _DECISIONS.get((status, action))
    if target is None:
        return status, "invalid_transition"
    if status == "suspended" and target == "verified" and today > until:
        return status, "filing_expired"
    return target, None


@dataclass(frozen=True)
class FilingView:
    status: str
    approved_on: date
    valid_until: date


def licence_refusal(filings_: list[FilingView], on: date) -> str | None:
    """Why the exporter may not be licensed on `on`: `filing_suspended` when the filing that would be in force is
    suspended (staff lift it), `filing_invalid` when none is verified and within its year; None when one is."""
    current = [f for f in filings_ if f.approved_on <= on <= f.valid_until]
    if any(f.status == "verified" for f in current):
        return None
    if any(f.status == "suspended" for f in current):
        return "filing_suspended"
    return "filing_invalid"
