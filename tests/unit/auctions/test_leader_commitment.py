"""What a lot's leader stands to pay, counted toward their buying limit: a proxy's maximum while bidding
runs, the price once bidding is over."""

from __future__ import annotations

from dataclasses import replace

from auctions.domain import lot as engine
from auctions.domain.increments import Ladder
from auctions.domain.lot import LotState, Terms

LADDER = Ladder.build([(0, 100), (10_000, 500)])
T0 = 1_000_000
END = T0 + 600_000
TIMED = Terms(mode="timed", ladder=LADDER, starting=1_000)
RESERVED = replace(TIMED, reserve=5_000)


def lot() -> LotState:
    return engine.timed(TIMED, T0, END)


def test_nobody_leads_nobody_is_committed() -> None:
    assert engine.leader_commitment(lot()) is None


def test_a_straight_bid_commits_its_amount() -> None:
    s = lot()
    assert engine.place_bid(s, TIMED, "101", 1_500, T0 + 1).accepted
    assert engine.leader_commitment(s) == 1_500


def test_a_leading_proxy_commits_its_maximum_not_the_visible_price() -> None:
    s = lot()
    assert engine.place_bid(s, TIMED, "101", 9_000, T0 + 1, proxy=True).accepted
    assert s.price == 1_000
    assert engine.leader_commitment(s) == 9_000
    # Another bidder pushes the proxy up without its owner acting: the commitment was the maximum all along.
    assert engine.place_bid(s, TIMED, "102", 4_000, T0 + 2).accepted
    assert (s.leader, s.price) == ("101", 4_100)
    assert engine.leader_commitment(s) == 9_000


def test_an_outbid_proxy_commits_nothing_and_the_new_leader_their_maximum() -> None:
    s = lot()
    assert engine.place_bid(s, TIMED, "101", 3_000, T0 + 1, proxy=True).accepted
    assert engine.place_bid(s, TIMED, "102", 8_000, T0 + 2, proxy=True).accepted
    assert (s.leader, s.price) == ("102", 3_100)
    assert engine.leader_commitment(s) == 8_000


def test_raising_ones_own_maximum_raises_the_commitment() -> None:
    s = lot()
    assert engine.place_bid(s, TIMED, "101", 3_000, T0 + 1, proxy=True).accepted
    assert engine.place_bid(s, TIMED, "101", 6_000, T0 + 2, proxy=True).accepted
    assert engine.leader_commitment(s) == 6_000


def test_a_material_change_cancels_the_unexercised_maximum() -> None:
    s = lot()
    assert engine.place_bid(s, TIMED, "101", 9_000, T0 + 1, proxy=True).accepted
    assert engine.material_change(s, "condition_report").accepted
    assert engine.leader_commitment(s) == s.price == 1_000


def test_once_bidding_is_over_the_price_is_the_commitment() -> None:
    sold = lot()
    assert engine.place_bid(sold, RESERVED, "101", 9_000, T0 + 1, proxy=True).accepted
    assert engine.close(sold, RESERVED, END).accepted
    assert (sold.status, sold.price) == ("sold", 5_000)  # the maximum covered the reserve
    assert engine.leader_commitment(sold) == 5_000

    conditional = lot()
    assert engine.place_bid(conditional, RESERVED, "101", 3_000, T0 + 1, proxy=True).accepted
    assert engine.close(conditional, RESERVED, END).accepted
    assert conditional.status == "conditional"
    assert engine.leader_commitment(conditional) == conditional.price == 1_000
    # A counter-offer binds the buyer only once accepted.
    assert engine.decide(conditional, RESERVED, "seller", "counter", END + 1, 4_000).accepted
    assert engine.leader_commitment(conditional) == 1_000


def test_a_passed_lot_commits_no_one() -> None:
    s = lot()
    assert engine.place_bid(s, TIMED, "101", 1_000, T0 + 1).accepted
    assert engine.pass_lot(s, T0 + 2).accepted
    assert engine.leader_commitment(s) is None
