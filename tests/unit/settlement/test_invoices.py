"""Invoice lines, the allocation order (fees first, then the price, the rest a credit), and the sale's legs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.settlement.domain import fees, invoices
from marketplace.settlement.domain.ledger import (
    LedgerError,
    Leg,
    account_type,
    check_balanced,
    natural,
    refuses,
    reversal,
)
from tests.unit.settlement.test_fees import SCHEDULE

RULES = fees.parse_rules(SCHEDULE)


def test_lines_put_the_price_first_and_fees_after() -> None:
    lines = invoices.invoice_lines(fees.estimate(RULES, 10_000_000))
    assert [(line.kind, line.category) for line in lines] == [
        ("hammer", "price"), ("buyer_premium", "fee"), ("document", "fee"), ("online_bidding", "fee")
    ]  # fmt: skip


def test_a_payment_pays_fees_first_then_the_price_and_the_rest_is_credit() -> None:
    lines = invoices.invoice_lines(fees.estimate(RULES, 10_000_000))  # premium 300,000 + 30,000 + 10,000
    part = invoices.allocate(lines, 335_000)
    assert part.applied == [("buyer_premium", 300_000), ("document", 30_000), ("online_bidding", 5_000)]
    assert part.remainder_fen == 0
    rest = invoices.allocate(part.lines, 10_100_000)
    assert rest.applied == [("online_bidding", 5_000), ("hammer", 10_000_000)]
    assert rest.remainder_fen == 95_000  # over-payment: a credit
    assert all(line.outstanding_fen == 0 for line in rest.lines)


@given(st.integers(0, 10**10), st.lists(st.integers(0, 10**8), min_size=1, max_size=6))
def test_property_allocation_never_overpays_a_line_and_keeps_the_money(hammer: int, payments: list[int]) -> None:
    lines = invoices.invoice_lines(fees.estimate(RULES, hammer))
    total = sum(line.amount_fen for line in lines)
    credit = 0
    for amount in payments:
        before = sum(line.outstanding_fen for line in lines)
        step = invoices.allocate(lines, amount)
        assert step.applied_fen + step.remainder_fen == amount
        assert step.applied_fen == min(amount, before)
        fees_open = any(line.category == "fee" and line.outstanding_fen for line in lines)
        if fees_open and any(kind == "hammer" for kind, _ in step.applied):
            # the price is paid only once every fee is
            assert all(line.outstanding_fen == 0 for line in step.lines if line.category == "fee")
        lines = step.lines
        credit += step.remainder_fen
        assert all(0 <= line.paid_fen <= line.amount_fen for line in lines)
    assert sum(line.paid_fen for line in lines) + credit == sum(payments)
    assert sum(line.paid_fen for line in lines) <= total


@pytest.mark.parametrize("own_stock", [False, True])
@given(hammer=st.integers(0, 10**11))
def test_property_a_sale_posts_balanced_legs(own_stock: bool, hammer: int) -> None:
    rules = fees.NO_FEES if own_stock else RULES
    est = fees.estimate(rules, hammer)
    legs = invoices.sale_legs(est, 7, 3, own_stock)
    if not est.total_due_fen:
        assert legs == []  # nothing to post (a zero sale without fees)
        return
    check_balanced(legs)
    receivable = next(leg for leg in legs if leg.code == "buyer_receivable")
    assert receivable.amount_fen == est.total_due_fen
    vat = sum(-leg.amount_fen for leg in legs if leg.code == "vat_payable")
    assert vat == est.vat_fen


def test_a_dealer_does_not_charge_itself() -> None:
    with pytest.raises(ValueError, match="own sale"):
        invoices.sale_legs(fees.estimate(RULES, 1_000_000), 7, 3, True)


def test_numbers_are_per_house_and_year() -> None:
    assert invoices.number(2026, 42, 7) == "2026-00042-000007"


def test_legs_that_do_not_balance_per_currency_are_refused() -> None:
    with pytest.raises(LedgerError, match="sum to zero"):
        check_balanced([Leg("bank_clearing", "", 5, "CNY"), Leg("vat_payable", "", -5, "USD")])
    with pytest.raises(LedgerError):
        check_balanced([Leg("bank_clearing", "", 5, "CNY")])
    with pytest.raises(LedgerError):
        check_balanced([Leg("bank_clearing", "", 0, "CNY"), Leg("vat_payable", "", 0, "CNY")])
    with pytest.raises(LedgerError, match="kept per"):
        check_balanced([Leg("buyer_receivable", "", 5, "CNY"), Leg("vat_payable", "", -5, "CNY")])
    with pytest.raises(LedgerError, match="no account"):
        check_balanced([Leg("petty_cash", "", 5, "CNY"), Leg("vat_payable", "", -5, "CNY")])


def test_floors_and_natural_balances() -> None:
    held = account_type("deposits_held")
    assert natural(held, -500) == 500
    assert not refuses(held, -500)
    assert refuses(held, 1)
    assert refuses(account_type("buyer_receivable"), -1)
    assert not refuses(account_type("seller_payable"), 10)  # a seller may owe the house
    assert account_type("fee_income.document").normal == "credit"


@given(st.lists(st.tuples(st.sampled_from(["bank_clearing", "vat_payable"]), st.integers(-(10**9), 10**9)), max_size=8))
def test_property_a_reversal_undoes_any_legs(moves: list[tuple[str, int]]) -> None:
    legs = [Leg(code, "", fen, "CNY") for code, fen in moves]
    assert all(a.amount_fen + b.amount_fen == 0 for a, b in zip(legs, reversal(legs), strict=True))
