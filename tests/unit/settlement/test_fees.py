"""Fee rules: bands with inclusive bounds, min and cap, fixed fees, the statutory default, exact rounding."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.settlement.domain import fees
from marketplace.settlement.domain.money import percent_of, vat_included

SCHEDULE: dict[str, Any] = {
    "buyer_premium": [
        {"lower_fen": 0, "upper_fen": 5_000_000, "flat_fen": 100_000},  # up to 5万: flat 1,000 元
        {"lower_fen": 5_000_001, "upper_fen": 20_000_000, "rate_bp": 300, "min_fen": 150_001, "cap_fen": 500_000},
        {"lower_fen": 20_000_001, "upper_fen": None, "rate_bp": 250},
    ],
    "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 200, "min_fen": 50_000}],
    "fixed": [
        {"kind": "document", "side": "buyer", "amount_fen": 30_000},
        {"kind": "online_bidding", "side": "buyer", "amount_fen": 10_000},
        {"kind": "listing", "side": "seller", "amount_fen": 20_000},
    ],
    "storage": {"daily_fen": 5_000, "free_working_days": 7},
    "late": {"flat_fen": 50_000},
    "relist_fee_fen": 80_000,
    "vat_bp": 600,
    "payment_days": 3,
}


def test_percent_rounds_half_up_to_the_fen() -> None:
    assert percent_of(10, 500) == 1  # 0.5 fen rounds up
    assert percent_of(9, 500) == 0  # 0.45 fen rounds down
    assert percent_of(1_234_567, 250) == 30_864  # 30,864.175
    assert percent_of(0, 10_000) == 0
    with pytest.raises(ValueError, match="non-negative"):
        percent_of(-1, 100)


@given(st.integers(0, 10**13), st.integers(0, 10_000))
def test_percent_is_the_exact_half_up_rounding(amount: int, bp: int) -> None:
    from fractions import Fraction

    exact = Fraction(amount * bp, 10_000)
    got = percent_of(amount, bp)
    assert got - Fraction(1, 2) <= exact < got + Fraction(1, 2)


@given(st.integers(0, 10**13), st.integers(0, 2_000))
def test_vat_inside_a_gross_amount_splits_it_exactly(gross: int, bp: int) -> None:
    vat = vat_included(gross, bp)
    net = gross - vat
    assert 0 <= vat <= gross
    # net is the gross divided by (1 + rate), rounded half up: within half a fen of the exact quotient
    from fractions import Fraction

    assert abs(Fraction(gross * 10_000, 10_000 + bp) - net) <= Fraction(1, 2)


def test_bands_have_inclusive_bounds_min_and_cap() -> None:
    rules = fees.parse_rules(SCHEDULE)
    premium = {c.kind: c.amount_fen for c in fees.estimate(rules, 5_000_000).buyer_charges}["buyer_premium"]
    assert premium == 100_000  # the upper bound of band 0 is inclusive
    premium = {c.kind: c.amount_fen for c in fees.estimate(rules, 5_000_001).buyer_charges}["buyer_premium"]
    assert premium == 150_001  # 3 % is 150,000.03 fen → 150,000; the band's minimum applies
    premium = {c.kind: c.amount_fen for c in fees.estimate(rules, 19_000_000).buyer_charges}["buyer_premium"]
    assert premium == 500_000  # 570,000 capped
    premium = {c.kind: c.amount_fen for c in fees.estimate(rules, 20_000_001).buyer_charges}["buyer_premium"]
    assert premium == 500_000  # 2.5 % of 200,000.01 元 = 500,000.025 fen → 500,000


def test_an_estimate_adds_up() -> None:
    rules = fees.parse_rules(SCHEDULE)
    est = fees.estimate(rules, 12_345_678)
    assert [c.kind for c in est.buyer_charges] == ["buyer_premium", "document", "online_bidding"]
    assert est.buyer_charges[0].amount_fen == 370_370  # 3 % of 12,345,678 = 370,370.34
    assert est.total_due_fen == 12_345_678 + 370_370 + 30_000 + 10_000
    assert [c.kind for c in est.seller_charges] == ["seller_commission", "listing"]
    assert est.seller_net_fen == 12_345_678 - 246_914 - 20_000  # 2 % = 246,913.56 → 246,914
    assert est.vat_fen == sum(vat_included(c.amount_fen, 600) for c in (*est.buyer_charges, *est.seller_charges))


def test_the_statutory_default_is_five_percent_from_each_side() -> None:
    est = fees.estimate(fees.STATUTORY_DEFAULT, 10_000_000)
    assert [(c.kind, c.amount_fen) for c in est.buyer_charges] == [("buyer_premium", 500_000)]
    assert [(c.kind, c.amount_fen) for c in est.seller_charges] == [("seller_commission", 500_000)]
    assert est.total_due_fen == 10_500_000
    assert est.seller_net_fen == 9_500_000


def test_a_dealers_own_sale_without_a_schedule_carries_no_fees() -> None:
    est = fees.estimate(fees.NO_FEES, 8_800_000)
    assert est.buyer_charges == ()
    assert est.seller_charges == ()
    assert est.total_due_fen == 8_800_000


def test_a_session_premium_table_becomes_bands_with_inclusive_bounds() -> None:
    bands = fees.premium_bands_from_starts([(0, 500, 0), (10_000_000, 300, 20_000)])
    assert bands[0].upper_fen == 9_999_999
    assert bands[1].lower_fen == 10_000_000
    assert bands[1].upper_fen is None
    assert bands[1].charge(10_000_000) == 320_000


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"buyer_premium": [{"lower_fen": 1, "upper_fen": None}]}, ("buyer_premium", 0, "lower_fen")),
        ({"buyer_premium": [{"lower_fen": 0, "upper_fen": 10}]}, ("buyer_premium", 0, "upper_fen")),
        (
            {"buyer_premium": [{"lower_fen": 0, "upper_fen": 10}, {"lower_fen": 12, "upper_fen": None}]},
            ("buyer_premium", 1, "lower_fen"),
        ),  # a gap
        (
            {"buyer_premium": [{"lower_fen": 0, "upper_fen": 10}, {"lower_fen": 10, "upper_fen": None}]},
            ("buyer_premium", 1, "lower_fen"),
        ),  # an overlap
        ({"buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 10_001}]}, ("buyer_premium", 0, "rate_bp")),
        (
            {"buyer_premium": [{"lower_fen": 0, "upper_fen": None, "min_fen": 10, "cap_fen": 9}]},
            ("buyer_premium", 0, "cap_fen"),
        ),
        ({"buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 1.5}]}, ("buyer_premium", 0, "rate_bp")),
        ({"buyer_premium": []}, ("buyer_premium",)),
        ({"fixed": [{"kind": "Doc Fee", "side": "buyer", "amount_fen": 1}]}, ("fixed", 0, "kind")),
        ({"fixed": [{"kind": "doc", "side": "house", "amount_fen": 1}]}, ("fixed", 0, "side")),
        ({"late": {"flat_fen": 1, "rate_bp": 1}}, ("late",)),
        ({"currency": "cny"}, ("currency",)),
        ({"payment_days": 0}, ("payment_days",)),
    ],
)
def test_invalid_rules_are_refused_with_where(change: dict[str, Any], loc: tuple[Any, ...]) -> None:
    with pytest.raises(fees.FeeRuleError) as exc:
        fees.parse_rules({**SCHEDULE, **change})
    assert exc.value.loc == loc


def test_rules_survive_storage() -> None:
    rules = fees.parse_rules(SCHEDULE)
    assert fees.stored_rules(fees.rules_json(rules)) == rules
    assert fees.stored_rules(fees.rules_json(fees.STATUTORY_DEFAULT)) == fees.STATUTORY_DEFAULT


bands_st = st.lists(st.integers(1, 10**9), min_size=0, max_size=6, unique=True).map(sorted)


@given(
    cuts=bands_st,
    rates=st.lists(st.integers(0, 10_000), min_size=7, max_size=7),
    amount=st.integers(0, 2 * 10**9),
)
def test_property_every_price_falls_in_exactly_one_band(cuts: list[int], rates: list[int], amount: int) -> None:
    lowers = [0, *cuts]
    rows = [
        {"lower_fen": lo, "upper_fen": (lowers[i + 1] - 1) if i + 1 < len(lowers) else None, "rate_bp": rates[i]}
        for i, lo in enumerate(lowers)
    ]
    rules = fees.parse_rules({"buyer_premium": rows, "seller_commission": rows})
    hits = [b for b in rules.buyer_premium if b.contains(amount)]
    assert len(hits) == 1
    est = fees.estimate(rules, amount)
    assert est.total_due_fen == amount + percent_of(amount, hits[0].rate_bp)
    assert est.seller_net_fen == amount - percent_of(amount, hits[0].rate_bp)


def test_in_force_picks_the_latest_effective_version() -> None:
    from datetime import UTC, datetime

    def at(day: int) -> datetime:
        return datetime(2026, 3, day, tzinfo=UTC)

    versions = [fees.Version(1, at(1), fees.NO_FEES), fees.Version(2, at(10), fees.STATUTORY_DEFAULT)]
    assert fees.in_force(versions, at(5)).id == 1  # type: ignore[union-attr]
    assert fees.in_force(versions, at(10)).id == 2  # type: ignore[union-attr]
    assert fees.in_force(versions, datetime(2026, 2, 1, tzinfo=UTC)) is None
