"""Handing the vehicle over (提车): the gate pass issued once the buyer has paid in full, scanned at the yard.

Also the one place that decides who sees a sale after it was made (`visible_sale`): its house's staff, its buyer,
its seller; anyone else is told it does not exist.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound
from marketplace.outbox.events import record_event
from marketplace.settlement import holidays
from marketplace.settlement.domain import access
from marketplace.settlement.domain import handover as rules
from marketplace.settlement.models import DisputePolicy, GatePass, Invoice, Sale, Transfer
from marketplace.settlement.services import clocks
from marketplace.settlement.services.invoices import local_day, locked

log = logging.getLogger("marketplace.settlement")


@dataclass(frozen=True)
class Viewer:
    """How the caller stands to a sale (more than one may hold: a dealer's own listing sale)."""

    house: bool
    buyer: bool
    seller: bool


async def visible_sale(principal: Principal, sale_id: int, code: str = "sale_not_found") -> tuple[Sale, Viewer]:
    sale = await Sale.get_or_none(id=sale_id)
    if sale is None:
        raise NotFound("no such sale", code=code)
    viewer = Viewer(
        house=access.reads_books(principal, sale.house_org_id),
        buyer=access.is_buyer(principal, sale.buyer_user_id, sale.buyer_org_id),
        seller=access.is_seller(principal, sale.seller_org_id),
    )
    if not (viewer.house or viewer.buyer or viewer.seller):
        raise NotFound("no such sale", code=code)
    return sale, viewer


async def window_days(house_org_id: int, conn: BaseDBAsyncClient | None = None) -> int:
    q = DisputePolicy.filter(house_org_id=house_org_id)
    policy = await (q.using_db(conn) if conn is not None else q).first()
    return rules.DEFAULT_WINDOW_DAYS if policy is None else policy.window_days


# --- issuing -------------------------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(rules.GATE_ALPHABET) for _ in range(rules.GATE_CODE_LENGTH))


async def issue_if_paid(invoice_id: int, now: datetime) -> GatePass | None:
    """Issue the sale's gate pass once its invoice is paid in full (a no-op otherwise, or when issued already).
    Run by the job on `settlement.invoice_issued` (a deposit may pay everything) and `settlement.receipt_recorded`,
    so any way of recording a payment that publishes one of them issues the pass."""
    for _ in range(5):  # a code collision (1 in ~10^11 per pass) draws another code
        try:
            async with in_transaction() as conn:
                invoice = await Invoice.filter(id=invoice_id).using_db(conn).first()
                if invoice is None or invoice.status != "paid":
                    return None
                sale = await Sale.filter(id=invoice.sale_id).using_db(conn).get()
                if sale.unwound_at is not None:
                    return None
                existing = await GatePass.filter(sale_id=sale.id).using_db(conn).first()
                if existing is not None:
                    return existing
                gate = await GatePass.create(
                    sale_id=sale.id, house_org_id=sale.house_org_id, pass_code=_new_code(), issued_at=now, using_db=conn
                )
                await record_event(
                    conn, "settlement.gate_pass_issued",
                    {"sale_id": sale.id, "house_org_id": sale.house_org_id, "buyer_user_id": sale.buyer_user_id},
                )  # fmt: skip
                return gate
        except IntegrityError:
            continue  # the same code elsewhere, or a concurrent issue for this sale: look again
    raise RuntimeError("could not issue a gate pass")


async def gate_pass_for(principal: Principal, sale_id: int) -> GatePass:
    """The buyer's pass (and the house's view of it). Sellers do not see the code: it releases the vehicle."""
    sale, viewer = await visible_sale(principal, sale_id)
    if not (viewer.buyer or viewer.house):
        raise NotFound("no such sale", code="sale_not_found")
    gate = await GatePass.get_or_none(sale_id=sale.id)
    if gate is None:
        raise NotFound("the gate pass is issued when the invoice is paid in full", code="gate_pass_not_issued")
    return gate


# --- the yard ------------------------------------------------------------------------------------------------


async def scan(principal: Principal, house_org_id: int, typed: str, now: datetime) -> tuple[GatePass, Sale]:
    """The yard scans or types a code: the vehicle is handed over, once. A code that is wrong, malformed, of another
    house or of an undone sale is answered alike (404 `gate_pass_not_found`): a guess learns nothing."""
    if not access.keeps_books(principal, house_org_id):
        raise NotFound("not found")
    typed_code = rules.normalise_gate_code(typed)
    missing = NotFound("no such gate pass", code="gate_pass_not_found")
    if typed_code is None:
        raise missing
    async with in_transaction() as conn:
        gate = await GatePass.filter(pass_code=typed_code, house_org_id=house_org_id).using_db(conn).first()
        if gate is None:
            raise missing
        sale = await Sale.filter(id=gate.sale_id).using_db(conn).get()
        # Row-locked as a void or an unwind locks it: a void at the same moment either comes first (the scan then
        # finds the invoice void) or waits and finds the vehicle handed over.
        invoice = await locked(Invoice.filter(sale_id=sale.id), conn).get()
        if sale.unwound_at is not None or invoice.status != "paid":  # undone, or voided since the pass was issued
            raise missing
        if gate.handed_over_at is not None:
            raise Conflict("this vehicle was handed over already", code="gate_pass_used",
                           details=[{"handed_over_at": gate.handed_over_at.isoformat()}])  # fmt: skip
        # The first scan wins: a second one at the same moment finds handed_over_at set (PostgreSQL re-checks the
        # condition after waiting for the first one's row lock) and updates nothing.
        window = await window_days(house_org_id, conn)  # the buyer's window from now on, whatever changes later
        won = (
            await GatePass.filter(id=gate.id, handed_over_at__isnull=True)
            .using_db(conn)
            .update(handed_over_at=now, handed_over_by_user_id=principal.user_id, dispute_window_days=window)
        )
        if won != 1:
            raise Conflict("this vehicle was handed over already", code="gate_pass_used")
        gate.handed_over_at, gate.handed_over_by_user_id, gate.dispute_window_days = now, principal.user_id, window
        await clocks.collected(conn, sale.id, now)  # storage is charged up to today, then stops
        delivered_on = local_day(now)
        await Transfer.create(
            sale_id=sale.id, house_org_id=sale.house_org_id, buyer_user_id=sale.buyer_user_id, delivered_at=now,
            deadline=rules.transfer_deadline(delivered_on, holidays.china()), from_province=sale.seller_province,
            from_city=sale.seller_city, using_db=conn,
        )  # fmt: skip
        await record_event(
            conn, "settlement.vehicle_handed_over",
            {"sale_id": sale.id, "lot_id": sale.lot_id, "house_org_id": sale.house_org_id,
             "buyer_user_id": sale.buyer_user_id, "handed_over_at": now.isoformat()},
        )  # fmt: skip
    return gate, sale


# --- for the documents (PDF) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GatePassDocument:
    """Every figure the gate pass (提车单) shows. The caller checks who may see it (`gate_pass_for`)."""

    sale_id: int
    house_org_id: int
    pass_code: str
    issued_at: datetime
    handed_over_at: datetime | None
    source: str
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    buyer_user_id: int
    buyer_org_id: int | None
    invoice_number: str
    currency: str
    total_fen: int
    paid_fen: int


async def gate_pass_document(sale_id: int) -> GatePassDocument | None:
    gate = await GatePass.get_or_none(sale_id=sale_id)
    if gate is None:
        return None
    sale = await Sale.get(id=sale_id)
    invoice = await Invoice.get(sale_id=sale_id)
    return GatePassDocument(
        sale_id=sale.id, house_org_id=sale.house_org_id, pass_code=gate.pass_code, issued_at=gate.issued_at,
        handed_over_at=gate.handed_over_at, source=sale.source, lot_id=sale.lot_id, listing_id=sale.listing_id,
        vehicle_id=sale.vehicle_id, buyer_user_id=sale.buyer_user_id, buyer_org_id=sale.buyer_org_id,
        invoice_number=invoice.number, currency=invoice.currency, total_fen=invoice.total_fen,
        paid_fen=invoice.paid_fen,
    )  # fmt: skip


def event_invoice_id(message: dict[str, Any]) -> int | None:
    value = dict(message.get("payload") or {}).get("invoice_id")
    return None if value is None else int(value)
