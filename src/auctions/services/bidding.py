"""Every change to a lot goes through `apply`: one transaction, a compare-and-set on the lot's version.

The engine decides; this module makes the decision durable. A change is committed (lot row, bid
lines, public events with consecutive sequence numbers, the bid receipt, the sale record) before
anyone hears of it; only then is it published on the bus. `SELECT … FOR UPDATE` queues writers on
PostgreSQL; on SQLite (where Tortoise ignores it) the version check alone serialises them.

A bidder's command is first admitted in the same transaction (`Admit`): their registration row is
locked and compare-and-set the same way, so one bidder's bids on several lots are serialised too and
the buying limit is checked against commitments no concurrent bid of theirs can change.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auctions.domain import lot as engine
from auctions.domain.lot import LotState, Outcome, Terms
from auctions.domain.terms import engine_terms, from_ms
from auctions.models import AuctionSession, Bid, BidReceipt, Lot, LotEvent, Registration
from auctions.services import closing
from marketplace.outbox.events import record_event

log = logging.getLogger("auctions.services.bidding")


CHANNEL = "auctions.lots"
NOTICE_TOPIC = "auctions.proxy_cancelled"  # a bidder whose standing maximum a material change cancelled
MAX_ATTEMPTS = 50
PRIVATE_EVENTS = frozenset({"max_raised"})

Command = Callable[[LotState, Terms], Outcome]
# Run first inside the lot's transaction: returns the command to apply, or raises Refused.
Admit = Callable[[BaseDBAsyncClient], Awaitable[Command]]


class _VersionConflict(Exception):
    pass


class Refused(Exception):
    """The bidder may not bid (not registered, no deposit, own lot, buying limit): nothing was written."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Applied:
    outcome: Outcome
    lot: Lot
    state: LotState
    terms: Terms
    published: list[dict[str, Any]] = field(default_factory=list)  # [{"seq", "event"}]
    receipt: dict[str, Any] | None = None  # an earlier answer for the same client bid id


_published: dict[int, AuctionSession] = {}


async def published_session(session_id: int, conn: BaseDBAsyncClient | None = None) -> AuctionSession:
    """A session row; published sessions are immutable (terms, kind, house), so they are cached per process."""
    cached = _published.get(session_id)
    if cached is not None:
        return cached
    query = AuctionSession.filter(id=session_id)
    session = await (query.using_db(conn) if conn is not None else query).get()
    if session.status == "published":
        if len(_published) > 10_000:
            _published.clear()
        _published[session_id] = session
    return session


def terms_for(kind: str, terms: dict[str, Any], lot: Lot) -> Terms:
    return engine_terms(kind, terms, lot.starting_price, lot.reserve_price, lot.buy_now_price)


class KeyReused(Exception):
    """A client bid id already answered a different request (another lot, amount, kind or proxy flag)."""


async def stored_receipt(
    user_id: int, client_bid_id: str, lot_id: int, request: dict[str, Any]
) -> dict[str, Any] | None:
    """The stored answer to this client bid id, or None if it was never answered.

    The same id sent for another lot, amount, kind or proxy flag is not a resend but a client bug (or a
    replayed key): answering it with the first bid's receipt would tell the client that a bid it never
    placed was accepted, so it raises `KeyReused` instead (the receipt stays the first request's).
    """
    receipt = await BidReceipt.get_or_none(user_id=user_id, client_bid_id=client_bid_id)
    if receipt is None:
        return None
    if receipt.lot_id != lot_id or (receipt.request is not None and receipt.request != request):
        raise KeyReused(client_bid_id)
    return dict(receipt.response)


async def lock_registration(conn: BaseDBAsyncClient, session_id: int, user_id: int) -> Registration | None:
    # FOR UPDATE queues one bidder's concurrent bids on PostgreSQL; claim_registration's compare-and-set
    # is what makes it hold on SQLite (whose transactions Tortoise runs one at a time anyway).
    query = Registration.filter(session_id=session_id, user_id=user_id).select_for_update()
    return await query.using_db(conn).first()


