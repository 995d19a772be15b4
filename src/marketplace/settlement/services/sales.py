"""Consumers of the sale events auctions and listings publish: each sale becomes an invoice and postings once.

The events carry every figure settlement needs (see docs/settlement.md, "Events consumed"); nothing is read
back from the auctions or listings tables. `consume_once` records the event in the same transaction as the
work, and the sale's unique (source, ref) and the postings' business keys catch a second delivery anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from marketplace.outbox.events import consume_once
from marketplace.settlement.models import Sale
from marketplace.settlement.services import defaults, fees, invoices
from marketplace.settlement.services.ledger import ATTEMPTS, Contended

log = logging.getLogger("marketplace.settlement")

LOT_SOLD = "auctions.lot_sold"
LISTING_SOLD = "listing.sale_recorded"


def _when(value: Any) -> datetime:
    at = datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        raise ValueError("sold_at must carry its time zone")
    return at


def _opt(value: Any) -> int | None:
    return None if value is None else int(value)


def _titles(p: dict[str, Any]) -> dict[str, str]:
    """The session's and the lot's titles, if the event carries them (older events do not: empty)."""
    return {key: " ".join(str(p.get(key) or "").split())[:200] for key in ("session_title", "lot_title")}


def _place(p: dict[str, Any]) -> dict[str, str]:
    """Where the vehicle was registered when sold, if the event says (optional keys: older events lack them)."""
    out = {}
    for key, size in (("seller_province", 20), ("seller_city", 30)):
        value = p.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = value.strip()[:size]
    return out


def lot_fields(p: dict[str, Any]) -> dict[str, Any]:
    """The sale row an `auctions.lot_sold` event makes. A second-chance sale re-sells a defaulted lot: a sale of
    its own (keyed by the offer), which closes the default's forfeiture waterfall with its hammer price."""
    source, ref = ("auction", int(p["lot_id"]))
    if p.get("resale_of_default_id") is not None:
        source, ref = "resale", int(p["second_chance_offer_id"])
    return {
        "source": source, "source_ref": ref, "house_org_id": int(p["house_org_id"]),
        "seller_org_id": int(p["seller_org_id"]), "buyer_user_id": int(p["buyer_user_id"]),
        "buyer_org_id": _opt(p.get("buyer_org_id")), "session_id": int(p["session_id"]), "lot_id": int(p["lot_id"]),
        "vehicle_id": _opt(p.get("vehicle_id")), "hammer_fen": int(p["hammer_fen"]),
        "reported_premium_fen": _opt(p.get("buyer_premium_fen")), "deposit_fen": int(p.get("deposit_fen") or 0),
        "paddle": str(p.get("buyer_paddle") or "")[:20],
        "currency": str(p.get("currency") or "CNY"), "sold_at": _when(p["sold_at"]), **_place(p), **_titles(p),
    }  # fmt: skip


async def _settle_lot(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    if p.get("buyer_user_id") is None:
        log.error("lot %s sold without a registered buyer: not invoiced", p.get("lot_id"))
        return
    sold_at = _when(p["sold_at"])
    session_id = int(p["session_id"])
    house = int(p["house_org_id"])
    # Sessions published before pins existed are pinned on their first sale, by the version in force at the
    # session's start (published sessions start at or after their publication).
    pin = await fees.pin_session(conn, session_id, house, p.get("premium_terms"), _when(p["session_starts_at"]))
    rules_used, schedule = await fees.rules_for_session(conn, pin)
    resale_of = _opt(p.get("resale_of_default_id"))
    invoice = await invoices.record_sale(conn, lot_fields(p), rules_used, schedule.id if schedule else None)
    if resale_of is not None and invoice is not None:
        await defaults.close_in(conn, resale_of, invoice.sale_id, int(p["hammer_fen"]), sold_at)


async def _settle_listing(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    sold_at = _when(p["sold_at"])
    books = int(p.get("house_org_id") or p["seller_org_id"])
    rules_used, schedule = await fees.rules_for_house(books, sold_at, own_stock=books == int(p["seller_org_id"]))
    await invoices.record_sale(
        conn,
        {
            "source": "listing", "source_ref": int(p["sale_id"]), "house_org_id": books,
            "seller_org_id": int(p["seller_org_id"]), "buyer_user_id": int(p["buyer_user_id"]),
            "buyer_org_id": _opt(p.get("buyer_org_id")), "listing_id": int(p["listing_id"]),
            "vehicle_id": _opt(p.get("vehicle_id")), "hammer_fen": int(p["price_fen"]),
            "currency": str(p.get("currency") or "CNY"), "sold_at": sold_at, **_place(p),
        },
        rules_used,
        schedule.id if schedule else None,
    )  # fmt: skip


HANDLERS = {LOT_SOLD: _settle_lot, LISTING_SOLD: _settle_listing}


async def consume(message: dict[str, Any]) -> bool:
    """Settle one sale event exactly once; a lost race (counter, account, business key) is tried again."""
    handler = HANDLERS[str(message["topic"])]
    payload = dict(message["payload"])
    for attempt in range(ATTEMPTS):
        try:
            return await consume_once("settlement.sales", message, lambda conn: handler(conn, payload))
        except (Contended, IntegrityError):
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# --- read by other packages (export links an order's vehicle to a sale its dealer won) ----------------------


@dataclass(frozen=True)
class WonSale:
    sale_id: int
    vehicle_id: int | None
    currency: str
    sold_at: datetime


async def won_sale(sale_id: int, buyer_org_id: int) -> WonSale | None:
    """A sale settlement recorded with this organisation as its buyer; None if there is none (or another won it:
    the caller answers as if absent). One query."""
    sale = await Sale.get_or_none(id=sale_id, buyer_org_id=buyer_org_id)
    if sale is None:
        return None
    return WonSale(sale.id, None if sale.vehicle_id is None else int(sale.vehicle_id), sale.currency, sale.sold_at)
