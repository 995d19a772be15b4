"""Issue 10 §13 against the real services and database: generated programs of steps — deposits confirmed
(`auctions.deposit_confirmed`), lots won (`auctions.lot_sold`), bank receipts partial, exact or over, defaults
declared and closed with or without a re-sale, the session ended and its deposits refunded, the consignor paid —
each replayed at random (the same event, the same bank reference), with the books checked by SQL after every step:
the house's trial balance is zero, every transaction sums to zero, no floor-zero account is below zero, running
balances agree with their entries, and each money-out business key (refund, payout) posted once.

Each example is one program, run against a house of its own (a fresh id), so examples do not see each other.
The pure rules get 10,000 programs in tests/unit/settlement/test_state_machine.py; this one proves the services
and the triggers hold the same invariants.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tortoise import connections

from marketplace.accounts.domain import Principal, Role
from marketplace.errors import ApiError
from marketplace.settings import Settings
from marketplace.settlement.models import Default, DepositRefund, GatePass, Invoice, Payout
from marketplace.settlement.services import defaults, deposits, invoices, payouts, sales

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=120)  # past every grace period and dispute window
EXAMPLES = int(os.environ.get("SETTLEMENT_SM_DB_EXAMPLES", "60"))
BUYERS = 3
SESSIONS = 2

step = st.one_of(
    st.tuples(st.just("deposit"), st.integers(0, BUYERS - 1), st.integers(0, SESSIONS - 1), st.booleans()),
    st.tuples(
        st.just("win"),
        st.integers(0, BUYERS - 1),
        st.integers(0, SESSIONS - 1),
        st.integers(0, 3_000_000),
        st.booleans(),
    ),  # fmt: skip
    st.tuples(st.just("pay"), st.integers(0, 5), st.integers(1, 4_000_000), st.integers(0, 6), st.booleans()),
    st.tuples(st.just("default"), st.integers(0, 5), st.one_of(st.none(), st.integers(0, 3_000_000))),
    st.tuples(st.just("end"), st.integers(0, SESSIONS - 1), st.booleans()),
    st.tuples(st.just("payout"), st.integers(0, 5), st.booleans()),
)


class World:
    def __init__(self, deposit_fen: list[list[int]]) -> None:
        self.house = uuid.uuid4().int % 1_000_000 + 100_000
        self.seller = self.house + 1
        base = uuid.uuid4().int % 100_000_000 + 1_000  # lot ids base*10+n stay inside PostgreSQL's int4
        self.buyers = [base + i for i in range(BUYERS)]
        self.sessions = [base + i for i in range(SESSIONS)]
        self.deposit_fen = deposit_fen  # per buyer and session, what the registration's deposit is
        self.lot = base * 10
        self.staff = Principal(user_id=1, display_name="cashier",
                               memberships={self.house: frozenset({Role.HOUSE_ADMIN})},
                               org_kinds={self.house: "auction_house"})  # fmt: skip
        self.won: dict[int, list[tuple[int, int]]] = {s: [] for s in self.sessions}  # session: (user, lot)
        self.ended: set[int] = set()
        self.receipts: dict[str, tuple[int, int]] = {}  # reference: (invoice, amount)
        self.events: dict[str, dict[str, Any]] = {}
        self.paid_out: set[int] = set()

    def event(self, key: str, topic: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The same logical event keeps its id, so a redelivery is the same message."""
        if key not in self.events:
            self.events[key] = {"event_id": str(uuid.uuid4()), "topic": topic, "created_at": NOW.isoformat(),
                                "payload": payload}  # fmt: skip
        return self.events[key]


