"""The platform's own activity, from the events auctions and settlement publish, into the statistics' facts.

Stats reads no other package's tables: each event carries what a fact needs (docs/statistics.md, "Platform
facts"). `consume_once` records the event in the same transaction as the fact, and the facts' unique
(house, key) catches a second delivery anyway.

- `auctions.lot_sold` → a sale fact `lot:{lot_id}` (a hammer at or above reserve, an accepted conditional sale,
  a buy-now: the only sales auctions publish under this topic). A later sale of the same lot (a higher event
  sequence: a re-sale after a default) replaces the fact, so a lot counts once.
- `auctions.session_held` → a session fact `session:{id}`, online when it was run online (a hybrid session run
  by an auctioneer counts as on-site).
- `settlement.sale_cancelled` (default, unwound dispute) → the sale leaves the figures.
- `settlement.transfer_recorded` → the sale's registration transfer outcome (until then "unknown").

Fixed-price listing sales (`listing.sale_recorded`) are not auction sales: stats does not subscribe to them, and
settlement's events about them (source "listing") are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.outbox.events import consume_once
from marketplace.ports.jobs.base import RetryJob
from marketplace.stats.domain.facts import ENERGY_TYPES, TRANSFERS
from marketplace.stats.models import PlatformSaleNote, ReportingHouse, SaleFact, SessionFact

log = logging.getLogger("marketplace.stats")

CONSUMER = "stats.platform"
LOT_SOLD = "auctions.lot_sold"
SESSION_HELD = "auctions.session_held"
SALE_CANCELLED = "settlement.sale_cancelled"
TRANSFER_RECORDED = "settlement.transfer_recorded"


def sale_key(lot_id: Any) -> str:
    return f"lot:{int(lot_id)}"


def session_key(session_id: Any) -> str:
    return f"session:{int(session_id)}"


async def platform_house(conn: BaseDBAsyncClient, org_id: int, name: str) -> ReportingHouse:
    """The reporting house of an organisation on the platform, created (or linked by name) on first use.

    A house that reported by file before it joined keeps its history: a house of the same name with no
    organisation is linked to it. A name already taken by another organisation gets the organisation id added.
    Two sales of a new house arrive in parallel jobs: the insert skips a conflict instead of failing (a failed
    statement would abort the job's transaction), and the house is read again, as the other job made it.
    """
    name = (name or f"house {org_id}")[:180]
    for _ in range(3):
        house = await ReportingHouse.filter(organisation_id=org_id).using_db(conn).first()
        if house is not None:
            return house
        same = await ReportingHouse.filter(name=name).using_db(conn).first()
        if same is not None and same.organisation_id is None:
            await ReportingHouse.filter(id=same.id, organisation_id=None).using_db(conn).update(organisation_id=org_id)
            continue
        wanted = name if same is None else f"{name} ({org_id})"
        await ReportingHouse.bulk_create(
            [ReportingHouse(name=wanted, organisation_id=org_id)], ignore_conflicts=True, using_db=conn
        )
    house = await ReportingHouse.filter(organisation_id=org_id).using_db(conn).first()
    if house is None:
        raise RetryJob(defer=1.0)  # the names kept moving under it: try the whole event again shortly
    return house


def _energy(value: Any) -> str:
    text = str(value or "").upper()
    # An event from before auctions carried the energy type (or a vehicle without one): counted as ICE, the
    # commonest type, rather than dropped from the units and turnover.
    return text if text in ENERGY_TYPES else "ICE"


def _when(value: Any) -> datetime:
    at = datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        raise ValueError("sold_at must carry its time zone")
    return at


async def _lot_sold(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    hammer = int(p["hammer_fen"])
    if hammer <= 0:
        log.error("lot %s sold at %s fen: not a sale the statistics can count", p.get("lot_id"), hammer)
        return
    house = await platform_house(conn, int(p["house_org_id"]), str(p.get("house_name") or ""))
    key = sale_key(p["lot_id"])
    seq = int(p.get("seq") or 0)
    values: dict[str, Any] = {
        "session_key": session_key(p["session_id"]),
        "sold_at": _when(p["sold_at"]),
        "hammer_fen": hammer,
        "make": str(p.get("make") or "")[:200],
        "make_en": str(p.get("make_en") or "")[:200],
        "energy": _energy(p.get("energy_type")),
        "seller_province": str(p.get("seller_province") or "")[:200],
        "seller_city": str(p.get("seller_city") or "")[:200],
        "event_seq": seq,
    }
    existing = await SaleFact.filter(house_id=house.id, sale_key=key).using_db(conn).first()
    if existing is not None and existing.source != "platform":
        # The house's own file used the platform's key for one of its rows: keep both apart, never overwrite.
        log.error("house %s imported a row keyed %s: the platform sale is not recorded over it", house.id, key)
        return
    if existing is not None:
        if seq <= existing.event_seq:
            return  # the same sale again (or an older one): it counts once
        # A re-sale of the lot (after a default): the new sale is the lot's fact, its transfer not yet known.
        await (
            SaleFact.filter(id=existing.id)
            .using_db(conn)
            .update(**values, undone=False, transfer="unknown", buyer_province="", buyer_city="")
        )
        return
    note = await PlatformSaleNote.filter(house_org_id=int(p["house_org_id"]), sale_key=key).using_db(conn).first()
    await SaleFact.create(
        house_id=house.id, sale_key=key, source="platform", submission=None, **values,
        undone=note.undone if note else False, transfer=note.transfer if note else "unknown",
        buyer_province=note.buyer_province if note else "", buyer_city=note.buyer_city if note else "",
        using_db=conn,
    )  # fmt: skip


async def _session_held(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    house = await platform_house(conn, int(p["house_org_id"]), str(p.get("house_name") or ""))
    declared = str(p.get("session_kind") or p.get("kind") or "onsite")
    # Online share: a session run online is online whatever it was announced as; hybrid otherwise is on-site.
    kind = "online" if p.get("session_run_online") or declared == "online" else declared
    if kind not in ("online", "onsite", "hybrid"):
        kind = "onsite"
    key = session_key(p["session_id"])
    held_on = date.fromisoformat(str(p["held_on"]))
    updated = (
        await SessionFact.filter(house_id=house.id, session_key=key).using_db(conn).update(kind=kind, held_on=held_on)
    )
    if not updated:
        await SessionFact.create(house_id=house.id, session_key=key, kind=kind, held_on=held_on, source="platform",
                                 submission=None, using_db=conn)  # fmt: skip


async def _note(conn: BaseDBAsyncClient, p: dict[str, Any], **changes: Any) -> None:
    """Apply settlement's word to the sale fact, or keep it until the fact arrives."""
    org = int(p["house_org_id"])
    key = sale_key(p.get("lot_id") or p["source_ref"])
    house = await ReportingHouse.filter(organisation_id=org).using_db(conn).first()
    if house is not None:
        done = (
            await SaleFact.filter(house_id=house.id, sale_key=key, source="platform").using_db(conn).update(**changes)
        )
        if done:
            return
    updated = await PlatformSaleNote.filter(house_org_id=org, sale_key=key).using_db(conn).update(**changes)
    if not updated:
        await PlatformSaleNote.create(house_org_id=org, sale_key=key, **changes, using_db=conn)


async def _sale_cancelled(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    if str(p.get("source") or "auction") != "auction":
        return  # a fixed-price listing's sale was never in the auction figures
    await _note(conn, p, undone=True)


async def _transfer_recorded(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    if str(p.get("source") or "auction") != "auction":
        return
    outcome = str(p["outcome"])
    if outcome not in TRANSFERS or outcome == "unknown":
        raise ValueError(f"transfer outcome {outcome!r}")
    await _note(conn, p, transfer=outcome, buyer_province=str(p.get("province") or "")[:200],
                buyer_city=str(p.get("city") or "")[:200])  # fmt: skip


HANDLERS: dict[str, Callable[[BaseDBAsyncClient, dict[str, Any]], Awaitable[None]]] = {
    LOT_SOLD: _lot_sold,
    SESSION_HELD: _session_held,
    SALE_CANCELLED: _sale_cancelled,
    TRANSFER_RECORDED: _transfer_recorded,
}


async def consume(message: dict[str, Any]) -> bool:
    """Record one event's fact exactly once; False when it had been recorded already."""
    handler = HANDLERS[str(message["topic"])]
    payload = dict(message["payload"])
    return await consume_once(CONSUMER, message, lambda conn: handler(conn, payload))
