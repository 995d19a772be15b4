"""The steps one export vehicle goes through, in order, and the gates each step must pass.

    bought → transfer_registered (转让登记待出口, temporary plate) → inspected (WM/T 8-2022 / 9-2022, or a
    declaration of the destination's standard) → licensed (出口许可证, goods state 旧) → declared (报关)
    → loaded → departed → arrived → delivered → deregistered (注销登记) → vat_refund_filed | vat_not_applicable

A vehicle moves one step forward at a time; anything else is `illegal_transition`. A gate that fails refuses the
step with its own stable code; a clock that runs out (the deregistration deadline) does not refuse the late step
— it must still be recorded — it turns the vehicle red until it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from export.domain import clocks

STEPS = (
    "bought", "transfer_registered", "inspected", "licensed", "declared", "loaded", "departed", "arrived",
    "delivered", "deregistered",
)  # fmt: skip
FINAL = ("vat_refund_filed", "vat_not_applicable")


@dataclass(frozen=True)
class Registration:
    """What the registration certificate (登记证书) says, as recorded from it."""

    make: str
    model: str
    first_registration: date
    pending_export_on: date | None = None  # the date of the 转让登记待出口 transfer


@dataclass(frozen=True)
class VehicleFacts:
    registration: Registration
    plate_issued: date | None = None
    insurance_ends: date | None = None
    inspection: bool = False  # a report to WM/T 8/9-2022 or a declaration of meeting the destination's standard
    after_sales_confirmation: bool = False
    licence_data: Registration | None = None  # what the licence application states
    licence_issued: date | None = None
    filing_valid: bool = True  # the exporter's filing (备案) verified and not expired
    filing_suspended: bool = False  # not valid because staff suspended it (a distinct code: staff lift it)
    hs_code: str | None = None
    cleared: date | None = None  # customs clearance
    documents: frozenset[str] = field(default_factory=frozenset)


def _next(current: str) -> tuple[str, ...]:
    if current in FINAL:
        return ()
    if current == STEPS[-1]:
        return FINAL
    return (STEPS[STEPS.index(current) + 1],)


def refusals(current: str, target: str, facts: VehicleFacts, today: date) -> list[str]:
    """Why `current → target` may not happen today; empty when it may."""
    if target not in _next(current):
        return ["illegal_transition"]
    found: list[str] = []
    if target == "transfer_registered" and facts.registration.pending_export_on is None:
        found.append("pending_export_transfer_missing")
    if target == "inspected":
        if facts.plate_issued is None or facts.insurance_ends is None:
            found.append("temporary_plate_missing")
        elif today > clocks.plate_expires(facts.plate_issued, facts.insurance_ends):
            found.append("plate_expired")
        if not facts.inspection:
            found.append("inspection_missing")
    if target == "licensed":
        if not facts.filing_valid:
            found.append("filing_suspended" if facts.filing_suspended else "filing_invalid")
        if clocks.needs_after_sales_confirmation(facts.registration.first_registration, today) and not (
            facts.after_sales_confirmation
        ):
            found.append("after_sales_confirmation_required")
        if facts.licence_data is None or facts.licence_data != facts.registration:
            found.append("licence_data_mismatch")
    if target == "declared":
        if facts.licence_issued is None or today > clocks.licence_expires(facts.licence_issued):
            found.append("licence_expired")
        if not facts.hs_code:
            found.append("hs_code_missing")
    if target == "deregistered" and facts.cleared is None:
        found.append("customs_clearance_missing")
    return found


def deadlines(step: str, facts: VehicleFacts) -> list[clocks.Deadline]:
    """The clocks running at this step (the desk shows the nearest; the sweeper reminds before each)."""
    out = []
    position = STEPS.index(step) if step in STEPS else len(STEPS)
    if facts.plate_issued and facts.insurance_ends and position < STEPS.index("inspected"):
        out.append(clocks.Deadline("plate", clocks.plate_expires(facts.plate_issued, facts.insurance_ends)))
    if facts.licence_issued and STEPS.index("licensed") <= position < STEPS.index("declared"):
        out.append(clocks.Deadline("licence", clocks.licence_expires(facts.licence_issued)))
    if facts.cleared and STEPS.index("declared") <= position < STEPS.index("deregistered"):
        out.append(clocks.Deadline("deregistration", clocks.deregistration_due(facts.cleared)))
    return out


def batch_refusals(licensed_quantity: int, declared_vins: list[str]) -> list[str]:
    """One licence per batch (一批一证): the declared quantity equals the licensed one, each VIN once."""
    found = []
    if len(set(declared_vins)) != len(declared_vins):
        found.append("duplicate_vin_in_batch")
    if licensed_quantity != len(declared_vins):
        found.append("licence_quantity_mismatch")
    return found