async def run_step(w: World, s: tuple[Any, ...]) -> None:
    kind = s[0]
    if kind == "deposit":
        _, b, i, replay = s
        user, session = w.buyers[b], w.sessions[i]
        msg = w.event(f"dep:{b}:{i}", "auctions.deposit_confirmed",
                      {"house_org_id": w.house, "session_id": session, "user_id": user, "paddle": str(100 + b),
                       "amount_fen": w.deposit_fen[b][i], "currency": "CNY", "rail": "bank",
                       "reference": f"D{b}{i}", "confirmed_at": NOW.isoformat()})  # fmt: skip
        for _ in range(2 if replay else 1):
            await deposits.consume(msg)
    elif kind == "win":
        _, b, i, hammer, replay = s
        if w.sessions[i] in w.ended:
            return
        w.lot += 1
        user, session = w.buyers[b], w.sessions[i]
        msg = w.event(f"lot:{w.lot}", "auctions.lot_sold",
                      {"lot_id": w.lot, "session_id": session, "session_starts_at": NOW.isoformat(),
                       "house_org_id": w.house, "seller_org_id": w.seller, "buyer_user_id": user,
                       "hammer_fen": hammer, "premium_terms": [[0, 500, 0], [1_000_000, 300, 5_000]],
                       "deposit_fen": w.deposit_fen[b][i], "currency": "CNY", "sold_at": NOW.isoformat()})  # fmt: skip
        w.won[session].append((user, w.lot))
        for _ in range(2 if replay else 1):
            await sales.consume(msg)
    elif kind == "pay":
        _, k, amount, ref, replay = s
        inv = await _nth_invoice(w, k)
        if inv is None:
            return
        reference = f"REF-{w.house}-{ref}"
        if replay and reference in w.receipts:  # the same bank line again (typed twice, or imported again)
            invoice_id, amount = w.receipts[reference]
            inv = await Invoice.get(id=invoice_id)
        refused = None
        try:
            _, created = await invoices.record_receipt(w.staff, w.house, inv.id, reference, amount, NOW.date(), NOW)
        except ApiError as exc:
            refused = exc.code
        if refused is not None:  # the only refusals: a reference reused for other money, a voided invoice
            known = w.receipts.get(reference)
            if refused == "receipt_reference_used":
                assert known is not None
                assert known != (inv.id, amount)
            else:
                assert refused == "invoice_void"
                assert inv.status == "void"
            return
        assert created == (reference not in w.receipts)
        event("receipt recorded" if created else "receipt replayed")
        w.receipts.setdefault(reference, (inv.id, amount))
    elif kind == "default":
        _, k, resale = s
        inv = await _nth_invoice(w, k)
        if inv is None:
            return
        try:
            d = await defaults.declare(w.staff, inv.id, "did not pay", LATER)
        except ApiError as exc:
            refused = exc.code
        else:
            refused = None
        if refused is not None:
            assert refused in ("invoice_not_open", "invoice_has_receipts"), refused
            return
        again = await defaults.declare(w.staff, inv.id, "did not pay", LATER)  # a second click: the same default
        assert again.id == d.id
        event(f"default declared, {d.forfeited_fen and 'deposit forfeited' or 'nothing forfeited'}")
        if d.status == "open":
            await defaults.close(w.staff, w.house, d.id, resale, LATER)
            event("default closed after a relisting" if resale is not None else "default closed without a re-sale")
    elif kind == "end":
        _, i, replay = s
        session = w.sessions[i]
        won = [{"user_id": u, "lot_id": lot} for u, lot in w.won[session]]
        msg = w.event(f"end:{i}", "auctions.session_ended",
                      {"session_id": session, "house_org_id": w.house, "ended_at": NOW.isoformat(), "won": won,
                       "deposits": []})  # fmt: skip
        w.ended.add(session)
        for _ in range(2 if replay else 1):
            await deposits.consume(msg)
        await deposits.sweep(LATER, None)
        for r in await DepositRefund.filter(house_org_id=w.house, status="due"):
            reference = f"BOC-{r.id}"
            for n in range(2 if replay else 1):
                _, created = await deposits.complete_refund(w.staff, w.house, r.id, reference, LATER)
                assert created == (n == 0)
            event("deposit refunded")
    elif kind == "payout":
        _, k, replay = s
        inv = await _nth_invoice(w, k)
        if inv is None or inv.status != "paid":
            return
        if not await GatePass.filter(sale_id=inv.sale_id).exists():
            await GatePass.create(sale_id=inv.sale_id, house_org_id=w.house, pass_code=uuid.uuid4().hex[:16],
                                  issued_at=NOW, handed_over_at=NOW, handed_over_by_user_id=1)  # fmt: skip
        reference = f"PAY-{inv.sale_id}"
        for _ in range(2 if replay else 1):
            _, created = await payouts.record_payout(w.staff, inv.sale_id, reference, LATER.date(), LATER)
            assert created == (inv.sale_id not in w.paid_out)  # the same reference again: nothing new
            w.paid_out.add(inv.sale_id)
            event("payout recorded" if created else "payout replayed")


async def _nth_invoice(w: World, k: int) -> Invoice | None:
    rows = await Invoice.filter(house_org_id=w.house).order_by("id")
    return rows[k % len(rows)] if rows else None


