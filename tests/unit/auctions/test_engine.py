from __future__ import annotations

from dataclasses import replace

import pytest

from auctions.domain import lot as engine
from auctions.domain.increments import Ladder
from auctions.domain.lot import LotState, Terms

LADDER = Ladder.build([(0, 100), (10_000, 500)])
T0 = 1_000_000
END = T0 + 600_000
TIMED = Terms(mode="timed", ladder=LADDER, starting=1_000, soft_close_ms=60_000)
LIVE = Terms(mode="live", ladder=LADDER, starting=1_000, countdown_ms=20_000)


def timed_lot(terms: Terms = TIMED) -> LotState:
    return engine.timed(terms, T0, END)


def live_lot(terms: Terms = LIVE) -> LotState:
    state = LotState()
    assert engine.open_live(state, terms, T0).accepted
    return state


def bid(state: LotState, who: str, amount: int, at: int = T0 + 1, terms: Terms = TIMED, proxy: bool = False):
    return engine.place_bid(state, terms, who, amount, at, proxy=proxy)


# --- ascending bids ---------------------------------------------------------------------
def test_first_bid_must_reach_the_starting_price() -> None:
    s = timed_lot()
    assert bid(s, "101", 900).reason == "below_minimum"
    assert engine.next_minimum(s, TIMED) == 1_000
    assert bid(s, "101", 1_000).accepted
    assert (s.price, s.leader) == (1_000, "101")


def test_next_bid_needs_current_plus_increment_and_jump_bids_are_allowed() -> None:
    s = timed_lot()
    bid(s, "101", 1_000)
    assert bid(s, "102", 1_000).reason == "below_minimum"
    assert bid(s, "102", 1_100).accepted
    assert bid(s, "101", 5_000).accepted  # a jump bid shows its full amount
    assert s.price == 5_000


def test_off_grid_amount_is_rejected_with_the_nearest_valid_amounts() -> None:
    s = timed_lot()
    bid(s, "101", 1_000)
    out = bid(s, "102", 1_150)
    assert out.reason == "off_grid"
    assert out.detail["nearest"] == [1_100, 1_200]
    out = bid(s, "102", 1_050)  # the lower neighbour is below the minimum: only the upper one is offered
    assert out.detail["nearest"] == [1_100]


def test_increment_changes_at_the_band_boundary() -> None:
    s = timed_lot()
    bid(s, "101", 9_900)
    assert engine.next_minimum(s, TIMED) == 10_000  # 9,900 + 100 lands on the band start
    bid(s, "102", 10_000)
    assert engine.next_minimum(s, TIMED) == 10_500
    assert bid(s, "101", 10_100).reason == "off_grid"


def test_leader_cannot_outbid_themselves() -> None:
    s = timed_lot()
    bid(s, "101", 1_000)
    assert bid(s, "101", 1_100).reason == "already_leading"
    assert s.price == 1_000


def test_bids_before_opening_after_end_or_while_paused_are_refused() -> None:
    s = timed_lot()
    assert bid(s, "101", 1_000, at=T0 - 1).reason == "lot_not_open"
    assert bid(s, "101", 1_000, at=END).reason == "lot_closed"  # receipt at the end instant is too late
    assert bid(s, "101", 1_000, at=END - 1).accepted
    live = live_lot()
    engine.pause(live, T0 + 5)
    assert bid(live, "101", 1_000, terms=LIVE).reason == "lot_paused"


# --- proxies ----------------------------------------------------------------------------
def test_single_proxy_bids_only_the_minimum() -> None:
    s = timed_lot()
    assert bid(s, "101", 5_000, proxy=True).accepted
    assert (s.price, s.leader) == (1_000, "101")


def test_two_proxies_price_is_lower_max_plus_increment() -> None:
    s = timed_lot()
    bid(s, "101", 5_000, proxy=True)
    out = bid(s, "102", 3_000, proxy=True)
    assert out.accepted
    assert not out.detail["leading"]
    assert (s.price, s.leader) == (3_100, "101")
    lines = out.events[0]["lines"]
    assert lines == [
        {"paddle": "102", "amount": 3_000, "auto": False},
        {"paddle": "101", "amount": 3_100, "auto": True},
    ]


