"""The exporter's filing (二手车出口企业备案): one year from approval, renewed before it expires, at least three
named appraisers. Only a verified filing in force lets the exporter apply for licences (`filing_invalid`)."""

from __future__ import annotations

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
