"""The use cases behind both the WebSocket and the HTTP fallback: bid, buy now, auctioneer control,
conditional-sale decisions and closing. Each answers with the committed outcome, then publishes."""

from __future__ import annotations

import functools
import logging
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Sum

from auctions.domain import lot as engine
from auctions.domain import rights
from auctions.domain.lot import LotState, Outcome, Terms
from auctions.models import AuctionSession, Lot, Registration
from auctions.services import bidding
from auctions.services.bidding import Applied
from auctions.services.catalogue import is_house_staff
from marketplace.accounts import organisations
from marketplace.accounts.domain import SELLING_ROLES, Principal
from marketplace.errors import NotFound
from marketplace.outages import OutageLog
from marketplace.settlement.services import defaults as settlement_defaults

log = logging.getLogger("auctions.services.actions")
_OUTAGE = OutageLog(log, "lot events to Redis (the database path serves meanwhile)")


def _response(kind: str, lot_id: int, client_id: str | None, applied: Applied) -> dict[str, Any]:
    out = applied.outcome
    state = applied.state
    body: dict[str, Any] = {
        "type": kind,
        "lot_id": lot_id,
        "status": "accepted" if out.accepted else "rejected",
        "reason": out.reason,
        "price": state.price,
        "leader": state.leader,
        "next_minimum": engine.next_minimum(state, applied.terms),
        "ends_at": state.ends_at,
        "seq": applied.lot.seq,
    }
    if client_id is not None:
        body["client_bid_id"] = client_id
    if out.detail:
        body["detail"] = out.detail
    return body


KEY_REUSED = "idempotency_key_reused"
_LOCAL = ZoneInfo("Asia/Shanghai")


def _local_day(now_ms: int) -> date:
    """The house's calendar day of a bid's receipt (a bar runs to a day, in China's time)."""
    return datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(_LOCAL).date()


def _rejected(kind: str, lot: Lot, session: AuctionSession, client_id: str | None, reason: str) -> dict[str, Any]:
    """A refusal before the engine ran (eligibility, scope, staff): the same fields as any other answer, the
    lot as last read, so a client shows the price it was refused at without waiting for an event."""
    state = LotState.from_json(lot.state)
    body: dict[str, Any] = {
        "type": kind,
        "lot_id": lot.id,
        "status": "rejected",
        "reason": reason,
        "price": state.price,
        "leader": state.leader,
        "next_minimum": engine.next_minimum(state, bidding.terms_for(session.kind, session.terms, lot)),
        "ends_at": state.ends_at,
        "seq": lot.seq,
    }
    if client_id is not None:
        body["client_bid_id"] = client_id
    return body


async def _publish(services: Any, applied: Applied) -> None:
    if not applied.published:
        return
    lot = applied.lot
    message = {"lot_id": lot.id, "session_id": lot.session_id, "events": applied.published}
    try:
        await services.bus.publish(bidding.CHANNEL, message)
    except Exception as exc:  # committed already; watchers catch up from the event log
        _OUTAGE.report(exc, "publishing lot %s events failed", lot.id)
    else:
        _OUTAGE.recovered()
    ends_at = applied.state.ends_at
    if ends_at is not None and applied.state.status == engine.OPEN:
        await schedule_close(services, lot.id, ends_at)
    if applied.state.decision_deadline is not None:
        await schedule_close(services, lot.id, applied.state.decision_deadline)


async def schedule_close(services: Any, lot_id: int, at_ms: int) -> None:
    """The fast path: a deferred job per (lot, end). The sweeper is the guarantee if it never runs."""
    from auctions.services.clock import now_ms

    try:
        await services.jobs.enqueue(
            "auctions.close_lot",
            {"lot_id": lot_id, "at": at_ms},
            job_id=f"lot:close:{lot_id}:{at_ms}",
            defer_seconds=max(0.0, (at_ms - now_ms()) / 1000),
        )
    except Exception as exc:  # the sweeper closes it from the database
        _OUTAGE.report(exc, "could not schedule the close of lot %s", lot_id)


# A bidder's commitments in a session: every lot they lead or that waits on them, and every lot they won.
COMMITTING = ("open", "paused", "conditional", "countered", "sold")


async def _exposure(conn: BaseDBAsyncClient, session_id: int, paddle: str, lot_id: int) -> int:
    """What the bidder stands to pay elsewhere in the session: the sum of `Lot.leader_commitment`.

    That is a leading proxy's maximum, not its price (engine.leader_commitment), and a won lot's hammer
    price (a sold lot's price). One query, inside the bid's transaction, after the registration's lock.
    """
    row = await (
        Lot.filter(session_id=session_id, leader_paddle=paddle, status__in=COMMITTING)
        .exclude(id=lot_id)
        .using_db(conn)
        .annotate(total=Sum("leader_commitment"))
        .first()
        .values("total")
    )
    return int((row or {}).get("total") or 0)


