"""One lot's state machine: bids, proxies, soft close, auctioneer controls, close and conditional sale.

Pure: no I/O, no clock (times are epoch milliseconds passed in). Every command returns an
`Outcome`: accepted or rejected with a stable reason code, and the events it caused. Reasons
and events are the vocabulary of the live protocol (docs/protocol.md).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from auctions.domain.increments import Ladder
from auctions.domain.proxy import Entry, resolve
from auctions.domain.soft_close import extended_end, restarted_countdown

Mode = Literal["timed", "live"]
OPEN, PAUSED, SCHEDULED = "open", "paused", "scheduled"
SOLD, PASSED, CONDITIONAL, COUNTERED = "sold", "passed", "conditional", "countered"
FINAL = frozenset({SOLD, PASSED})
HISTORY_DEPTH = 20  # how many bids an auctioneer can retract in a row (live lots only)


@dataclass(frozen=True)
class Terms:
    mode: Mode
    ladder: Ladder
    starting: int
    reserve: int | None = None
    buy_now: int | None = None
    soft_close_ms: int = 120_000
    extension_cap_ms: int | None = None
    countdown_ms: int = 30_000
    conditional_ms: int = 86_400_000


@dataclass
class LotState:
    status: str = SCHEDULED
    opens_at: int | None = None  # timed lots open at this time
    ends_at: int | None = None
    scheduled_end: int | None = None
    remaining_ms: int | None = None  # while paused
    price: int | None = None
    leader: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    order: int = 0
    bids: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    decision_deadline: int | None = None
    counter: int | None = None
    closed_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        # By hand, not dataclasses.asdict: this runs on every bid and asdict deep-copies the history.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["entries"] = {k: {"bidder": e.bidder, "max": e.max, "order": e.order} for k, e in self.entries.items()}
        data["history"] = list(self.history)
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> LotState:
        data = dict(data)
        data["entries"] = {k: Entry(**v) for k, v in data.get("entries", {}).items()}
        return LotState(**data)


@dataclass
class Outcome:
    accepted: bool
    reason: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def reject(reason: str, **detail: Any) -> Outcome:
        return Outcome(False, reason, [], detail)


def next_minimum(state: LotState, terms: Terms) -> int:
    if state.price is None:
        return terms.starting
    return terms.ladder.next_above(state.price)


def reserve_met(state: LotState, terms: Terms) -> bool | None:
    """None when the lot has no reserve; else whether the price has reached it (the close sells at the
    reserve when the leader's maximum covers it, so a lot sold that way shows it met)."""
    if terms.reserve is None:
        return None
    return state.price is not None and state.price >= terms.reserve


def leader_commitment(state: LotState) -> int | None:
    """What the leader stands to pay for this lot: their share of their buying limit.

    While bidding runs it is the leader's maximum, not the visible price: other bidders can push a
    standing proxy up to its maximum without its owner acting, so a limit checked against prices
    could be overrun later on a lot nobody bid on again. Once bidding is over (sold, or a conditional
    sale pending) the maximum no longer binds and the price is the commitment; a counter-offer binds
    only when the buyer accepts it. A passed lot commits no one.
    """
    if state.leader is None or state.price is None or state.status in (PASSED, SCHEDULED):
        return None
    if state.status in (OPEN, PAUSED):
        entry = state.entries.get(state.leader)
        return state.price if entry is None else max(state.price, entry.max)
    return state.price


def timed(terms: Terms, opens_at: int, ends_at: int, now: int | None = None) -> LotState:
    """A published timed lot: open, or scheduled until `opens_at` when `now` is before it (then `open_timed`
    opens it), so that the catalogue's status and the bid refusal (`lot_not_open`) agree. Without `now` the
    caller says the start has come."""
    status = OPEN if now is None or now >= opens_at else SCHEDULED
    return LotState(status=status, opens_at=opens_at, ends_at=ends_at, scheduled_end=ends_at)


def open_timed(state: LotState, now: int) -> Outcome:
    """A timed lot's start has come: it opens by the server's clock, with an `opened` event for watchers."""
    if state.status != SCHEDULED or state.opens_at is None or state.ends_at is None or now < state.opens_at:
        return Outcome.reject("not_due")
    state.status = OPEN
    return Outcome(True, events=[{"type": "opened", "ends_at": state.ends_at}])


def _bidding_refusal(state: LotState, now: int) -> str | None:
    if state.status == PAUSED:
        return "lot_paused"
    if state.status != OPEN:
        return "lot_not_open" if state.status == SCHEDULED else "lot_closed"
    if state.opens_at is not None and now < state.opens_at:
        return "lot_not_open"
    if state.ends_at is not None and now >= state.ends_at:
        return "lot_closed"
    return None


def _snapshot(state: LotState) -> dict[str, Any]:
    return {
        "price": state.price,
        "leader": state.leader,
        "entries": {k: {"bidder": v.bidder, "max": v.max, "order": v.order} for k, v in state.entries.items()},
    }


def place_bid(state: LotState, terms: Terms, bidder: str, amount: int, now: int, *, proxy: bool = False) -> Outcome:
    """A straight bid of `amount`, or (proxy=True) a maximum bid up to `amount`."""
    refusal = _bidding_refusal(state, now)
    if refusal:
        return Outcome.reject(refusal)
    minimum = next_minimum(state, terms)
    if not terms.ladder.on_grid(amount):
        below, above = terms.ladder.nearest(amount)
        return Outcome.reject("off_grid", nearest=[a for a in (below, above) if a >= minimum] or [minimum])
    if bidder == state.leader:
        current = state.entries[bidder]
        if not proxy:
            return Outcome.reject("already_leading")
        if amount <= current.max:
            return Outcome.reject("max_not_higher", your_max=current.max)
        # Raising your own maximum: the visible price and the clock stay where they are.
        state.order += 1
        state.entries[bidder] = Entry(bidder, amount, state.order)
        return Outcome(True, events=[{"type": "max_raised", "paddle": bidder, "max": amount}])
    if amount < minimum:
        return Outcome.reject("below_minimum")
    if terms.mode == "live":  # only an auctioneer can retract, so only live lots keep the undo history
        if len(state.history) >= HISTORY_DEPTH:
            state.history.pop(0)
        state.history.append(_snapshot(state))
    previous_price = state.price
    state.order += 1
    state.entries[bidder] = Entry(bidder, amount, state.order)
    result = resolve(terms.ladder, state.entries, bidder, amount if not proxy else minimum, terms.reserve, proxy=proxy)
    assert previous_price is None or result.price > previous_price
    state.price, state.leader = result.price, result.leader
    state.bids += len(result.lines)
    events: list[dict[str, Any]] = [
        {
            "type": "bid",
            "lines": [{"paddle": p, "amount": a, "auto": auto} for p, a, auto in result.lines],
            "price": state.price,
            "leader": state.leader,
        }
    ]
    events.extend(_move_clock(state, terms, now))
    return Outcome(True, events=events, detail={"leading": state.leader == bidder})


def _move_clock(state: LotState, terms: Terms, now: int) -> list[dict[str, Any]]:
    assert state.ends_at is not None
    if terms.mode == "live":
        new_end = restarted_countdown(state.ends_at, now, terms.countdown_ms)
    else:
        assert state.scheduled_end is not None
        new_end = extended_end(state.ends_at, now, terms.soft_close_ms, state.scheduled_end, terms.extension_cap_ms)
    if new_end == state.ends_at:
        return []
    state.ends_at = new_end
    return [{"type": "extended" if terms.mode == "timed" else "countdown", "ends_at": new_end}]


def buy_now(state: LotState, terms: Terms, bidder: str, now: int) -> Outcome:
    refusal = _bidding_refusal(state, now)
    if refusal:
        return Outcome.reject(refusal)
    if terms.mode != "timed" or terms.buy_now is None or (state.price is not None and state.price >= terms.buy_now):
        return Outcome.reject("buy_now_unavailable")
    state.order += 1
    state.entries[bidder] = Entry(bidder, terms.buy_now, state.order)
    state.price, state.leader = terms.buy_now, bidder
    state.bids += 1
    line = {"paddle": bidder, "amount": terms.buy_now, "auto": False}
    events: list[dict[str, Any]] = [{"type": "bid", "lines": [line], "price": state.price, "leader": bidder}]
    events.extend(_finish(state, now, SOLD, terms.buy_now, via="buy_now"))
    return Outcome(True, events=events, detail={"leading": True})


# --- closing -----------------------------------------------------------------------------
def is_due(state: LotState, now: int) -> bool:
    if state.status == OPEN and state.ends_at is not None and now >= state.ends_at:
        return True
    if state.status == SCHEDULED and state.opens_at is not None and state.ends_at is not None and now >= state.opens_at:
        return True  # a timed lot whose start has come (a live lot has no opens_at until the auctioneer opens it)
    return (
        state.status in (CONDITIONAL, COUNTERED)
        and state.decision_deadline is not None
        and now >= state.decision_deadline
    )


def close(state: LotState, terms: Terms, now: int, *, via: str = "clock") -> Outcome:
    """The end of bidding (the clock ran out, or the hammer fell): sold, passed or conditional."""
    if state.status not in (OPEN, PAUSED):
        return Outcome.reject("lot_closed" if state.status != SCHEDULED else "lot_not_open")
    if state.leader is None or state.price is None:
        return Outcome(True, events=_finish(state, now, PASSED, None, via=via))
    leader_max = state.entries[state.leader].max
    if terms.reserve is None or state.price >= terms.reserve:
        return Outcome(True, events=_finish(state, now, SOLD, state.price, via=via))
    if leader_max >= terms.reserve:
        # The leader's maximum covers the reserve: the competition allowed it, so sell at the reserve.
        state.price = terms.reserve
        return Outcome(True, events=_finish(state, now, SOLD, state.price, via=via))
    state.status = CONDITIONAL
    state.closed_at = now
    state.ends_at = state.ends_at if state.ends_at is not None and state.ends_at <= now else now
    state.decision_deadline = now + terms.conditional_ms
    return Outcome(
        True,
        events=[
            {"type": "conditional", "price": state.price, "leader": state.leader, "deadline": state.decision_deadline}
        ],
    )


def _finish(state: LotState, now: int, status: str, hammer: int | None, *, via: str) -> list[dict[str, Any]]:
    state.status = status
    state.closed_at = state.closed_at or now
    if state.ends_at is None or state.ends_at > now:
        state.ends_at = now
    state.decision_deadline = None
    if status == SOLD:
        return [{"type": "sold", "price": hammer, "buyer": state.leader, "via": via}]
    return [{"type": "passed", "via": via}]


def decide(
    state: LotState, terms: Terms, who: Literal["seller", "buyer"], action: str, now: int, amount: int | None = None
) -> Outcome:
    """The conditional sale: the seller accepts, declines or counters; the high bidder answers a counter."""
    if state.status not in (CONDITIONAL, COUNTERED):
        return Outcome.reject("no_decision_pending")
    assert state.decision_deadline is not None
    assert state.price is not None
    if now >= state.decision_deadline:
        return Outcome.reject("decision_window_over")
    if who == "seller" and state.status == CONDITIONAL:
        if action == "accept":
            return Outcome(True, events=_finish(state, now, SOLD, state.price, via="seller_accepted"))
        if action == "decline":
            return Outcome(True, events=_finish(state, now, PASSED, None, via="seller_declined"))
        if action == "counter":
            if amount is None or amount <= state.price:
                return Outcome.reject("counter_not_above_high_bid", high_bid=state.price)
            if not terms.ladder.on_grid(amount):
                return Outcome.reject("off_grid", nearest=list(terms.ladder.nearest(amount)))
            state.status, state.counter = COUNTERED, amount
            return Outcome(True, events=[{"type": "countered", "amount": amount, "deadline": state.decision_deadline}])
    if who == "buyer" and state.status == COUNTERED:
        assert state.counter is not None
        if action == "accept":
            state.price = state.counter
            return Outcome(True, events=_finish(state, now, SOLD, state.counter, via="counter_accepted"))
        if action == "decline":
            return Outcome(True, events=_finish(state, now, PASSED, None, via="counter_declined"))
    return Outcome.reject("not_your_decision")


def lapse(state: LotState, now: int) -> Outcome:
    """The decision window ran out without a sale: the lot is unsold and the deposit lock ends."""
    if state.status not in (CONDITIONAL, COUNTERED) or state.decision_deadline is None or now < state.decision_deadline:
        return Outcome.reject("no_decision_pending")
    return Outcome(True, events=_finish(state, now, PASSED, None, via="decision_lapsed"))


# --- auctioneer controls (live and hybrid sessions) ----------------------------------------
def open_live(state: LotState, terms: Terms, now: int) -> Outcome:
    if state.status != SCHEDULED:
        return Outcome.reject("lot_not_scheduled")
    state.status = OPEN
    state.opens_at = now
    state.ends_at = state.scheduled_end = now + terms.countdown_ms
    return Outcome(True, events=[{"type": "opened", "ends_at": state.ends_at}])


def pause(state: LotState, now: int) -> Outcome:
    if state.status != OPEN or state.ends_at is None:
        return Outcome.reject("lot_not_open")
    state.remaining_ms = max(0, state.ends_at - now)
    state.status, state.ends_at = PAUSED, None
    return Outcome(True, events=[{"type": "paused", "remaining_ms": state.remaining_ms}])


def resume(state: LotState, now: int) -> Outcome:
    if state.status != PAUSED:
        return Outcome.reject("lot_not_paused")
    state.status = OPEN
    state.ends_at = now + (state.remaining_ms or 0)
    state.remaining_ms = None
    return Outcome(True, events=[{"type": "resumed", "ends_at": state.ends_at}])


def warn(state: LotState, level: int) -> Outcome:
    if state.status != OPEN:
        return Outcome.reject("lot_not_open")
    return Outcome(True, events=[{"type": "warning", "level": level}])  # 1: going once, 2: going twice


def hammer(state: LotState, terms: Terms, now: int) -> Outcome:
    if terms.mode != "live":
        return Outcome.reject("not_a_live_lot")
    return close(state, terms, now, via="hammer")


def pass_lot(state: LotState, now: int) -> Outcome:
    if state.status not in (OPEN, PAUSED, SCHEDULED):
        return Outcome.reject("lot_closed")
    return Outcome(True, events=_finish(state, now, PASSED, None, via="auctioneer_passed"))


def retract(state: LotState, terms: Terms, reason: str, now: int) -> Outcome:
    """Take back the last accepted bid (a clerk's mistake, a bidder's error): only before the hammer."""
    if terms.mode != "live":
        return Outcome.reject("not_a_live_lot")
    if state.status not in (OPEN, PAUSED):
        return Outcome.reject("lot_closed")
    if not state.history:
        return Outcome.reject("nothing_to_retract")
    if not reason.strip():
        return Outcome.reject("reason_required")
    retracted = {"price": state.price, "leader": state.leader}
    snap = state.history.pop()
    state.price, state.leader = snap["price"], snap["leader"]
    state.entries = {k: Entry(**v) for k, v in copy.deepcopy(snap["entries"]).items()}
    events: list[dict[str, Any]] = [
        {"type": "retracted", "reason": reason, "retracted": retracted, "price": state.price, "leader": state.leader}
    ]
    if state.status == OPEN:
        events.extend(_move_clock(state, terms, now))
    return Outcome(True, events=events)


def material_change(state: LotState, what: str) -> Outcome:
    """The house changed the lot's material data: standing proxies no longer bind their bidders.

    The leader keeps the lead at the visible price (that bid was placed knowingly); only the
    unexercised part of their maximum is cancelled. Outbid maxima are below the price already.
    """
    if state.status not in (OPEN, PAUSED, SCHEDULED):
        return Outcome.reject("lot_closed")
    cancelled = []
    if state.leader is not None and state.price is not None and state.entries[state.leader].max > state.price:
        entry = state.entries[state.leader]
        state.entries[state.leader] = Entry(entry.bidder, state.price, entry.order)
        cancelled.append(state.leader)
    return Outcome(True, events=[{"type": "material_change", "what": what, "proxies_cancelled": cancelled}])