async def claim_registration(conn: BaseDBAsyncClient, reg: Registration) -> None:
    """Bump the registration's version, or retry the whole attempt if another bid of this bidder committed.

    Called once the bid passed the buying limit, so of two bids that read the same exposure only one commits.
    """
    bumped = await Registration.filter(id=reg.id, version=reg.version).using_db(conn).update(version=reg.version + 1)
    if bumped != 1:
        raise _VersionConflict()
    reg.version += 1


async def apply(
    lot_id: int,
    command: Command | None,
    now: int,
    *,
    admit: Admit | None = None,
    receipt_key: tuple[int, str] | None = None,
    respond: Callable[[Applied], dict[str, Any]] | None = None,
    bid_kind: str = "straight",
    actor_user_id: int | None = None,
    lot_fields: dict[str, Any] | None = None,
    request: dict[str, Any] | None = None,
) -> Applied:
    """Run `command` on the lot's current state and commit its result, retrying on a lost compare-and-set.

    A bidder's command comes from `admit` instead, run again on every attempt. `lot_fields` are further
    columns of the lot written in the same update (only if accepted).
    """
    for _ in range(MAX_ATTEMPTS):
        try:
            return await _attempt(
                lot_id, command, now, receipt_key, respond, bid_kind, actor_user_id, lot_fields, admit, request
            )
        except _VersionConflict:
            continue
    raise RuntimeError(f"lot {lot_id}: too much contention")


async def _attempt(
    lot_id: int,
    command: Command | None,
    now: int,
    receipt_key: tuple[int, str] | None,
    respond: Callable[[Applied], dict[str, Any]] | None,
    bid_kind: str,
    actor_user_id: int | None,
    lot_fields: dict[str, Any] | None = None,
    admit: Admit | None = None,
    request: dict[str, Any] | None = None,
) -> Applied:
    async with in_transaction() as conn:
        if admit is not None:
            # Before the lot's lock, so the bidder's own checks never lengthen the time a busy lot is held.
            command = await admit(conn)
        assert command is not None
        lot = await Lot.filter(id=lot_id).select_for_update().using_db(conn).get()
        session = await published_session(lot.session_id, conn)
        terms = terms_for(session.kind, session.terms, lot)
        state = LotState.from_json(lot.state)
        outcome = command(state, terms)
        applied = Applied(outcome, lot, state, terms)
        if not outcome.accepted:
            return applied  # nothing to write; the caller records the rejection's receipt
        public = [e for e in outcome.events if e["type"] not in PRIVATE_EVENTS]
        summary = {
            "status": state.status,
            "price": state.price,
            "leader": state.leader,
            "next_minimum": engine.next_minimum(state, terms),
            "ends_at": state.ends_at,
            "bids": state.bids,
            "decision_deadline": state.decision_deadline,  # a conditional sale's window, as in the snapshot
            "counter": state.counter,
            # Whether the reserve is met is public at auctions (its amount is not): with it on every event, a
            # room shows the badge right after the bid that crosses the reserve, and at the close.
            "reserve_met": engine.reserve_met(state, terms),
        }
        for event in public:
            event["at"] = now
            event["lot"] = summary  # the lot after this change, so a client needs no arithmetic
            if event["type"] == "retracted":
                event["actor_user_id"] = actor_user_id  # the audit trail: who took the bid back, and why
        updated = (
            await Lot.filter(id=lot.id, version=lot.version)
            .using_db(conn)
            .update(
                state=state.to_json(),
                version=lot.version + 1,
                seq=lot.seq + len(public),
                status=state.status,
                price=state.price,
                leader_paddle=state.leader,
                leader_commitment=engine.leader_commitment(state),
                ends_at=from_ms(state.ends_at),
                decision_deadline=from_ms(state.decision_deadline),
                **(lot_fields or {}),
            )
        )
        if updated != 1:
            raise _VersionConflict()
        received = from_ms(now)
        assert received is not None
        for offset, event in enumerate(public, start=1):
            seq = lot.seq + offset
            await LotEvent.create(lot_id=lot.id, seq=seq, payload=event, at=received, using_db=conn)
            applied.published.append({"seq": seq, "event": event})
            await _record_side_effects(conn, lot, session, event, seq, received, bid_kind, actor_user_id)
        lot.seq += len(public)
        lot.version += 1
        if receipt_key is not None and respond is not None:
            try:
                await BidReceipt.create(
                    user_id=receipt_key[0],
                    client_bid_id=receipt_key[1],
                    lot_id=lot.id,
                    request=request,
                    response=respond(applied),
                    using_db=conn,
                )
            except IntegrityError:
                # The same client bid id committed meanwhile (a resend racing the original): the exception
                # rolls this whole transaction back, so no savepoint (two round trips) is needed around it.
                raise _DuplicateBid() from None
    return applied


