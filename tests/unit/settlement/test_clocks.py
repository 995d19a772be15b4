"""The pure clock rules and the forfeiture waterfall, on their boundaries (domain/clocks.py)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.settlement import holidays
from marketplace.settlement.domain import clocks as c
from marketplace.settlement.domain import fees

CAL = holidays.china()
TERMS = c.ClockTerms()  # grace 5 working days, reminder 1 working day before the due date
SOLD = date(2026, 12, 2)  # a Wednesday
DUE = date(2026, 12, 7)  # 3 working days later: Monday


def test_deadlines_of_a_plain_week() -> None:
    d = c.deadlines(CAL, SOLD, DUE, TERMS, free_working_days=7)
    assert d.due_on == date(2026, 12, 7)
    assert d.reminder_on == date(2026, 12, 4)  # the working day before: Friday, not Sunday
    assert d.late_on == date(2026, 12, 8)  # the day after the due date
    assert d.default_on == date(
        2026, 12, 15
    )  # 5 working days of grace (8–14 Dec, the weekend skipped), then the next day
    assert d.storage_free_until == date(2026, 12, 11)


def test_holidays_and_make_up_days_move_the_clocks() -> None:
    # National Day 2026: 1–7 October off, Saturday 10 October worked (调休).
    due = CAL.add_working_days(date(2026, 9, 30), 3)
    assert due == date(2026, 10, 10)
    d = c.deadlines(CAL, date(2026, 9, 30), due, TERMS, free_working_days=None)
    assert d.default_on == date(2026, 10, 17)  # grace 12–16 October
    assert d.storage_free_until is None


def test_a_pause_moves_every_deadline_by_its_working_days() -> None:
    d = c.deadlines(CAL, SOLD, DUE, TERMS, free_working_days=7, paused_working_days=2)
    assert d.due_on == date(2026, 12, 9)
    assert d.late_on == date(2026, 12, 10)
    assert d.default_on == date(2026, 12, 17)
    assert d.storage_free_until == date(2026, 12, 15)


def test_paused_days_count_working_days_only() -> None:
    assert c.paused_days(CAL, date(2026, 12, 4), date(2026, 12, 7)) == 1  # Friday to Monday: Monday
    assert c.paused_days(CAL, date(2026, 12, 4), date(2026, 12, 4)) == 0
    assert c.paused_days(CAL, date(2026, 9, 30), date(2026, 10, 8)) == 1  # the holiday week counts nothing


def test_storage_charges_on_their_boundaries() -> None:
    d = c.deadlines(CAL, SOLD, DUE, TERMS, free_working_days=7)
    assert c.storage_charges(d, date(2026, 12, 11), None) == 0  # the last free day
    assert c.storage_charges(d, date(2026, 12, 12), None) == 1  # the first charged day (a Saturday: calendar days)
    assert c.storage_charges(d, date(2026, 12, 20), None) == 9
    assert c.storage_charges(d, date(2026, 12, 20), collected_on=date(2026, 12, 13)) == 2  # the collection day counts
    assert c.storage_charges(d, date(2026, 12, 20), collected_on=date(2026, 12, 10)) == 0
    assert c.storage_day(d, 1) == date(2026, 12, 12)


def test_storage_already_posted_is_never_posted_again_after_a_pause() -> None:
    # Two charges posted, then a 3-working-day pause: the count the shifted clock gives stays below 2 until the
    # paused days have passed, so the numbered charges 1 and 2 are not due again and nothing is posted twice.
    before = c.deadlines(CAL, SOLD, DUE, TERMS, free_working_days=7)
    assert c.storage_charges(before, date(2026, 12, 13), None) == 2
    after = c.deadlines(CAL, SOLD, DUE, TERMS, free_working_days=7, paused_working_days=3)
    assert after.storage_free_until == date(2026, 12, 16)
    assert c.storage_charges(after, date(2026, 12, 16), None) == 0
    assert c.storage_charges(after, date(2026, 12, 18), None) == 2  # charge 3 (not 1 or 2 again) is next
    assert c.storage_charges(after, date(2026, 12, 19), None) == 3


def test_notices_follow_the_state_of_the_invoice() -> None:
    d = c.deadlines(CAL, SOLD, DUE, TERMS, free_working_days=None)
    assert c.notices_due(d, date(2026, 12, 3), open_invoice=True) == []
    assert c.notices_due(d, date(2026, 12, 4), open_invoice=True) == ["reminder"]
    assert c.notices_due(d, date(2026, 12, 7), open_invoice=True) == ["reminder"]  # due today: still a reminder
    assert c.notices_due(d, date(2026, 12, 8), open_invoice=True) == ["overdue"]
    assert c.notices_due(d, date(2026, 12, 8), open_invoice=False) == []  # paid: nothing


def test_terms_parse_with_defaults_and_refuse_nonsense() -> None:
    assert c.parse_terms(None, None) == c.DEFAULT_TERMS
    t = c.parse_terms({"grace_working_days": 0, "auto": True, "rest_to": "seller"}, {"refund_working_days": 1})
    assert (t.grace_working_days, t.auto_default, t.rest_to, t.refund_working_days) == (0, True, "seller", 1)
    for bad, loc in (
        ({"grace_working_days": -1}, ("default", "grace_working_days")),
        ({"auto": "yes"}, ("default", "auto")),
        ({"rest_to": "charity"}, ("default", "rest_to")),
        ({"bar_days": True}, ("default", "bar_days")),
        ({"surprise": 1}, ("default",)),
    ):
        with pytest.raises(c.ClockTermsError) as err:
            c.parse_terms(bad, None)
        assert err.value.loc == loc
    # Inside a fee schedule, a refusal names its field like every fee rule does.
    with pytest.raises(fees.FeeRuleError) as fee_err:
        fees.parse_rules({"buyer_premium": [{"lower_fen": 0, "upper_fen": None}],
                          "seller_commission": [{"lower_fen": 0, "upper_fen": None}],
                          "deposit": {"refund_working_days": 61}})  # fmt: skip
    assert fee_err.value.loc == ("deposit", "refund_working_days")


def test_terms_round_trip_through_the_stored_rules() -> None:
    rules = fees.parse_rules(
        {"buyer_premium": [{"lower_fen": 0, "upper_fen": None}],
         "seller_commission": [{"lower_fen": 0, "upper_fen": None}],
         "default": {"auto": True, "bar_days": 30}, "deposit": {"refund_working_days": 2}}
    )  # fmt: skip
    assert fees.stored_rules(fees.rules_json(rules)).clocks == rules.clocks


# --- the waterfall ------------------------------------------------------------------------------------------


def test_waterfall_costs_first_then_the_shortfall_then_the_rest() -> None:
    w = c.waterfall(500_000, 120_000, 3_000_000, 2_800_000, "house")
    assert (w.house_costs_fen, w.shortfall_fen, w.rest_fen) == (120_000, 200_000, 180_000)


def test_waterfall_boundaries() -> None:
    # The costs alone exhaust the deposit.
    assert c.waterfall(100_000, 120_000, 3_000_000, 1_000_000, "house").house_costs_fen == 100_000
    assert c.waterfall(100_000, 120_000, 3_000_000, 1_000_000, "house").shortfall_fen == 0
    # The re-sale fetched as much or more: no shortfall.
    assert c.waterfall(500_000, 0, 3_000_000, 3_000_000, "seller").shortfall_fen == 0
    assert c.waterfall(500_000, 0, 3_000_000, 3_100_000, "seller").rest_fen == 500_000
    # No re-sale (yet): the rest after the costs.
    assert c.waterfall(500_000, 100_000, 3_000_000, None, "house").rest_fen == 400_000
    # A shortfall larger than what is left takes only what is left.
    w = c.waterfall(500_000, 100_000, 3_000_000, 0, "house")
    assert (w.shortfall_fen, w.rest_fen) == (400_000, 0)
    with pytest.raises(ValueError, match="not negative"):
        c.waterfall(-1, 0, 0, None, "house")


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**10), st.none() | st.integers(0, 10**10))
def test_waterfall_shares_exactly_what_was_forfeited(
    forfeited: int, costs: int, hammer: int, resale: int | None
) -> None:
    w = c.waterfall(forfeited, costs, hammer, resale, "house")
    assert w.house_costs_fen + w.shortfall_fen + w.rest_fen == forfeited
    assert min(w.house_costs_fen, w.shortfall_fen, w.rest_fen) >= 0
    assert w.house_costs_fen == min(forfeited, costs)
