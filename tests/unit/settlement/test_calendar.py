"""The working-day calendar over the shipped holiday table (State Council notices 2023-2026)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.settlement.domain.calendar import WorkingCalendar, storage_days
from marketplace.settlement.holidays import china

CN = china()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # 元旦
        (date(2026, 1, 4), True),  # Sunday worked (调休)
        (date(2026, 2, 14), True),  # Saturday before 春节, worked
        (date(2026, 2, 16), False),  # 春节 (Monday)
        (date(2026, 2, 23), False),  # last day of the 9-day 春节 break
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday worked
        (date(2026, 10, 8), True),  # Thursday after 国庆
        (date(2026, 10, 10), True),  # Saturday worked
        (date(2025, 10, 8), False),  # 2025: 国庆 and 中秋 together, Oct 1-8
        (date(2025, 9, 28), True),  # Sunday worked
        (date(2024, 2, 18), True),  # Sunday worked after 春节 2024
        (date(2024, 5, 1), False),
        (date(2023, 6, 25), True),  # Sunday worked after 端午 2023
        (date(2023, 10, 6), False),
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 9), True),  # an ordinary Monday
    ],
)
def test_holidays_and_make_up_days(day: date, working: bool) -> None:
    assert CN.is_working_day(day) is working


def test_the_table_covers_the_notices_shipped() -> None:
    assert {2023, 2024, 2025, 2026} <= CN.covered_years
    # The days off each notice announces ("共N天" summed over its festivals), and make-up days are weekend days.
    days_off = {2023: 2 + 7 + 1 + 5 + 3 + 8, 2024: 1 + 8 + 3 + 5 + 1 + 3 + 7, 2025: 1 + 8 + 3 + 5 + 3 + 8,
                2026: 3 + 9 + 3 + 5 + 3 + 3 + 7}  # fmt: skip
    for year, count in days_off.items():
        assert all(d.weekday() >= 5 for d in CN.workdays if d.year == year)
        assert len([d for d in CN.holidays if d.year == year]) == count


def test_adding_working_days_skips_the_national_day_week() -> None:
    assert CN.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CN.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)  # Saturday, a make-up working day
    assert CN.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CN.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)


def test_outside_the_table_only_weekends_count() -> None:
    assert not CN.covers(date(2030, 1, 1))
    assert CN.is_working_day(date(2030, 1, 1))  # a Tuesday: no table for 2030


def test_storage_after_free_working_days() -> None:
    # Sold Fri 25 Sep 2026 (中秋 Sep 25-27, 国庆 Oct 1-7, Sat Oct 10 worked): the 7 free working days are
    # Sep 28, 29, 30, Oct 8, 9, 10, 12.
    sold = date(2026, 9, 25)
    assert CN.add_working_days(sold, 7) == date(2026, 10, 12)
    assert storage_days(CN, sold, date(2026, 10, 12), 7) == 0
    assert storage_days(CN, sold, date(2026, 10, 15), 7) == 3  # calendar days after the free period


@given(st.dates(date(2023, 1, 1), date(2026, 12, 1)), st.integers(0, 40))
def test_property_working_days_between_inverts_adding(start: date, n: int) -> None:
    end = CN.add_working_days(start, n)
    assert CN.working_days_between(start, end) == n
    assert n == 0 or CN.is_working_day(end)


def test_a_day_cannot_be_both() -> None:
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar.build([date(2026, 1, 4)], [date(2026, 1, 4)], [2026])
    assert WorkingCalendar().add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 6) + timedelta(days=3)