def _bidder_refusal(principal: Principal, lot: Lot, house_org_id: int, reg: Registration | None) -> str | None:
    # Who the bidder is comes before what they lodged: a house member registered before joining the house
    # (or through another organisation) is still refused, and told the reason that will not go away.
    refusal = rights.bidder_refusal(
        set(principal.memberships), reg.org_id if reg else None, lot.seller_org_id, house_org_id
    )
    if refusal is not None:
        return refusal
    if reg is None:
        return "not_registered"
    if reg.deposit_status != "confirmed":
        return "deposit_not_confirmed"
    return None


async def _load(lot_id: int) -> tuple[Lot, AuctionSession]:
    lot = await Lot.get_or_none(id=lot_id)
    if lot is None:
        raise NotFound("no such lot", code="lot_not_found")
    session = await bidding.published_session(lot.session_id)
    if session.status != "published":
        raise NotFound("no such lot", code="lot_not_found")
    return lot, session


async def place_bid(
    services: Any,
    principal: Principal,
    lot_id: int,
    client_id: str,
    amount: int,
    now: int,
    *,
    proxy: bool = False,
    buy_now: bool = False,
) -> dict[str, Any]:
    kind = "bid_result"
    # What the id was first sent for: a resend must ask for the same thing to get the stored answer.
    request = {"kind": "buy_now"} if buy_now else {"kind": "bid", "amount": amount, "proxy": proxy}
    try:
        earlier = await bidding.stored_receipt(principal.user_id, client_id, lot_id, request)
    except bidding.KeyReused:
        lot, session = await _load(lot_id)
        return _rejected(kind, lot, session, client_id, KEY_REUSED)
    if earlier is not None:
        return earlier
    lot, session = await _load(lot_id)
    if not principal.has_scope("bid"):
        return _rejected(kind, lot, session, client_id, "insufficient_scope")
    # A proxy commits its maximum (the amount), buy now its price: whatever this lot may cost the bidder.
    commitment = lot.buy_now_price or amount if buy_now else amount
    limit = int(session.terms["buying_limit"])

    async def admit(conn: BaseDBAsyncClient) -> bidding.Command:
        # Inside the lot's transaction with the registration locked: two bids of one bidder on two lots
        # would otherwise both pass the limit against the same, not yet changed, exposure.
        reg = await bidding.lock_registration(conn, session.id, principal.user_id)
        refusal = _bidder_refusal(principal, lot, session.house_org_id, reg)
        if refusal is None and reg is not None and reg.org_id is not None:
            status = await organisations.verification_status(reg.org_id, conn)
            refusal = rights.standing_refusal(reg.org_id, status)
        if refusal is None and reg is not None:
            # A default bars the bidder from the house's sessions at once: a registration made before it bids no more.
            refusal = await settlement_defaults.bar_refusal(
                session.house_org_id, principal.user_id, reg.org_id, _local_day(now), conn
            )
        if refusal is not None:
            raise bidding.Refused(refusal)
        assert reg is not None
        if await _exposure(conn, session.id, reg.paddle, lot.id) + commitment > limit:
            raise bidding.Refused("buying_limit")
        await bidding.claim_registration(conn, reg)
        paddle = reg.paddle

        def command(state: LotState, terms: Terms) -> Outcome:
            if buy_now:
                return engine.buy_now(state, terms, paddle, now)
            return engine.place_bid(state, terms, paddle, amount, now, proxy=proxy)

        return command

    respond = functools.partial(_response, kind, lot_id, client_id)
    bid_kind = "buy_now" if buy_now else ("proxy" if proxy else "straight")
    try:
        response, applied = await bidding.apply_bid(
            lot_id, admit, now, (principal.user_id, client_id), respond, bid_kind, request
        )
    except bidding.Refused as refused:
        return _rejected(kind, await Lot.get(id=lot_id), session, client_id, refused.reason)
    except bidding.KeyReused:  # a racing send of the same id for another request committed first
        return _rejected(kind, await Lot.get(id=lot_id), session, client_id, KEY_REUSED)
    if applied is not None:
        await _publish(services, applied)
    return response


CONTROLS = frozenset({"open", "warn", "pause", "resume", "hammer", "pass", "retract", "floor_bid"})