def test_price_is_capped_by_the_higher_maximum() -> None:
    s = timed_lot()
    bid(s, "101", 3_050 + 50, proxy=True)  # 3,100
    bid(s, "102", 3_050 - 50, proxy=True)  # 3,000 → min(3,100, 3,000 + 100) = 3,100
    assert (s.price, s.leader) == (3_100, "101")
    s = timed_lot()
    bid(s, "101", 3_000, proxy=True)
    bid(s, "102", 2_950 + 0 if LADDER.on_grid(2_950) else 2_900, proxy=True)
    assert (s.price, s.leader) == (3_000, "101")


def test_equal_maxima_earlier_leads_at_that_amount() -> None:
    s = timed_lot()
    bid(s, "101", 4_000, proxy=True)
    out = bid(s, "102", 4_000, proxy=True)
    assert out.accepted
    assert (s.price, s.leader) == (4_000, "101")


def test_new_higher_proxy_takes_the_lead_one_increment_above() -> None:
    s = timed_lot()
    bid(s, "101", 4_000, proxy=True)
    bid(s, "102", 9_000, proxy=True)
    assert (s.price, s.leader) == (4_100, "102")


def test_proxy_across_a_band_uses_the_lower_maxs_increment() -> None:
    s = timed_lot()
    bid(s, "101", 9_900, proxy=True)
    bid(s, "102", 20_000, proxy=True)
    assert s.price == 10_000


def test_straight_bid_against_a_proxy_is_answered_automatically() -> None:
    s = timed_lot()
    bid(s, "101", 5_000, proxy=True)
    out = bid(s, "102", 2_000)
    assert (s.price, s.leader) == (2_100, "101")
    assert out.events[0]["lines"][1]["auto"] is True
    out = bid(s, "102", 5_000)  # equal to the proxy's max: the earlier maximum keeps the lead
    assert (s.price, s.leader) == (5_000, "101")


def test_raising_own_max_changes_neither_price_nor_clock() -> None:
    s = timed_lot()
    bid(s, "101", 2_000, proxy=True)
    bid(s, "102", 1_500)
    price, end = s.price, s.ends_at
    out = bid(s, "101", 8_000, at=END - 1_000, proxy=True)
    assert out.accepted
    assert out.events == [{"type": "max_raised", "paddle": "101", "max": 8_000}]
    assert (s.price, s.ends_at) == (price, end)
    assert bid(s, "101", 8_000, proxy=True).reason == "max_not_higher"


# --- reserve ----------------------------------------------------------------------------
RESERVED = replace(TIMED, reserve=5_000)


def test_proxy_at_or_above_reserve_lifts_price_to_reserve() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 6_000, terms=RESERVED, proxy=True)
    assert s.price == 5_000
    s = timed_lot(RESERVED)
    bid(s, "101", 5_000, terms=RESERVED, proxy=True)
    assert s.price == 5_000


def test_proxy_below_reserve_does_not_lift() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 4_900, terms=RESERVED, proxy=True)
    assert s.price == 1_000


def test_defending_proxy_lifts_to_reserve_when_challenged() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 4_000, terms=RESERVED, proxy=True)
    bid(s, "102", 7_000, terms=RESERVED, proxy=True)  # 4,100 by the two-proxy rule, lifted to the reserve
    assert (s.price, s.leader) == (5_000, "102")


def test_close_at_or_above_reserve_sells() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 5_000, terms=RESERVED)
    out = engine.close(s, RESERVED, END)
    assert s.status == "sold"
    assert out.events[0] == {"type": "sold", "price": 5_000, "buyer": "101", "via": "clock"}


def test_leader_max_raised_above_reserve_sells_at_reserve_on_close() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 2_000)
    bid(s, "101", 9_000, proxy=True)  # own max raise: the price stays 2,000
    assert s.price == 2_000
    engine.close(s, RESERVED, END)
    assert (s.status, s.price) == ("sold", 5_000)


def test_below_reserve_is_conditional_then_seller_decides() -> None:
    for action, status in (("accept", "sold"), ("decline", "passed")):
        s = timed_lot(RESERVED)
        bid(s, "101", 3_000, terms=RESERVED)
        out = engine.close(s, RESERVED, END)
        assert s.status == "conditional"
        assert out.events[0]["deadline"] == END + RESERVED.conditional_ms
        assert engine.decide(s, RESERVED, "seller", action, END + 10).accepted
        assert s.status == status


