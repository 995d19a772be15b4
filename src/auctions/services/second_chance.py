"""Session ends and second-chance offers: what auctions tells settlement, and what it does after a default.

A session ends when every lot in it is final (sold or passed). The sweeper notices (`close_ended`) and writes
the session's closure once (unique row) with `auctions.session_ended`, carrying every registration's deposit and
each bidder's won lots, so settlement can refund the deposits of those who won nothing.

After settlement declares a default (`settlement.sale_defaulted`), the lot is offered to the second-highest bidder
at their last bid, with the deadline settlement set (the house's `second_chance_working_days`). Accepting records
a new sale through the same event as a hammer (`auctions.lot_sold`, via `second_chance`, carrying the offer and
the default); settlement invoices it and closes the default's waterfall. An offer not accepted in time expires,
and the vehicle is the seller's to consign again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auctions.domain import lot as engine
from auctions.domain.terms import premium_of
from auctions.models import AuctionSession, Bid, Lot, Registration, SaleRecord, SecondChanceOffer, SessionClosure
from auctions.services.closing import titles
from listings import vehicles
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound
from marketplace.outbox.events import consume_once, record_event

SESSION_ENDED = "auctions.session_ended"
SALE_DEFAULTED = "settlement.sale_defaulted"
OFFERED = "auctions.second_chance_offered"
EXPIRED = "auctions.second_chance_expired"
HORIZON = timedelta(days=30)  # sessions started longer ago than this are not looked at again


# --- session ends -------------------------------------------------------------------------------------------


async def ended_payload(conn: BaseDBAsyncClient, session: AuctionSession, at: datetime) -> dict[str, Any]:
    regs = await Registration.filter(session_id=session.id).using_db(conn).order_by("id")
    sales = await SaleRecord.filter(session_id=session.id).using_db(conn).order_by("id")
    return {
        "session_id": session.id, "house_org_id": session.house_org_id, "ended_at": at.isoformat(),
        "deposits": [{"user_id": r.user_id, "org_id": r.org_id, "paddle": r.paddle, "amount_fen": r.deposit_amount,
                      "status": r.deposit_status, "currency": "CNY", "rail": "bank", "reference": r.payment_reference}
                     for r in regs],
        "won": [{"user_id": s.buyer_user_id, "lot_id": s.lot_id} for s in sales if s.buyer_user_id is not None],
    }  # fmt: skip


async def close_ended(now: datetime) -> int:
    """Record the end of every started session whose lots are all final, once each. Returns how many ended."""
    started = list(
        await AuctionSession.filter(status="published", starts_at__lte=now, starts_at__gte=now - HORIZON).values_list(
            "id", flat=True
        )
    )
    if not started:
        return 0
    closed = set(await SessionClosure.filter(session_id__in=started).values_list("session_id", flat=True))
    candidates = [s for s in started if s not in closed]
    if not candidates:
        return 0
    with_lots = set(await Lot.filter(session_id__in=candidates).distinct().values_list("session_id", flat=True))
    running = set(
        await Lot.filter(session_id__in=candidates)
        .exclude(status__in=list(engine.FINAL))
        .distinct()
        .values_list("session_id", flat=True)
    )
    ended = 0
    for session_id in sorted(with_lots - running):
        try:
            async with in_transaction() as conn:
                session = await AuctionSession.filter(id=session_id).using_db(conn).get()
                await SessionClosure.create(session_id=session_id, ended_at=now, using_db=conn)
                await record_event(conn, SESSION_ENDED, await ended_payload(conn, session, now))
            ended += 1
        except IntegrityError:
            continue  # another process recorded it first
    return ended


# --- second-chance offers -----------------------------------------------------------------------------------


def runner_up(bids: list[Bid], defaulter_paddle: str | None) -> tuple[str, int] | None:
    """The second-highest bidder and their last bid: among the other paddles, the one whose last bid line stood
    highest (the price it took the lot to); on a tie, the earlier bid."""
    last: dict[str, Bid] = {}
    for b in sorted(bids, key=lambda b: b.seq):
        if b.paddle != defaulter_paddle and not b.retracted:
            last[b.paddle] = b
    if not last:
        return None
    best = max(last.values(), key=lambda b: (b.price_after, -b.seq))
    return best.paddle, int(best.price_after)


async def _offer(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    if p.get("source") != "auction" or p.get("lot_id") is None or not p.get("second_chance_until"):
        return
    default_id = int(p["default_id"])
    if await SecondChanceOffer.filter(default_id=default_id).using_db(conn).exists():
        return
    lot = await Lot.filter(id=int(p["lot_id"])).using_db(conn).first()
    if lot is None:
        return
    defaulter = (
        await Registration.filter(session_id=lot.session_id, user_id=int(p["buyer_user_id"])).using_db(conn).first()
    )
    bids = list(await Bid.filter(lot_id=lot.id).using_db(conn))
    best = runner_up(bids, defaulter.paddle if defaulter else None)
    if best is None:
        return  # nobody else bid: the vehicle goes back to the seller to relist
    reg = await Registration.filter(session_id=lot.session_id, paddle=best[0]).using_db(conn).first()
    if reg is None:
        return
    offer = await SecondChanceOffer.create(
        default_id=default_id, lot_id=lot.id, session_id=lot.session_id, house_org_id=int(p["house_org_id"]),
        user_id=reg.user_id, org_id=reg.org_id, paddle=reg.paddle, amount=best[1],
        deadline=datetime.fromisoformat(str(p["second_chance_until"])), using_db=conn,
    )  # fmt: skip
    await record_event(conn, OFFERED, _offer_json(offer))


async def consume_default(message: dict[str, Any]) -> bool:
    payload = dict(message["payload"])
    return await consume_once("auctions.second_chance", message, lambda conn: _offer(conn, payload))


def _offer_json(o: SecondChanceOffer) -> dict[str, Any]:
    return {"offer_id": o.id, "default_id": o.default_id, "lot_id": o.lot_id, "session_id": o.session_id,
            "house_org_id": o.house_org_id, "user_id": o.user_id, "paddle": o.paddle, "amount_fen": o.amount,
            "deadline": o.deadline.isoformat(), "status": o.status}  # fmt: skip


def offer_out(o: SecondChanceOffer) -> dict[str, Any]:
    return _offer_json(o)


async def _mine(principal: Principal, offer_id: int) -> SecondChanceOffer:
    offer = await SecondChanceOffer.get_or_none(id=offer_id)
    if offer is None or offer.user_id != principal.user_id:
        raise NotFound("no such offer", code="offer_not_found")
    return offer


async def my_offers(principal: Principal) -> list[SecondChanceOffer]:
    return list(await SecondChanceOffer.filter(user_id=principal.user_id).order_by("-id").limit(100))


async def accept(principal: Principal, offer_id: int, now: datetime | None = None) -> SecondChanceOffer:
    """The runner-up takes the lot at their last bid: a new sale, invoiced by settlement from `auctions.lot_sold`."""
    now = now or datetime.now(UTC)
    offer = await _mine(principal, offer_id)
    if offer.status == "accepted":
        return offer  # a resend
    if offer.status != "offered":
        raise Conflict("the offer is no longer open", code="offer_not_open")
    if now >= offer.deadline:
        await _expire(offer.id, now)
        raise Conflict("the offer's deadline has passed", code="offer_expired")
    async with in_transaction() as conn:
        moved = (
            await SecondChanceOffer.filter(id=offer.id, status="offered")
            .using_db(conn)
            .update(status="accepted", decided_at=now)
        )
        if moved != 1:
            raise Conflict("the offer is no longer open", code="offer_not_open")
        lot = await Lot.filter(id=offer.lot_id).using_db(conn).get()
        session = await AuctionSession.filter(id=offer.session_id).using_db(conn).get()
        facts = await vehicles.facts_of(conn, lot.vehicle_id)
        await record_event(
            conn, "auctions.lot_sold", {**_resale_payload(lot, session, offer, now), **titles(session, facts)}
        )
    return await SecondChanceOffer.get(id=offer.id)


def _resale_payload(lot: Lot, session: AuctionSession, o: SecondChanceOffer, at: datetime) -> dict[str, Any]:
    # The same figures as a hammer's sale event (closing._sold_payload), for the new buyer at their last bid.
    return {
        "lot_id": lot.id, "price": o.amount, "seq": None,
        "session_id": session.id, "session_starts_at": session.starts_at.isoformat(),
        "house_org_id": session.house_org_id, "seller_org_id": lot.seller_org_id, "vehicle_id": lot.vehicle_id,
        "buyer_user_id": o.user_id, "buyer_org_id": o.org_id, "buyer_paddle": o.paddle,
        "hammer_fen": o.amount, "buyer_premium_fen": premium_of(session.terms).premium(o.amount),
        "premium_terms": [[b["start"], b["percent_bp"], b.get("fixed", 0)] for b in session.terms["premium"]],
        "deposit_fen": 0, "currency": "CNY", "sold_at": at.isoformat(), "via": "second_chance",
        "second_chance_offer_id": o.id, "resale_of_default_id": o.default_id,
    }  # fmt: skip


async def decline(principal: Principal, offer_id: int, now: datetime | None = None) -> SecondChanceOffer:
    offer = await _mine(principal, offer_id)
    moved = await SecondChanceOffer.filter(id=offer.id, status="offered").update(
        status="declined", decided_at=now or datetime.now(UTC)
    )
    if moved != 1 and offer.status != "declined":
        raise Conflict("the offer is no longer open", code="offer_not_open")
    return await SecondChanceOffer.get(id=offer.id)


async def _expire(offer_id: int, now: datetime) -> bool:
    async with in_transaction() as conn:
        moved = (
            await SecondChanceOffer.filter(id=offer_id, status="offered", deadline__lte=now)
            .using_db(conn)
            .update(status="expired", decided_at=now)
        )
        if moved == 1:
            offer = await SecondChanceOffer.filter(id=offer_id).using_db(conn).get()
            await record_event(conn, EXPIRED, _offer_json(offer))
    return moved == 1


async def expire_due(now: datetime) -> int:
    offered = SecondChanceOffer.filter(status="offered", deadline__lte=now)
    due: list[Any] = await offered.limit(100).values_list("id", flat=True)
    return sum([await _expire(int(i), now) for i in due])
