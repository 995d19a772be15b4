"""The working-day calendar: weekends, public holidays and their make-up working days (调休), as data.

A day is a working day if it is a make-up working day, or else a weekday that is not a holiday. The
table covers the years it lists (`covered_years`); outside them only weekends count, and `covers()` says
so, so a caller can mark a date computed there as provisional.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked instead (调休上班)
    covered_years: frozenset[int] = frozenset()

    @staticmethod
    def build(holidays: Iterable[date], workdays: Iterable[date], years: Iterable[int]) -> WorkingCalendar:
        h, w = frozenset(holidays), frozenset(workdays)
        if h & w:
            raise ValueError(f"days both holiday and working day: {sorted(h & w)}")
        return WorkingCalendar(h, w, frozenset(years))

    def covers(self, day: date) -> bool:
        return day.year in self.covered_years

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted); n = 0 is `start`."""
        if n < 0:
            raise ValueError("n must be non-negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many add_working_days steps lead from start to end."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def storage_days(calendar: WorkingCalendar, sold_on: date, collected_on: date, free_working_days: int) -> int:
    """Chargeable storage days: calendar days after the free period (N working days after the sale) until
    collection, the collection day included. Collected within the free period: none."""
    free_until = calendar.add_working_days(sold_on, free_working_days)
    return max(0, (collected_on - free_until).days)