def test_counter_must_be_above_high_bid_and_buyer_answers() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 3_000, terms=RESERVED)
    engine.close(s, RESERVED, END)
    assert engine.decide(s, RESERVED, "seller", "counter", END + 1, 3_000).reason == "counter_not_above_high_bid"
    assert engine.decide(s, RESERVED, "seller", "counter", END + 1, 3_050).reason == "off_grid"
    assert engine.decide(s, RESERVED, "buyer", "accept", END + 1).reason == "not_your_decision"
    assert engine.decide(s, RESERVED, "seller", "counter", END + 1, 4_000).accepted
    assert s.status == "countered"
    assert engine.decide(s, RESERVED, "buyer", "accept", END + 2).accepted
    assert (s.status, s.price) == ("sold", 4_000)


def test_decision_window_lapses() -> None:
    s = timed_lot(RESERVED)
    bid(s, "101", 3_000, terms=RESERVED)
    engine.close(s, RESERVED, END)
    deadline = END + RESERVED.conditional_ms
    assert not engine.is_due(s, deadline - 1)
    assert engine.is_due(s, deadline)
    assert engine.decide(s, RESERVED, "seller", "accept", deadline).reason == "decision_window_over"
    assert engine.lapse(s, deadline).accepted
    assert s.status == "passed"
    assert engine.lapse(s, deadline).reason == "no_decision_pending"


def test_close_without_bids_passes_and_closing_twice_is_refused() -> None:
    s = timed_lot()
    assert not engine.is_due(s, END - 1)
    assert engine.is_due(s, END)
    out = engine.close(s, TIMED, END)
    assert out.events == [{"type": "passed", "via": "clock"}]
    assert engine.close(s, TIMED, END + 1).reason == "lot_closed"


# --- soft close -------------------------------------------------------------------------
def test_bid_exactly_w_before_end_does_not_move_it() -> None:
    s = timed_lot()
    bid(s, "101", 1_000, at=END - 60_000)
    assert s.ends_at == END


def test_bid_inside_w_moves_end_to_receipt_plus_w() -> None:
    s = timed_lot()
    out = bid(s, "101", 1_000, at=END - 59_999)
    assert s.ends_at == END + 1
    assert out.events[-1] == {"type": "extended", "ends_at": END + 1}
    bid(s, "102", 1_100, at=END)  # the old end no longer applies
    assert s.ends_at == END + 60_000


def test_bid_outside_w_does_not_extend() -> None:
    s = timed_lot()
    bid(s, "101", 1_000, at=END - 60_001)
    assert s.ends_at == END


def test_extension_cap() -> None:
    capped = replace(TIMED, extension_cap_ms=90_000)
    s = timed_lot(capped)
    bid(s, "101", 1_000, at=END - 1, terms=capped)
    assert s.ends_at == END + 59_999
    bid(s, "102", 1_100, at=END + 59_000, terms=capped)
    assert s.ends_at == END + 90_000
    bid(s, "101", 1_200, at=END + 89_999, terms=capped)
    assert s.ends_at == END + 90_000


def test_rejected_bid_never_extends() -> None:
    s = timed_lot()
    bid(s, "101", 1_000)
    bid(s, "102", 1_000, at=END - 1)
    assert s.ends_at == END


# --- buy now ----------------------------------------------------------------------------
def test_buy_now_sells_at_once_until_the_price_reaches_it() -> None:
    terms = replace(TIMED, buy_now=8_000)
    s = timed_lot(terms)
    out = engine.buy_now(s, terms, "101", T0 + 5)
    assert out.accepted
    assert (s.status, s.price, s.leader) == ("sold", 8_000, "101")
    s = timed_lot(terms)
    bid(s, "102", 8_000, terms=terms)
    assert engine.buy_now(s, terms, "101", T0 + 5).reason == "buy_now_unavailable"
    assert engine.buy_now(timed_lot(), TIMED, "101", T0 + 5).reason == "buy_now_unavailable"


# --- live lots and the auctioneer -------------------------------------------------------
def test_live_countdown_restarts_on_every_bid_and_runs_out() -> None:
    s = live_lot()
    assert s.ends_at == T0 + 20_000
    out = bid(s, "101", 1_000, at=T0 + 15_000, terms=LIVE)
    assert s.ends_at == T0 + 35_000
    assert out.events[-1]["type"] == "countdown"
    assert engine.is_due(s, T0 + 35_000)
    engine.close(s, LIVE, T0 + 35_000)
    assert s.status == "sold"


