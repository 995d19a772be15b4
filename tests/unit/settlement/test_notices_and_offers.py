"""The notice mail's text, and who gets a second-chance offer (pure parts of services)."""

from __future__ import annotations

from datetime import UTC, datetime

from auctions.models import Bid
from auctions.services.second_chance import runner_up
from marketplace.settlement.services.notices import mail_of, texts, yuan


def bid(seq: int, paddle: str, price: int, *, retracted: bool = False) -> Bid:
    return Bid(lot_id=1, seq=seq, paddle=paddle, kind="straight", amount=price, price_after=price,
               received_at=datetime.now(UTC), retracted=retracted)  # fmt: skip


def test_the_runner_up_is_the_other_bidder_whose_last_bid_stood_highest() -> None:
    bids = [bid(1, "101", 100_000), bid(2, "102", 110_000), bid(3, "103", 120_000), bid(4, "101", 130_000),
            bid(5, "104", 140_000)]  # fmt: skip
    assert runner_up(bids, "104") == ("101", 130_000)
    # A retracted line does not count: 101's standing bid is then its earlier one, below 103's.
    assert runner_up([*bids[:3], bid(4, "101", 130_000, retracted=True), bids[4]], "104") == ("103", 120_000)
    assert runner_up([bid(1, "104", 100_000)], "104") is None  # nobody else bid


def test_a_tie_goes_to_the_earlier_bid() -> None:
    assert runner_up([bid(1, "101", 100_000), bid(2, "102", 100_000), bid(3, "103", 200_000)], "103") == (
        "101",
        100_000,
    )


def test_the_notice_mail_is_in_both_languages_with_a_stable_id() -> None:
    payload = {"key": "invoice:12:overdue", "kind": "overdue", "data": {"number": "2026-00001-000001",
                                                                        "due_on": "2026-12-07"}}  # fmt: skip
    mail = mail_of("buyer@example.cn", payload)
    assert mail.message_id == "settlement-invoice-12-overdue@marketplace"
    assert "2026-00001-000001" in mail.body
    assert "已于 2026-12-07 到期未付" in mail.body
    assert "was due on 2026-12-07" in mail.body
    assert mail_of("buyer@example.cn", payload) == mail  # a re-run sends the same message
    assert yuan(1_234_567) == "12,345.67"


def test_a_notice_reads_with_a_figure_missing_or_a_kind_unknown() -> None:
    """The in-app list renders every stored notice: older rows may lack a figure added later, or name a kind since
    retired; neither may break the list (a KeyError was a 500)."""
    t = texts("refunded", {"amount": "5,000.00"})
    assert t.body_zh == "您的保证金 5,000.00 元已退还（银行流水号 ）。"
    assert t.body_en == "Your deposit of CNY 5,000.00 was refunded (bank reference )."
    assert texts("no_such_kind", {"x": 1}) == ("通知", "Notice", "", "")
