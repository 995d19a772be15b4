"""What the desk shows for a vehicle: its nearest deadline, red/amber/green, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from export.domain import clocks, steps

# The action that moves a vehicle on from each step (the desk words it from the code, in both languages).
TODO = {
    "bought": "register_transfer",  # 转让登记待出口 and the temporary plate
    "transfer_registered": "inspect",
    "inspected": "apply_for_licence",
    "licensed": "declare",
    "declared": "load",
    "loaded": "depart",
    "departed": "arrive",
    "arrived": "deliver",
    "delivered": "deregister",
    "deregistered": "file_vat_refund",
}
# What to do when a clock runs out: the step it guards cannot wait.
OVERDUE_TODO = {
    "plate": "renew_temporary_plate",
    "licence": "apply_for_new_licence",
    "deregistration": "deregister_now",
}


@dataclass(frozen=True)
class Status:
    colour: str  # red | amber | green
    todo: str | None
    deadline: clocks.Deadline | None


def status(step: str, deadlines: list[clocks.Deadline], today: date, blocked: bool = False) -> Status:
    nearest = min(deadlines, key=lambda d: d.due, default=None)
    todo = TODO.get(step)
    if nearest is not None and nearest.state(today) == "overdue":
        return Status("red", OVERDUE_TODO.get(nearest.what, todo), nearest)
    if blocked:
        return Status("red", "resolve_destination_rule", nearest)
    if nearest is not None and nearest.state(today) == "due_soon":
        return Status("amber", todo, nearest)
    return Status("green", todo if step not in steps.FINAL else None, nearest)
