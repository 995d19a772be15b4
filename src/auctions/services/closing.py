"""What a lot's close writes in its transaction, beside the lot's own change (services/bidding.py): the sale
record, the vehicle released, the events settlement and the statistics consume (`auctions.lot_sold`,
`auctions.lot_passed`), and `auctions.session_held` once the session's last lot is closed."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from auctions.domain import lot as engine
from auctions.domain.terms import mode_of, premium_of
from auctions.models import AuctionSession, Lot, Registration, SaleRecord
from listings import vehicles
from marketplace.accounts.models import Organisation
from marketplace.outbox.events import record_event

CST = timezone(timedelta(hours=8))  # sessions are dated by their Beijing calendar day


async def sold(conn: BaseDBAsyncClient, lot: Lot, session: AuctionSession, event: dict[str, Any], seq: int,
               received: Any) -> None:  # fmt: skip
    sale, reg = await _sale_record(conn, lot, session, event, received)
    await vehicles.release(conn, lot.vehicle_id, "lot", lot.id)
    facts = await vehicles.facts_of(conn, lot.vehicle_id)
    payload = {**_sold_payload(lot, session, sale, reg, seq), **await _statistics_fields(conn, facts, session),
               **titles(session, facts)}  # fmt: skip
    await record_event(conn, "auctions.lot_sold", payload)
    await _held_if_last(conn, session)


async def passed(conn: BaseDBAsyncClient, lot: Lot, session: AuctionSession, seq: int) -> None:
    await vehicles.release(conn, lot.vehicle_id, "lot", lot.id)
    await record_event(conn, "auctions.lot_passed", {"lot_id": lot.id, "seq": seq})
    await _held_if_last(conn, session)


def _sold_payload(
    lot: Lot, session: AuctionSession, sale: SaleRecord, reg: Registration | None, seq: int
) -> dict[str, Any]:
    # Every figure settlement needs to invoice the sale without reading auctions' tables (docs/settlement.md).
    deposit = reg.deposit_amount if reg is not None and reg.deposit_status == "confirmed" else 0
    return {
        "lot_id": lot.id, "price": sale.hammer_price, "seq": seq,
        "session_id": session.id, "session_starts_at": session.starts_at.isoformat(),
        "house_org_id": session.house_org_id, "seller_org_id": lot.seller_org_id, "vehicle_id": lot.vehicle_id,
        "buyer_user_id": sale.buyer_user_id, "buyer_org_id": sale.buyer_org_id, "buyer_paddle": sale.buyer_paddle,
        "hammer_fen": sale.hammer_price, "buyer_premium_fen": sale.buyer_premium,
        "premium_terms": [[b["start"], b["percent_bp"], b.get("fixed", 0)] for b in session.terms["premium"]],
        "deposit_fen": deposit, "currency": "CNY", "sold_at": sale.sold_at.isoformat(), "via": sale.via,
    }  # fmt: skip


async def _house_name(conn: BaseDBAsyncClient, org_id: int) -> str:
    names = await Organisation.filter(id=org_id).using_db(conn).values_list("name", flat=True)
    return str(names[0]) if names else ""


def _session_kind(session: AuctionSession) -> dict[str, Any]:
    # A hybrid session is run by an auctioneer in the room (mode "live"): the statistics count it as on-site.
    # Only a timed session is run online here, so `run_online` says which rule applied, for the record.
    return {"session_kind": session.kind, "session_run_online": mode_of(session.kind) == "timed"}


async def _statistics_fields(
    conn: BaseDBAsyncClient, facts: vehicles.VehicleFacts | None, session: AuctionSession
) -> dict[str, Any]:
    # What the association's statistics need (docs/statistics.md, "Platform facts"), read in the sale's
    # transaction from the vehicle's public face, so the figures are those of the vehicle that was sold.
    return {
        "house_name": await _house_name(conn, session.house_org_id),
        "make": facts.make if facts else "", "make_en": facts.make_en if facts else "",
        "energy_type": facts.energy_type if facts else "",
        "seller_province": facts.registration_province if facts else "",
        "seller_city": facts.registration_city if facts else "",
        **_session_kind(session),
    }  # fmt: skip


def titles(session: AuctionSession, facts: vehicles.VehicleFacts | None) -> dict[str, str]:
    """The names the 成交确认书 prints (settlement keeps them on its sale): the session's title and the lot's."""
    return {"session_title": session.title, "lot_title": facts.title if facts else ""}


async def _held_if_last(conn: BaseDBAsyncClient, session: AuctionSession) -> None:
    """When the session's last lot is sold or passed, the session has been held: `auctions.session_held`.

    The session's row is locked first (PostgreSQL; SQLite has one writer at a time), so of two lots closing at
    the same moment the second to commit sees the first closed, and exactly one of them records the event.
    """
    await AuctionSession.filter(id=session.id).select_for_update().using_db(conn).first()
    if await Lot.filter(session_id=session.id).exclude(status__in=list(engine.FINAL)).using_db(conn).exists():
        return
    lots = [str(s) for s in await Lot.filter(session_id=session.id).using_db(conn).values_list("status", flat=True)]
    await record_event(
        conn,
        "auctions.session_held",
        {
            "session_id": session.id, "house_org_id": session.house_org_id,
            "house_name": await _house_name(conn, session.house_org_id),
            # Sessions carry no venue: the statistics place a platform session by its house's sales.
            "province": "", "city": "",
            **_session_kind(session),
            "held_on": session.starts_at.astimezone(CST).date().isoformat(),
            "starts_at": session.starts_at.isoformat(),
            "lots": len(lots), "lots_sold": sum(1 for s in lots if s == engine.SOLD),
        },
    )  # fmt: skip


async def _sale_record(
    conn: BaseDBAsyncClient, lot: Lot, session: AuctionSession, event: dict[str, Any], at: Any
) -> tuple[SaleRecord, Registration | None]:
    paddle = str(event["buyer"])
    reg = await Registration.filter(session_id=session.id, paddle=paddle).using_db(conn).first()
    hammer = int(event["price"])
    sale = await SaleRecord.create(
        lot_id=lot.id,
        session_id=session.id,
        vehicle_id=lot.vehicle_id,
        hammer_price=hammer,
        buyer_premium=premium_of(session.terms).premium(hammer),
        buyer_paddle=paddle,
        buyer_user_id=reg.user_id if reg else None,
        buyer_org_id=reg.org_id if reg else None,
        seller_org_id=lot.seller_org_id,
        house_org_id=session.house_org_id,
        via=str(event["via"]),
        sold_at=at,
        using_db=conn,
    )
    return sale, reg
