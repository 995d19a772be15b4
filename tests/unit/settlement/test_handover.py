"""The rules after the money: payout due conditions and figures, the dispute window, the 过户 clock and reminders,
the transfer outcome, refunds, the unwind's postings, the gate-pass code and proof-file checks."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.settlement import holidays
from marketplace.settlement.domain import fees, invoices, proofs
from marketplace.settlement.domain import handover as h
from marketplace.settlement.domain.ledger import Leg, check_balanced
from tests.unit.settlement.test_fees import SCHEDULE

RULES = fees.parse_rules(SCHEDULE)
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def due(**kw: object) -> list[h.Waiting]:
    args: dict[str, object] = {
        "own_stock": False, "invoice_paid": True, "delivered_at": T0, "window_days": 7, "dispute_open": False,
        "unwound": False, "now": T0 + timedelta(days=7),
    }  # fmt: skip
    args.update(kw)
    return h.payout_waiting(**args)  # type: ignore[arg-type]


def test_a_payout_is_due_when_paid_handed_over_and_the_window_closed() -> None:
    assert due() == []


def test_a_payout_waits_for_each_condition() -> None:
    assert due(invoice_paid=False) == [h.Waiting.NOT_PAID]
    assert due(delivered_at=None) == [h.Waiting.NOT_HANDED_OVER]
    assert due(dispute_open=True) == [h.Waiting.DISPUTE_OPEN]
    assert due(unwound=True) == [h.Waiting.UNWOUND]
    assert due(own_stock=True) == [h.Waiting.OWN_STOCK]
    assert due(invoice_paid=False, delivered_at=None) == [h.Waiting.NOT_PAID, h.Waiting.NOT_HANDED_OVER]


def test_the_dispute_window_boundary_is_exact() -> None:
    closes = T0 + timedelta(days=7)
    assert due(now=closes - timedelta(microseconds=1)) == [h.Waiting.DISPUTE_WINDOW_OPEN]
    assert due(now=closes) == []
    h.may_open_dispute(T0, 7, closes - timedelta(seconds=1))
    with pytest.raises(h.DisputeError) as exc:
        h.may_open_dispute(T0, 7, closes)
    assert exc.value.code == "dispute_window_closed"
    with pytest.raises(h.DisputeError) as exc:
        h.may_open_dispute(None, 7, T0)
    assert exc.value.code == "not_handed_over"


def test_payout_is_hammer_less_commission_and_seller_fees() -> None:
    est = fees.estimate(RULES, 10_000_000)  # commission 2 % = 200,000; listing fee 20,000
    f = h.payout_figures(est, 0, 10**9)
    assert (f.commission_fen, f.seller_fees_fen, f.amount_fen, f.set_off_fen) == (200_000, 20_000, 9_780_000, 0)
    assert f.amount_fen == est.seller_net_fen


def test_payout_takes_off_adjustments_and_sets_off_fees_owed_elsewhere() -> None:
    est = fees.estimate(RULES, 10_000_000)
    f = h.payout_figures(est, 500_000, 9_280_000 - 80_000)  # a relist fee of 800 元 was charged to the seller
    assert (f.adjustments_fen, f.amount_fen, f.set_off_fen) == (500_000, 9_200_000, 80_000)
    assert h.payout_figures(est, 0, -5).amount_fen == 0  # a seller who owes the house is paid nothing


def test_the_transfer_deadline_is_30_days_moved_off_rest_days() -> None:
    cal = holidays.china()
    assert h.transfer_deadline(date(2026, 3, 2), cal) == date(2026, 4, 1)  # a Wednesday
    assert h.transfer_deadline(date(2026, 3, 7), cal) == date(2026, 4, 7)  # 6 Apr is 清明 (Mon): on to Tuesday
    # 29 Aug + 30 = 28 Sep 2026, a Monday working day
    assert h.transfer_deadline(date(2026, 8, 29), cal) == date(2026, 9, 28)
    # 1 Sep + 30 = 1 Oct (国庆, off until 7 Oct; 8 Oct is a Thursday working day)
    assert h.transfer_deadline(date(2026, 9, 1), cal) == date(2026, 10, 8)


def test_each_reminder_once_and_only_the_latest_when_late() -> None:
    deadline = date(2026, 4, 1)
    assert h.reminders_due(deadline, date(2026, 3, 21), set()) == []
    assert h.reminders_due(deadline, date(2026, 3, 22), set()) == ["days_left_10"]
    assert h.reminders_due(deadline, date(2026, 3, 23), {"days_left_10"}) == []
    assert h.reminders_due(deadline, date(2026, 3, 29), {"days_left_10"}) == ["days_left_3"]
    assert h.reminders_due(deadline, date(2026, 4, 1), {"days_left_10", "days_left_3"}) == ["last_day"]
    assert h.reminders_due(deadline, date(2026, 4, 2), {"days_left_10", "days_left_3", "last_day"}) == ["overdue"]
    assert h.reminders_due(deadline, date(2026, 5, 2), set(h.reminders_passed(deadline, date(2026, 4, 2)))) == []
    # found late (the sweeper was down): one message, not four
    assert h.reminders_due(deadline, date(2026, 4, 5), set()) == ["overdue"]
    assert h.reminders_passed(deadline, date(2026, 4, 5)) == ["days_left_10", "days_left_3", "last_day", "overdue"]


def test_transfer_outcome() -> None:
    assert h.transfer_outcome("江苏", "南京", "江苏", "南京") is h.Outcome.NONE
    assert h.transfer_outcome("江苏", "南京", " 江苏", "苏州") is h.Outcome.IN_PROVINCE
    assert h.transfer_outcome("江苏", "南京", "安徽", "合肥") is h.Outcome.CROSS_PROVINCE


def test_a_refund_never_exceeds_what_was_paid() -> None:
    h.check_refund(100, 1_000, 900)
    for amount, code in ((101, "refund_exceeds_paid"), (0, "invalid_refund")):
        with pytest.raises(h.DisputeError) as exc:
            h.check_refund(amount, 1_000, 900)
        assert exc.value.code == code


def balances(*postings: list[Leg]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = defaultdict(int)
    for legs in postings:
        check_balanced(legs)
        for leg in legs:
            out[(leg.code, leg.party)] += leg.amount_fen
    return {k: v for k, v in out.items() if v}


@given(hammer=st.integers(0, 10**10), share=st.floats(0, 1), own=st.booleans(), cut=st.floats(0, 1))
def test_sale_payment_adjustment_and_unwind_leave_every_account_at_zero(
    hammer: int, share: float, own: bool, cut: float
) -> None:
    rules = fees.parse_rules({**SCHEDULE, "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 0}],
                              "fixed": []}) if own else RULES  # fmt: skip
    est = fees.estimate(rules, hammer)
    sale = invoices.sale_legs(est, 7, 3, own)
    paid = int(est.total_due_fen * share)
    postings = [sale] if sale else []
    if paid:
        postings.append(invoices.receipt_legs(7, paid, 0, "CNY"))
    refunded = int(paid * cut)
    if refunded:
        postings.append(h.adjustment_legs(7, 3, own, refunded, "CNY"))
    unwind = h.unwind_legs(est, 7, 3, own, paid, refunded)
    if unwind:
        postings.append(unwind)
    # The decisions owe the buyer everything they paid, and no bank money has left yet.
    assert balances(*postings) == ({("bank_clearing", ""): paid, ("buyer_credit", "user:7"): -paid} if paid else {})
    if paid:
        postings.append(invoices.credit_refund_legs(7, paid, "CNY"))
    assert balances(*postings) == {}


def test_gate_codes_are_normalised_and_malformed_ones_refused() -> None:
    assert h.normalise_gate_code(" abcd-efgh ") == "ABCDEFGH"
    assert h.normalise_gate_code("ABCDEFG") is None  # too short
    assert h.normalise_gate_code("ABCDEFG0") is None  # 0 is not in the alphabet (read as O)
    assert not set("01ILO") & set(h.GATE_ALPHABET)


def test_proof_files_are_checked_by_their_bytes_and_size() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    assert proofs.check_file(png, "image/png", proofs.IMAGE_TYPES, 100) == "image/png"
    assert proofs.check_file(b"%PDF-1.7 ...", "application/pdf", proofs.PROOF_TYPES, 100) == "application/pdf"
    for data, ctype, allowed, code in (
        (png, "image/jpeg", proofs.IMAGE_TYPES, "invalid_file"),  # declared JPEG, sent PNG
        (b"MZ\x90\x00", "image/png", proofs.IMAGE_TYPES, "invalid_file"),
        (b"%PDF-1.7", "application/pdf", proofs.IMAGE_TYPES, "unsupported_media_type"),  # evidence is photos
        (png * 10, "image/png", proofs.IMAGE_TYPES, "payload_too_large"),
        (b"", "image/png", proofs.IMAGE_TYPES, "invalid_file"),
    ):
        with pytest.raises(proofs.ProofError) as exc:
            proofs.check_file(data, ctype, allowed, 100)
        assert exc.value.code == code


@pytest.mark.parametrize(
    ("decider", "level", "status", "refusal"),
    [
        (h.Decider.HOUSE, h.Level.HOUSE, "open", None),
        (h.Decider.HOUSE, h.Level.ASSOCIATION, "open", "dispute_with_association"),
        (h.Decider.HOUSE, h.Level.ASSOCIATION, "answered", "dispute_with_association"),
        (h.Decider.HOUSE, h.Level.AUTHORITIES, "open", None),  # the house records the authorities' outcome
        (h.Decider.HOUSE, h.Level.HOUSE, "answered", "dispute_not_open"),
        (h.Decider.ASSOCIATION, h.Level.ASSOCIATION, "open", None),
        (h.Decider.ASSOCIATION, h.Level.ASSOCIATION, "answered", "dispute_not_open"),
        (h.Decider.ASSOCIATION, h.Level.AUTHORITIES, "open", "dispute_not_with_association"),
        (h.Decider.ASSOCIATION, h.Level.HOUSE, "open", "dispute_not_with_association"),
    ],
)
def test_each_level_is_decided_by_its_decider_once(decider: h.Decider, level: h.Level, status: str,
                                                   refusal: str | None) -> None:  # fmt: skip
    if refusal is None:
        h.may_decide(decider, level, status)
        return
    with pytest.raises(h.DisputeError) as exc:
        h.may_decide(decider, level, status)
    assert exc.value.code == refusal


def test_every_level_has_one_decider_and_the_association_only_its_own() -> None:
    assert set(h.DECIDES) == set(h.Level)
    assert [lvl for lvl, who in h.DECIDES.items() if who is h.Decider.ASSOCIATION] == [h.Level.ASSOCIATION]


def test_a_delivered_vehicle_s_window_is_never_shorter_than_at_its_handover() -> None:
    assert h.window_of(7, 1) == 7  # shortened later: the buyer keeps the 7 days
    assert h.window_of(7, 30) == 30  # lengthened later: the buyer gets the longer one
    assert h.window_of(None, 3) == 3  # a pass from before the window was kept: the house's now