async def control(services: Any, principal: Principal, lot_id: int, body: dict[str, Any], now: int) -> dict[str, Any]:
    """An auctioneer's (or clerk's) action on a live lot."""
    kind = "control_result"
    lot, session = await _load(lot_id)
    if not is_house_staff(principal, session.house_org_id):
        return _rejected(kind, lot, session, None, "not_house_staff")
    if not principal.has_scope("write"):  # a read-only token watches; it never runs the rostrum
        return _rejected(kind, lot, session, None, "insufficient_scope")
    action = str(body.get("action"))
    reason = str(body.get("reason") or "")
    amount = body.get("amount")

    def command(state: LotState, terms: Terms) -> Outcome:
        if terms.mode != "live" and action not in ("pass",):
            return Outcome.reject("not_a_live_lot")
        if action == "open":
            return engine.open_live(state, terms, now)
        if action == "warn":
            return engine.warn(state, int(body.get("level") or 1))
        if action == "pause":
            return engine.pause(state, now)
        if action == "resume":
            return engine.resume(state, now)
        if action == "hammer":
            return engine.hammer(state, terms, now)
        if action == "pass":
            return engine.pass_lot(state, now)
        if action == "retract":
            return engine.retract(state, terms, reason, now)
        if action == "floor_bid":
            if not isinstance(amount, int) or not body.get("paddle"):
                return Outcome.reject("floor_bid_needs_paddle_and_amount")
            return engine.place_bid(state, terms, f"F{body['paddle']}", amount, now)
        return Outcome.reject("unknown_action")

    applied = await bidding.apply(lot_id, command, now, bid_kind="floor", actor_user_id=principal.user_id)
    await _publish(services, applied)
    return {**_response(kind, lot_id, None, applied), "action": action}


async def decide(
    services: Any, principal: Principal, lot_id: int, action: str, amount: int | None, now: int
) -> dict[str, Any]:
    """The conditional sale: the seller (or the house for it) accepts, declines or counters; the buyer answers."""
    kind = "decision_result"
    lot, session = await _load(lot_id)
    reg = await Registration.get_or_none(session_id=session.id, user_id=principal.user_id)
    state = LotState.from_json(lot.state)
    if principal.roles_in(lot.seller_org_id) & SELLING_ROLES or is_house_staff(principal, session.house_org_id):
        who = "seller"
    elif reg is not None and state.leader == reg.paddle:
        who = "buyer"
    else:
        return _rejected(kind, lot, session, None, "not_your_decision")
    # A token acts only within its scopes: the buyer's answer binds like a bid, the seller's like any write.
    if not principal.has_scope("bid" if who == "buyer" else "write"):
        return _rejected(kind, lot, session, None, "insufficient_scope")

    def command(s: LotState, terms: Terms) -> Outcome:
        return engine.decide(s, terms, who, action, now, amount)  # type: ignore[arg-type]

    admit: bidding.Admit | None = None
    if who == "buyer" and action == "accept":
        limit = int(session.terms["buying_limit"])

        async def admit(conn: BaseDBAsyncClient) -> bidding.Command:
            # Accepting a counter raises what the buyer stands to pay from the high bid to the counter: the
            # same per-registration check as a bid, so the deposit still covers everything they may buy.
            # The counter is read in this transaction (a seller may have countered since the read above).
            current = await Lot.filter(id=lot_id).using_db(conn).get()
            counter = LotState.from_json(current.state).counter
            if counter is None:
                return command  # no counter to accept: the engine refuses
            locked = await bidding.lock_registration(conn, session.id, principal.user_id)
            assert locked is not None  # the leader is registered (checked above)
            if await _exposure(conn, session.id, locked.paddle, lot.id) + counter > limit:
                raise bidding.Refused("buying_limit")
            await bidding.claim_registration(conn, locked)

            def checked(s: LotState, terms: Terms) -> Outcome:
                if s.counter != counter:  # a counter, once made, never changes; never accept one not checked
                    return Outcome.reject("no_decision_pending")
                return command(s, terms)

            return checked

    try:
        if admit is None:
            applied = await bidding.apply(lot_id, command, now, actor_user_id=principal.user_id)
        else:
            applied = await bidding.apply(lot_id, None, now, admit=admit, actor_user_id=principal.user_id)
    except bidding.Refused as refused:
        return _rejected(kind, await Lot.get(id=lot_id), session, None, refused.reason)
    await _publish(services, applied)
    return _response(kind, lot_id, None, applied)


async def close_if_due(services: Any, lot_id: int, now: int) -> bool:
    """Close (or lapse) a lot whose time has come; a second caller finds nothing to do."""
    applied = await bidding.apply(lot_id, bidding.due_command(now), now)
    if not applied.outcome.accepted:
        return False
    await _publish(services, applied)
    return True


async def change_material_data(
    services: Any, principal: Principal, lot_id: int, condition_report: str, now: int
) -> dict[str, Any]:
    """The house corrects the condition report: standing proxies are cancelled and their bidders told."""
    kind = "material_change_result"
    lot, session = await _load(lot_id)
    if not is_house_staff(principal, session.house_org_id):
        return _rejected(kind, lot, session, None, "not_house_staff")

    def command(state: LotState, terms: Terms) -> Outcome:
        return engine.material_change(state, "condition_report")

    applied = await bidding.apply(
        lot_id, command, now, actor_user_id=principal.user_id, lot_fields={"condition_report": condition_report}
    )
    await _publish(services, applied)
    return _response(kind, lot_id, None, applied)