class _DuplicateBid(Exception):
    pass


async def _record_side_effects(
    conn: BaseDBAsyncClient,
    lot: Lot,
    session: AuctionSession,
    event: dict[str, Any],
    seq: int,
    received: Any,
    bid_kind: str,
    actor_user_id: int | None,
) -> None:
    kind = event["type"]
    if kind == "bid":
        for line in event["lines"]:
            await Bid.create(
                lot_id=lot.id,
                seq=seq,
                paddle=line["paddle"],
                kind="auto" if line["auto"] else bid_kind,
                amount=line["amount"],
                price_after=event["price"],
                received_at=received,
                using_db=conn,
            )
    elif kind == "retracted":
        last = await Bid.filter(lot_id=lot.id, retracted=False).using_db(conn).order_by("-seq").first()
        if last is not None:
            await Bid.filter(lot_id=lot.id, seq=last.seq).using_db(conn).update(retracted=True)
    elif kind == "sold":
        await closing.sold(conn, lot, session, event, seq, received)
    elif kind == "passed":
        await closing.passed(conn, lot, session, seq)
    elif kind == "material_change" and event["proxies_cancelled"]:
        # The public event names paddles only; each bidder is also told in person (services/notices.py), from
        # the outbox, so the notice goes out once the change is committed and never for one that rolled back.
        paddles = list(event["proxies_cancelled"])
        regs = await Registration.filter(session_id=session.id, paddle__in=paddles).using_db(conn)
        for reg in regs:
            await record_event(
                conn,
                NOTICE_TOPIC,
                {"lot_id": lot.id, "seq": seq, "user_id": reg.user_id, "paddle": reg.paddle,
                 "what": event["what"], "price": event["lot"]["price"]},
            )  # fmt: skip


async def apply_bid(
    lot_id: int,
    admit: Admit,
    now: int,
    receipt_key: tuple[int, str],
    respond: Callable[[Applied], dict[str, Any]],
    bid_kind: str,
    request: dict[str, Any],
) -> tuple[dict[str, Any], Applied | None]:
    """A bidder's command with a client bid id: the committed answer, exactly once per id.

    The caller has looked the id up already; a resend racing the original is caught by the receipt's
    unique key inside the transaction. A `Refused` bid propagates without a receipt: the bidder may put
    it right (confirm the deposit, be outbid elsewhere) and resend the same id.
    """
    try:
        applied = await apply(
            lot_id, None, now, admit=admit, receipt_key=receipt_key, respond=respond, bid_kind=bid_kind,
            request=request,
        )  # fmt: skip
    except _DuplicateBid:
        stored = await stored_receipt(*receipt_key, lot_id, request)
        assert stored is not None
        return stored, None
    response = respond(applied)
    if not applied.outcome.accepted:
        try:
            await BidReceipt.create(
                user_id=receipt_key[0], client_bid_id=receipt_key[1], lot_id=lot_id, request=request,
                response=response,
            )  # fmt: skip
        except IntegrityError:
            stored = await stored_receipt(*receipt_key, lot_id, request)
            assert stored is not None
            return stored, None
    return response, applied


def due_command(now: int) -> Command:
    def command(state: LotState, terms: Terms) -> Outcome:
        if not engine.is_due(state, now):
            return Outcome.reject("not_due")
        if state.status == engine.SCHEDULED:
            return engine.open_timed(state, now)
        if state.status in (engine.OPEN, engine.PAUSED):
            return engine.close(state, terms, now)
        return engine.lapse(state, now)

    return command
