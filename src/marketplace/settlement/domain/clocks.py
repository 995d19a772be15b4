"""A sale's clocks: rules over the working-day calendar from an anchor date (the sale's local day).

Each clock has a posting time, computed here and acted on by the sweeper (services/sweeper.py), never on read:

- due date: `payment_days` working days after the sale (the invoice's `due_date`);
- reminder: `reminder_working_days` working days before the due date (none if the sale is already due);
- overdue notice and the late fee: the first calendar day after the due date, if the invoice is still open;
- default: the first calendar day after `grace_working_days` working days past the due date;
- storage: one charge per calendar day after `free_working_days` working days from the sale, until collection.

Exclusions: while a dispute holds the clocks (`Sale.clocks_paused_since`) nothing accrues; when it ends every
deadline moves later by the working days the pause lasted (`paused_working_days`, accumulated over pauses).
Storage charges are numbered 1, 2, 3… rather than dated, so a charge already posted is never posted again
when the deadlines move: after a pause the count resumes where it stood once the shifted days have passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from marketplace.settlement.domain.calendar import WorkingCalendar

RestTo = Literal["house", "seller"]
NoticeKind = Literal["reminder", "overdue", "defaulted"]


class ClockTermsError(ValueError):
    def __init__(self, message: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.loc = loc


@dataclass(frozen=True)
class ClockTerms:
    """The house's terms for payment clocks, deposits and defaults (part of its fee schedule, `default`/`deposit`)."""

    grace_working_days: int = 5  # after the due date, before a default may be declared
    auto_default: bool = False  # the sweeper declares the default itself when the grace period ends
    penalty_points: int = 3  # 扣分 recorded against the buyer's organisation on a default
    bar_days: int = 90  # calendar days the buyer may not register for the house's sessions
    second_chance_working_days: int = 2  # the second-highest bidder's deadline to accept
    rest_to: RestTo = "house"  # what the forfeiture waterfall does with the rest
    reminder_working_days: int = 1
    refund_working_days: int = 3  # a bidder's deposit is refunded within this many working days of the session


DEFAULT_TERMS = ClockTerms()


def _int(value: Any, loc: tuple[str | int, ...], high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ClockTermsError(f"must be an integer between 0 and {high}", loc)
    return value


def parse_terms(default: Any, deposit: Any) -> ClockTerms:
    """`default: {grace_working_days, auto, penalty_points, bar_days, second_chance_working_days, rest_to}` and
    `deposit: {refund_working_days, reminder_working_days}`; each field optional (the defaults above)."""
    d = DEFAULT_TERMS
    default = {} if default is None else default
    deposit = {} if deposit is None else deposit
    if not isinstance(default, dict):
        raise ClockTermsError("default is an object", ("default",))
    if not isinstance(deposit, dict):
        raise ClockTermsError("deposit is an object", ("deposit",))
    known = {"grace_working_days", "auto", "penalty_points", "bar_days", "second_chance_working_days", "rest_to"}
    if set(default) - known:
        raise ClockTermsError(f"unknown fields {sorted(set(default) - known)}", ("default",))
    if set(deposit) - {"refund_working_days", "reminder_working_days"}:
        raise ClockTermsError("deposit is {refund_working_days, reminder_working_days}", ("deposit",))
    auto = default.get("auto", d.auto_default)
    if not isinstance(auto, bool):
        raise ClockTermsError("auto is true or false", ("default", "auto"))
    rest_to = default.get("rest_to", d.rest_to)
    if rest_to not in ("house", "seller"):
        raise ClockTermsError("rest_to is house or seller", ("default", "rest_to"))
    return ClockTerms(
        grace_working_days=_int(default.get("grace_working_days", d.grace_working_days),
                                ("default", "grace_working_days"), 60),
        auto_default=auto,
        penalty_points=_int(default.get("penalty_points", d.penalty_points), ("default", "penalty_points"), 100),
        bar_days=_int(default.get("bar_days", d.bar_days), ("default", "bar_days"), 3650),
        second_chance_working_days=_int(default.get("second_chance_working_days", d.second_chance_working_days),
                                        ("default", "second_chance_working_days"), 30),
        rest_to=rest_to,
        reminder_working_days=_int(deposit.get("reminder_working_days", d.reminder_working_days),
                                   ("deposit", "reminder_working_days"), 30),
        refund_working_days=_int(deposit.get("refund_working_days", d.refund_working_days),
                                 ("deposit", "refund_working_days"), 60),
    )  # fmt: skip


def terms_json(t: ClockTerms) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {"grace_working_days": t.grace_working_days, "auto": t.auto_default, "penalty_points": t.penalty_points,
         "bar_days": t.bar_days, "second_chance_working_days": t.second_chance_working_days, "rest_to": t.rest_to},
        {"refund_working_days": t.refund_working_days, "reminder_working_days": t.reminder_working_days},
    )  # fmt: skip


