from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.stats.domain.growth import change, points
from marketplace.stats.domain.periods import CST, Period, beijing_date, month_of
from marketplace.stats.domain.rounding import half_up, percent, pp, wan_units, wan_yuan, yi_yuan


def test_a_sale_at_half_past_midnight_beijing_time_on_new_year_belongs_to_the_new_year() -> None:
    moment = datetime(2023, 12, 31, 16, 30, tzinfo=UTC)  # 2024-01-01 00:30 in Beijing
    assert beijing_date(moment) == date(2024, 1, 1)
    assert Period.whole_year(2024).contains_moment(moment)
    assert not Period.whole_year(2023).contains_moment(moment)
    assert month_of(moment).key == "2024-01"


def test_the_offset_a_moment_was_written_with_does_not_matter() -> None:
    same = [
        datetime(2023, 6, 30, 23, 59, tzinfo=CST),
        datetime(2023, 6, 30, 15, 59, tzinfo=UTC),
        datetime(2023, 6, 30, 17, 59, tzinfo=timezone(timedelta(hours=2))),
    ]
    assert {Period.half(2023, 1).contains_moment(m) for m in same} == {True}
    assert not Period.half(2023, 2).contains_moment(same[1])


def test_a_moment_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        beijing_date(datetime(2023, 1, 1))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("key", "start", "end", "months"),
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31), 12),
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), 6),
        ("2023-H2", date(2023, 7, 1), date(2023, 12, 31), 6),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 1),
    ],
)
def test_periods_parse_and_span_their_calendar(key: str, start: date, end: date, months: int) -> None:
    period = Period.parse(key)
    assert (period.key, period.start(), period.end(), len(period.months())) == (key, start, end, months)


def test_year_earlier_and_previous() -> None:
    assert Period.parse("2024-03").year_earlier().key == "2023-03"
    assert Period.parse("2024-01").previous().key == "2023-12"
    assert Period.parse("2024-H1").previous().key == "2023-H2"


@pytest.mark.parametrize("bad", ["23", "2023-13", "2023-H3", "2023-00", "2023-1", "abc"])
def test_bad_period_keys(bad: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(bad)


def test_the_2023_headline_rounds_as_published() -> None:
    turnover_fen = 31_803_000_000_00  # 318.03 亿元
    units = 702_500
    assert yi_yuan(turnover_fen) == Decimal("318.03")
    assert wan_units(units) == Decimal("70.25")
    assert wan_yuan(Fraction(turnover_fen, units)) == Decimal("4.53")


def test_half_up_takes_ties_away_from_zero_exactly() -> None:
    assert yi_yuan(31_802_500_000_00) == Decimal("318.03")  # 318.025 亿元: a float would have said 318.02
    assert half_up(Fraction(-5, 1000)) == Decimal("-0.01")
    assert half_up(Fraction(-4, 1000)) == Decimal("0.00")
    assert percent(Fraction(5652, 10000)) == Decimal("56.52")
    assert pp(Fraction(1554, 100)) == Decimal("15.54")


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=0, max_value=6))
def test_half_up_agrees_with_decimal_on_decimal_fractions(numerator: int, exponent: int) -> None:
    value = Fraction(numerator, 10**exponent)
    expected = (Decimal(numerator).scaleb(-exponent)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert half_up(value) == expected


def test_growth_from_unrounded_levels_and_not_available_bases() -> None:
    assert change(110, 100) == Fraction(1, 10)
    assert change(5, 0) is None
    assert change(5, None) is None
    assert change(None, 5) is None
    assert points(Fraction(5652, 10000), Fraction(4098, 10000)) == Fraction(1554, 100)
    assert points(None, Fraction(1, 2)) is None
