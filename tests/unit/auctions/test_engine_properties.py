"""Random bid / proxy / tick sequences against the engine; the invariants hold after every step."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from auctions.domain import lot as engine
from auctions.domain.increments import Ladder
from auctions.domain.lot import Terms

LADDER = Ladder.build([(0, 100), (5_000, 500), (20_000, 1_000)])
BIDDERS = st.sampled_from(["101", "102", "103", "104"])
T0, END = 0, 100_000


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.terms = Terms(
            mode="timed", ladder=LADDER, starting=1_000, reserve=9_000, soft_close_ms=10_000, extension_cap_ms=40_000
        )
        self.state = engine.timed(self.terms, T0, END)
        self.now = T0
        self.last_price: int | None = None
        self.last_end = END

    def _check_step(self, before_leader: str | None, bidder: str, out: engine.Outcome) -> None:
        if out.accepted and before_leader == bidder:
            assert self.state.price == self.last_price, "raising your own max must not move the price"
        if out.accepted and self.state.status == "open":
            for event in out.events:
                if event["type"] == "bid":
                    assert all(line["amount"] <= self.state.price for line in event["lines"])

    @rule(bidder=BIDDERS, steps=st.integers(0, 40))
    def straight(self, bidder: str, steps: int) -> None:
        amount = LADDER.ceil(engine.next_minimum(self.state, self.terms) + steps * 100)
        before = self.state.leader
        out = engine.place_bid(self.state, self.terms, bidder, amount, self.now)
        self._check_step(before, bidder, out)

    @rule(bidder=BIDDERS, steps=st.integers(0, 60))
    def proxy(self, bidder: str, steps: int) -> None:
        amount = LADDER.ceil(engine.next_minimum(self.state, self.terms) + steps * 250)
        before = self.state.leader
        out = engine.place_bid(self.state, self.terms, bidder, amount, self.now, proxy=True)
        self._check_step(before, bidder, out)

    @rule(bidder=BIDDERS, amount=st.integers(-100, 50_000))
    def arbitrary(self, bidder: str, amount: int) -> None:
        before = (self.state.price, self.state.leader, self.state.ends_at)
        out = engine.place_bid(self.state, self.terms, bidder, amount, self.now)
        if not out.accepted:
            assert (self.state.price, self.state.leader, self.state.ends_at) == before

    @rule(ms=st.integers(0, 15_000))
    def tick(self, ms: int) -> None:
        self.now += ms

    @precondition(lambda self: self.state.status == "open")
    @rule()
    def close_if_due(self) -> None:
        if engine.is_due(self.state, self.now):
            engine.close(self.state, self.terms, self.now)
            assert self.state.status in ("sold", "passed", "conditional")

    @invariant()
    def price_never_decreases(self) -> None:
        if self.last_price is not None:
            assert self.state.price is not None
            assert self.state.price >= self.last_price
        self.last_price = self.state.price

    @invariant()
    def price_on_grid_and_covered_by_leaders_max(self) -> None:
        if self.state.price is None:
            assert self.state.leader is None
            return
        assert LADDER.on_grid(self.state.price)
        assert self.state.leader is not None
        assert self.state.entries[self.state.leader].max >= self.state.price
        assert self.state.price >= self.terms.starting

    @invariant()
    def leader_holds_the_top_maximum(self) -> None:
        if self.state.leader is None:
            return
        top = max(e.max for e in self.state.entries.values())
        assert self.state.entries[self.state.leader].max == top

    @invariant()
    def end_never_moves_backwards_and_respects_the_cap(self) -> None:
        assert self.state.ends_at is not None
        if self.state.status == "open":
            assert self.state.ends_at >= self.last_end
            assert self.state.ends_at <= END + 40_000
        self.last_end = self.state.ends_at


EngineMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestEngineMachine = EngineMachine.TestCase


class LiveMachine(RuleBasedStateMachine):
    """Live lots: countdown restarts, pauses and retractions; price moves down only by a retraction."""

    def __init__(self) -> None:
        super().__init__()
        self.terms = Terms(mode="live", ladder=LADDER, starting=1_000, countdown_ms=20_000)
        self.state = engine.LotState()
        engine.open_live(self.state, self.terms, 0)
        self.now = 0
        self.prices: list[int | None] = [None]

    @rule(bidder=BIDDERS, steps=st.integers(0, 20), proxy=st.booleans())
    def bid(self, bidder: str, steps: int, proxy: bool) -> None:
        amount = LADDER.ceil(engine.next_minimum(self.state, self.terms) + steps * 100)
        end = self.state.ends_at
        out = engine.place_bid(self.state, self.terms, bidder, amount, self.now, proxy=proxy)
        if out.accepted and any(e["type"] == "bid" for e in out.events):
            assert self.state.ends_at == max(end or 0, self.now + 20_000)
            self.prices.append(self.state.price)

    @rule()
    def retract(self) -> None:
        out = engine.retract(self.state, self.terms, "test", self.now)
        if out.accepted:
            self.prices.pop()
            assert self.state.price == self.prices[-1]

    @rule(ms=st.integers(0, 25_000))
    def tick(self, ms: int) -> None:
        self.now += ms

    @rule()
    def pause_resume(self) -> None:
        if self.state.status == "open":
            engine.pause(self.state, self.now)
        elif self.state.status == "paused":
            engine.resume(self.state, self.now)

    @invariant()
    def consistent(self) -> None:
        if self.state.leader is not None:
            assert self.state.price is not None
            assert self.state.entries[self.state.leader].max >= self.state.price
            assert LADDER.on_grid(self.state.price)


LiveMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=30, deadline=None)
TestLiveMachine = LiveMachine.TestCase