def sub_working_days(calendar: WorkingCalendar, start: date, n: int) -> date:
    """The n-th working day before `start`; n = 0 is `start`."""
    day = start
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


@dataclass(frozen=True)
class Deadlines:
    due_on: date  # pay by the end of this day
    reminder_on: date  # the reminder goes out from this day
    late_on: date  # the late fee posts and the overdue notice goes out on this day
    default_on: date  # a default may be declared from this day
    storage_free_until: date | None  # storage is charged for each calendar day after this one


def deadlines(
    calendar: WorkingCalendar,
    sold_on: date,
    due_on: date,
    terms: ClockTerms,
    free_working_days: int | None,
    paused_working_days: int = 0,
) -> Deadlines:
    """Every posting time of a sale, moved later by the working days its clocks were paused."""
    due = calendar.add_working_days(due_on, paused_working_days)
    grace_end = calendar.add_working_days(due, terms.grace_working_days)
    free = None
    if free_working_days is not None:
        free = calendar.add_working_days(calendar.add_working_days(sold_on, free_working_days), paused_working_days)
    return Deadlines(
        due_on=due,
        reminder_on=sub_working_days(calendar, due, terms.reminder_working_days),
        late_on=due + timedelta(days=1),
        default_on=grace_end + timedelta(days=1),
        storage_free_until=free,
    )


def storage_charges(d: Deadlines, today: date, collected_on: date | None) -> int:
    """How many storage charges are due by `today`: calendar days after the free period, up to collection
    (the collection day counted), never negative."""
    if d.storage_free_until is None:
        return 0
    until = today if collected_on is None else min(today, collected_on)
    return max(0, (until - d.storage_free_until).days)


def storage_day(d: Deadlines, ordinal: int) -> date:
    """The calendar day the n-th storage charge is for (its posting time)."""
    assert d.storage_free_until is not None
    assert ordinal >= 1
    return d.storage_free_until + timedelta(days=ordinal)


def notices_due(d: Deadlines, today: date, *, open_invoice: bool) -> list[NoticeKind]:
    """The buyer's notices whose time has come, in order. A state the invoice has left earns none: a paid
    invoice is reminded of nothing, and an invoice first seen overdue gets the overdue notice, not the reminder."""
    if not open_invoice:
        return []
    if today >= d.late_on:
        return ["overdue"]
    if today >= d.reminder_on:
        return ["reminder"]
    return []


def paused_days(calendar: WorkingCalendar, paused_on: date, resumed_on: date) -> int:
    """Working days a pause lasted: those in (paused_on, resumed_on]. Paused and resumed on one day: none."""
    return calendar.working_days_between(paused_on, resumed_on) if resumed_on > paused_on else 0


# --- the forfeiture waterfall ---------------------------------------------------------------------


@dataclass(frozen=True)
class Waterfall:
    forfeited_fen: int
    house_costs_fen: int  # first: the house's costs of the failed sale
    shortfall_fen: int  # then: what the re-sale fetched less than the defaulted sale (to the seller)
    rest_fen: int  # then the rest, as the terms say (`rest_to`)
    rest_to: RestTo


def waterfall(forfeited_fen: int, house_costs_fen: int, original_hammer_fen: int, resale_hammer_fen: int | None,
              rest_to: RestTo) -> Waterfall:  # fmt: skip
    """Share a forfeited deposit: the house's costs, then the re-sale's shortfall, then the rest. With no re-sale
    (yet) the shortfall is 0 and the rest is what remains after the costs; each step is capped by what is left."""
    if min(forfeited_fen, house_costs_fen, original_hammer_fen) < 0 or (resale_hammer_fen or 0) < 0:
        raise ValueError("amounts are not negative")
    costs = min(forfeited_fen, house_costs_fen)
    left = forfeited_fen - costs
    shortfall = 0 if resale_hammer_fen is None else min(left, max(0, original_hammer_fen - resale_hammer_fen))
    return Waterfall(forfeited_fen, costs, shortfall, left - shortfall, rest_to)
