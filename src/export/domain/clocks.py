"""The legal clocks of an export vehicle (domain.md section 4; MOFCOM and others, 商贸函〔2025〕648号).

- temporary plate (临时号牌) after the "转让登记待出口" transfer: valid at most 60 days, and never past the
  compulsory insurance's end;
- a car whose licence application comes 180 days or less after its first registration needs the maker's
  after-sales service confirmation (售后维修服务确认书), for applications from 1 January 2026;
- an export licence (出口许可证) is valid 6 months from issue and never across a year end;
- deregistration (注销登记) within 2 months of customs clearance.

A deadline is "due soon" from `REMIND_DAYS` before it, "overdue" the day after it: the desk turns the vehicle red.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PLATE_DAYS = 60
NEW_CAR_DAYS = 180
AFTER_SALES_RULE_FROM = date(2026, 1, 1)
LICENCE_MONTHS = 6
DEREGISTRATION_MONTHS = 2
REMIND_DAYS = 7


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 Aug + 6 months = 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plate_expires(issued: date, insurance_ends: date) -> date:
    """The last day a temporary plate may be used."""
    return min(issued + timedelta(days=PLATE_DAYS - 1), insurance_ends)


def needs_after_sales_confirmation(first_registration: date, application: date) -> bool:
    """180 days or less between first registration and the licence application, for applications from 2026."""
    return application >= AFTER_SALES_RULE_FROM and (application - first_registration).days <= NEW_CAR_DAYS


def licence_expires(issued: date) -> date:
    """The last day of a licence's validity: 6 months, cut at 31 December of its year of issue."""
    return min(add_months(issued, LICENCE_MONTHS) - timedelta(days=1), date(issued.year, 12, 31))


def deregistration_due(cleared: date) -> date:
    return add_months(cleared, DEREGISTRATION_MONTHS)


State = Literal["ok", "due_soon", "overdue"]


@dataclass(frozen=True)
class Deadline:
    what: str  # plate | licence | deregistration
    due: date

    def state(self, today: date) -> State:
        if today > self.due:
            return "overdue"
        if today >= self.due - timedelta(days=REMIND_DAYS):
            return "due_soon"
        return "ok"

    def days_left(self, today: date) -> int:
        return (self.due - today).days
