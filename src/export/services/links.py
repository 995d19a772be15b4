"""The consignee's link: a secret token (only its SHA-256 is stored) opening a read-only English view of one
order — its vehicles' status, the papers addressed to the consignee, the ETA. Revoking ends it at once; a wrong,
revoked or unknown token is a 404 like any missing page."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime
from typing import Any

from export.models import Batch, ConsigneeLink, Document, Order, OrderVehicle, Payment, StepRecord
from export.schemas import LinkOut, TrackDocument, TrackOut, TrackPayment, TrackVehicle
from export.services import access
from export.services.present import Context, eta_out
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import NotFound
from marketplace.ports.files.base import FileStorage, StoredObject
from marketplace.settlement.services import checkout

STATUS_EN = {
    "bought": "Purchased",
    "transfer_registered": "Registered for export",
    "inspected": "Inspected",
    "licensed": "Export licence issued",
    "declared": "Declared to customs",
    "loaded": "Loaded",
    "departed": "Departed",
    "arrived": "Arrived",
    "delivered": "Delivered",
    "deregistered": "Delivered",
    "vat_refund_filed": "Delivered",
    "vat_not_applicable": "Delivered",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _out(link: ConsigneeLink, token: str | None = None) -> LinkOut:
    return LinkOut(
        id=link.id, order_id=link.order_id, token=token, created_at=link.created_at, revoked_at=link.revoked_at
    )


async def create(principal: Principal, order_id: int) -> LinkOut:
    order = await access.order(principal, order_id, write=True)
    token = secrets.token_urlsafe(32)
    link = await ConsigneeLink.create(order_id=order.id, token_hash=_hash(token), created_by=principal.user_id)
    await audit("export.link_created", actor=principal.user_id, target=f"export_order:{order.id}")
    return _out(link, token)


async def list_for(principal: Principal, order_id: int) -> list[LinkOut]:
    order = await access.order(principal, order_id)
    return [_out(x) for x in await ConsigneeLink.filter(order_id=order.id).order_by("id")]


async def revoke(principal: Principal, link_id: int) -> None:
    link = await ConsigneeLink.get_or_none(id=link_id)
    if link is None:
        raise NotFound("not found")
    await access.order(principal, link.order_id, write=True)
    await ConsigneeLink.filter(id=link.id, revoked_at=None).update(revoked_at=datetime.now(UTC))
    await audit("export.link_revoked", actor=principal.user_id, target=f"export_order:{link.order_id}")


async def _order_for(token: str | None) -> Order:
    if not token or len(token) > 200:
        raise NotFound("not found")
    link = await ConsigneeLink.get_or_none(token_hash=_hash(token))
    if link is None or link.revoked_at is not None or not hmac.compare_digest(link.token_hash, _hash(token)):
        raise NotFound("not found")
    return await Order.get(id=link.order_id)


async def _documents(order: Order, vehicles: list[OrderVehicle]) -> list[Document]:
    """Papers addressed to the consignee: of this order's vehicles, and of a batch holding only its vehicles
    (a batch shared with another order's vehicles could name that order's consignee)."""
    ids = [v.id for v in vehicles]
    own = list(await Document.filter(vehicle_id__in=ids, for_consignee=True).order_by("id")) if ids else []
    batch_ids = {v.batch_id for v in vehicles if v.batch_id}
    whole = []
    for b in await Batch.filter(id__in=list(batch_ids)) if batch_ids else []:
        others = await OrderVehicle.filter(batch_id=b.id).exclude(order_id=order.id).exists()
        if not others:
            whole.append(b.id)
    shared = list(await Document.filter(batch_id__in=whole, for_consignee=True).order_by("id")) if whole else []
    return [*own, *shared]


def _arrival(eta: dict[str, Any] | None, arrived_on: date | None) -> dict[str, Any] | None:
    """The actual arrival once it stands: an ACT arrival event (its time), else the recorded arrived step (its day).

    A car whose batch was recorded as arrived (or delivered, which passes through arrived) is not "expected" any
    more, even when the forwarder sent no actual event: the consignee sees the day it arrived.
    """
    if eta is not None and eta["kind"] == "actual":
        return eta
    if arrived_on is not None:
        return {"kind": "actual", "at": f"{arrived_on.isoformat()}T00:00:00+00:00", "precision": "day"}
    return eta


def _order_eta(etas: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    # While a car is still at sea the order's line is its latest estimate; once all have arrived, the last arrival.
    pending = [e for e in etas if e and e["kind"] != "actual"]
    pool = pending or [e for e in etas if e]
    return max(pool, key=lambda e: e["at"], default=None)


async def _payment(order: Order, vehicles: list[OrderVehicle], card: checkout.Checkout | None) -> TrackPayment:
    total = sum(v.price_minor for v in vehicles)
    paid = sum(p.amount_minor for p in await Payment.filter(order_id=order.id))
    return TrackPayment(currency=order.currency, total_minor=total, paid_minor=paid, due_minor=total - paid,
                        card_status=card.status if card else None)  # fmt: skip


async def view(token: str | None) -> TrackOut:
    order = await _order_for(token)
    # The latest card checkout as recorded: no call to Stripe on every load of the consignee's page.
    return await _track(order, await checkout.recorded_order_checkout(order.id), with_documents=True)


async def view_after_checkout(session_id: str | None) -> TrackOut:
    """The page the foreign buyer lands on back from Stripe's hosted checkout (Stripe puts the session's id in our
    success URL): that order's status and its payment as Stripe has it now. The session id is as secret as the
    page Stripe showed the payer (it is in its address); the papers stay behind the consignee's own link."""
    found = await checkout.order_of_session(session_id or "")
    if found is None:
        raise NotFound("not found")
    order = await Order.get_or_none(id=found[0])
    if order is None:
        raise NotFound("not found")
    return await _track(order, found[1], with_documents=False)


async def _track(order: Order, card: checkout.Checkout | None, *, with_documents: bool) -> TrackOut:
    vehicles = list(await OrderVehicle.filter(order_id=order.id).order_by("id"))
    ctx = await Context.load(vehicles)
    arrived = {
        r.vehicle_id: r.on for r in await StepRecord.filter(vehicle_id__in=[v.id for v in vehicles], step="arrived")
    }
    etas = [_arrival(eta_out(ctx.journey(v)), arrived.get(v.id)) for v in vehicles]
    latest = _order_eta(etas)
    docs = await _documents(order, vehicles) if with_documents else []
    return TrackOut(
        order_reference=order.reference,
        consignee=order.consignee_name,
        destination_country=order.destination_country,
        incoterm=order.incoterm,
        named_place=order.named_place,
        vehicles=[
            TrackVehicle(vin=v.vin, make=v.make, model=v.model, status=STATUS_EN.get(v.step, v.step), eta=e)
            for v, e in zip(vehicles, etas, strict=True)
        ],
        documents=[TrackDocument(id=d.id, doc_type=d.doc_type, number=d.number, issued_on=d.issued_on) for d in docs],
        eta=latest,
        payment=await _payment(order, vehicles, card),
    )


async def document(files: FileStorage, token: str | None, document_id: int) -> tuple[Document, StoredObject]:
    order = await _order_for(token)
    vehicles = list(await OrderVehicle.filter(order_id=order.id))
    doc = next((d for d in await _documents(order, vehicles) if d.id == document_id), None)
    if doc is None:
        raise NotFound("not found")
    stored = await files.load(doc.key)
    if stored is None:
        raise NotFound("not found")
    return doc, stored