def test_auctioneer_controls() -> None:
    s = LotState()
    assert bid(s, "101", 1_000, terms=LIVE).reason == "lot_not_open"
    engine.open_live(s, LIVE, T0)
    assert engine.open_live(s, LIVE, T0).reason == "lot_not_scheduled"
    assert engine.warn(s, 1).events == [{"type": "warning", "level": 1}]
    engine.pause(s, T0 + 5_000)
    assert (s.status, s.remaining_ms, s.ends_at) == ("paused", 15_000, None)
    assert engine.warn(s, 2).reason == "lot_not_open"
    assert engine.resume(s, T0 + 100_000).accepted
    assert s.ends_at == T0 + 115_000
    bid(s, "F1", 1_000, at=T0 + 100_001, terms=LIVE)  # a floor bid entered by the clerk
    out = engine.hammer(s, LIVE, T0 + 101_000)
    assert out.events[0] == {"type": "sold", "price": 1_000, "buyer": "F1", "via": "hammer"}
    assert engine.hammer(s, LIVE, T0 + 101_001).reason == "lot_closed"
    assert engine.hammer(timed_lot(), TIMED, T0).reason == "not_a_live_lot"


def test_pass_lot() -> None:
    s = live_lot()
    assert engine.pass_lot(s, T0 + 1).events == [{"type": "passed", "via": "auctioneer_passed"}]
    assert engine.pass_lot(s, T0 + 2).reason == "lot_closed"


def test_retract_restores_the_previous_state_before_hammer_only() -> None:
    s = live_lot()
    assert engine.retract(s, LIVE, "mistake", T0).reason == "nothing_to_retract"
    bid(s, "101", 3_000, terms=LIVE, proxy=True)
    bid(s, "102", 2_000, terms=LIVE)
    assert (s.price, s.leader) == (2_100, "101")
    assert engine.retract(s, LIVE, "  ", T0 + 2).reason == "reason_required"
    out = engine.retract(s, LIVE, "clerk keyed the wrong paddle", T0 + 2)
    assert out.accepted
    assert out.events[0]["retracted"] == {"price": 2_100, "leader": "101"}
    assert (s.price, s.leader) == (1_000, "101")
    assert "102" not in s.entries
    engine.hammer(s, LIVE, T0 + 3)
    assert engine.retract(s, LIVE, "too late", T0 + 4).reason == "lot_closed"
    assert engine.retract(timed_lot(), TIMED, "x", T0).reason == "not_a_live_lot"


def test_state_round_trips_through_json() -> None:
    s = timed_lot()
    bid(s, "101", 5_000, proxy=True)
    bid(s, "102", 2_000)
    again = LotState.from_json(s.to_json())
    assert again == s
    assert bid(again, "102", 5_000).accepted


@pytest.mark.parametrize("at", [END - 1, END])
def test_is_due_boundary(at: int) -> None:
    assert engine.is_due(timed_lot(), at) is (at >= END)


def test_material_change_cancels_the_leaders_unexercised_maximum() -> None:
    s = timed_lot()
    bid(s, "101", 5_000, proxy=True)
    bid(s, "102", 2_000)
    out = engine.material_change(s, "condition_report")
    assert out.events == [{"type": "material_change", "what": "condition_report", "proxies_cancelled": ["101"]}]
    assert (s.price, s.leader, s.entries["101"].max) == (2_100, "101", 2_100)
    assert bid(s, "102", 2_200).detail["leading"]  # no proxy answers any more
    assert engine.material_change(s, "x").events[0]["proxies_cancelled"] == []
    engine.close(s, TIMED, END)
    assert engine.material_change(s, "x").reason == "lot_closed"


def test_a_timed_lot_published_before_its_start_is_scheduled_until_it_opens() -> None:
    terms = Terms("timed", LADDER, starting=100_000)
    s = engine.timed(terms, T0, END, T0 - 1_000)
    assert s.status == engine.SCHEDULED  # what the catalogue shows agrees with the bid's refusal
    assert engine.place_bid(s, terms, "101", 100_000, T0 - 1).reason == "lot_not_open"
    assert not engine.is_due(s, T0 - 1)
    assert engine.open_timed(s, T0 - 1).reason == "not_due"
    assert engine.is_due(s, T0)
    out = engine.open_timed(s, T0)
    assert out.events == [{"type": "opened", "ends_at": END}]
    assert (s.status, s.ends_at) == (engine.OPEN, END)
    assert engine.place_bid(s, terms, "101", 100_000, T0).accepted
    assert engine.timed(terms, T0, END, T0).status == engine.OPEN
    # a live lot waits for the auctioneer, never for the clock
    assert not engine.is_due(engine.LotState(), END)