async def assert_books(w: World) -> None:
    conn = connections.get("default")
    h = w.house
    _, per_cur = await conn.execute_query(
        "SELECT e.currency, SUM(e.amount_fen) FROM settlement_entries e JOIN settlement_accounts a "
        f"ON a.id = e.account_id WHERE a.house_org_id = {h} GROUP BY e.currency"
    )
    assert all(int(r[1]) == 0 for r in per_cur), f"trial balance off: {per_cur}"
    _, off = await conn.execute_query(
        "SELECT e.transaction_id, e.currency, SUM(e.amount_fen) FROM settlement_entries e "
        "JOIN settlement_transactions t ON t.id = e.transaction_id "
        f"WHERE t.house_org_id = {h} GROUP BY e.transaction_id, e.currency HAVING SUM(e.amount_fen) <> 0"
    )
    assert not off, f"unbalanced transactions: {off}"
    _, below = await conn.execute_query(
        "SELECT code, party, balance_fen FROM settlement_accounts "
        f"WHERE house_org_id = {h} AND floor_zero AND ((normal = 'debit' AND balance_fen < 0) "
        "OR (normal = 'credit' AND balance_fen > 0))"
    )
    assert not below, f"below the floor: {below}"
    _, drift = await conn.execute_query(
        "SELECT a.code, a.party, a.balance_fen, COALESCE(SUM(e.amount_fen), 0) FROM settlement_accounts a "
        f"LEFT JOIN settlement_entries e ON e.account_id = a.id WHERE a.house_org_id = {h} "
        "GROUP BY a.id, a.code, a.party, a.balance_fen HAVING a.balance_fen <> COALESCE(SUM(e.amount_fen), 0)"
    )
    assert not drift, f"balances disagree with their entries: {drift}"
    _, twice = await conn.execute_query(
        f"SELECT business_key, COUNT(*) FROM settlement_transactions WHERE house_org_id = {h} "
        "GROUP BY business_key HAVING COUNT(*) > 1"
    )
    assert not twice, f"a business key posted twice: {twice}"
    # Money out: a refund per deposit refund row done, a payout per sale, never more.
    _, outs = await conn.execute_query(
        f"SELECT kind, business_key FROM settlement_transactions WHERE house_org_id = {h} "
        "AND kind IN ('deposit_refunded', 'payout')"
    )
    refunds_done = await DepositRefund.filter(house_org_id=h, status="done").count()
    paid_sales = await Payout.filter(house_org_id=h, amount_fen__gt=0).count()
    assert sum(1 for r in outs if r[0] == "deposit_refunded") == refunds_done
    assert sum(1 for r in outs if r[0] == "payout") == paid_sales
    # What left the bank for a buyer never exceeds what that buyer paid in (deposits and receipts).
    for user in w.buyers:
        _, rows = await conn.execute_query(
            "SELECT t.kind, SUM(e.amount_fen) FROM settlement_entries e "
            "JOIN settlement_transactions t ON t.id = e.transaction_id "
            "JOIN settlement_accounts a ON a.id = e.account_id "
            f"WHERE t.house_org_id = {h} AND a.code = 'bank_clearing' AND t.business_key IN ("
            f"SELECT t2.business_key FROM settlement_transactions t2 JOIN settlement_entries e2 "
            f"ON e2.transaction_id = t2.id JOIN settlement_accounts a2 ON a2.id = e2.account_id "
            f"WHERE t2.house_org_id = {h} AND (a2.party = 'user:{user}' OR a2.party LIKE 'user:{user}/%')) "
            "GROUP BY t.kind"
        )
        money_in = sum(int(r[1]) for r in rows if int(r[1]) > 0)
        money_out = -sum(int(r[1]) for r in rows if int(r[1]) < 0)
        assert money_out <= money_in, (user, rows)
    # Each default's forfeiture was shared out at most once, and never more than was forfeited.
    for d in await Default.filter(house_org_id=h):
        assert d.house_costs_fen + d.shortfall_fen + d.rest_fen <= d.forfeited_fen


@pytest.mark.timeout(600)  # up to a second a program on PostgreSQL on a loaded machine; not a speed check
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    deposit_fen=st.lists(
        st.lists(st.integers(0, 600_000), min_size=SESSIONS, max_size=SESSIONS), min_size=BUYERS, max_size=BUYERS
    ),  # fmt: skip
    steps=st.lists(step, min_size=1, max_size=12),
)
async def test_settlement_state_machine_against_the_database(
    database: Settings, deposit_fen: list[list[int]], steps: list[tuple[Any, ...]]
) -> None:
    w = World(deposit_fen)
    for s in steps:
        await run_step(w, s)
        await assert_books(w)
