"""Disputes (争议) after delivery: the buyer opens one within the house's window with a reason and evidence photos;
the house answers rejected, a price adjustment (a partial refund through the ledger) or an unwind (a credit note,
the full refund, the vehicle returned, the sale out of the statistics). A refund is owed to the buyer as their
buyer_credit and becomes a task for the house's staff (services/refunds.py): bank money moves when they record the
transfer, not at the decision. The buyer may escalate in the seed's order:
the house, the association (whose staff then see the case and rule on it: services/mediation.py, posted through
`decide` as a house answer is), the authorities (whose outcome the house records). An open dispute pauses the sale's
clocks (`Sale.clocks_paused_since`); an answer or a ruling lets them run again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from marketplace import uploads
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, Conflict, Forbidden, NotFound
from marketplace.outbox.events import record_event
from marketplace.ports.files.base import FileStorage, StoredObject
from marketplace.settlement.domain import access, proofs
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.domain import handover as rules
from marketplace.settlement.domain import invoices as invoice_rules
from marketplace.settlement.models import (
    CreditNote,
    CreditNoteCounter,
    Dispute,
    DisputeEvidence,
    DisputePolicy,
    GatePass,
    Invoice,
    Sale,
    Transfer,
)
from marketplace.settlement.services import clocks, ledger, refunds
from marketplace.settlement.services.handover import visible_sale, window_days
from marketplace.settlement.services.invoices import local_day, locked, next_number
from marketplace.settlement.services.ledger import Contended

MAX_EVIDENCE = 20
CANCELLED_TOPIC = "settlement.sale_cancelled"


def _refused(exc: rules.DisputeError) -> Conflict:
    return Conflict(str(exc), code=exc.code)


async def set_window(principal: Principal, house_org_id: int, days: int, now: datetime) -> DisputePolicy:
    if not access.sets_fees(principal, house_org_id):
        if access.reads_books(principal, house_org_id):
            raise Forbidden("only the house's administrators set the dispute window", code="insufficient_role")
        raise NotFound("not found")

    async def work(conn: BaseDBAsyncClient) -> DisputePolicy:
        row = await DisputePolicy.filter(house_org_id=house_org_id).using_db(conn).first()
        if row is None:
            return await DisputePolicy.create(
                house_org_id=house_org_id, window_days=days, updated_by_user_id=principal.user_id, updated_at=now,
                using_db=conn,
            )  # fmt: skip
        await (
            DisputePolicy.filter(id=row.id)
            .using_db(conn)
            .update(window_days=days, updated_by_user_id=principal.user_id, updated_at=now)
        )
        return await DisputePolicy.filter(id=row.id).using_db(conn).get()

    return await ledger.retrying(work)


def _step(by: int, action: str, level: str, now: datetime, **extra: Any) -> dict[str, Any]:
    return {"at": now.isoformat(), "by": by, "action": action, "level": level, **extra}


async def open_dispute(principal: Principal, sale_id: int, reason: rules.Reason, description: str,
                       now: datetime) -> Dispute:  # fmt: skip
    sale, viewer = await visible_sale(principal, sale_id)
    if not viewer.buyer:
        raise Forbidden("the buyer opens a dispute", code="not_the_buyer")

    async def work(conn: BaseDBAsyncClient) -> Dispute:
        current = await Sale.filter(id=sale.id).using_db(conn).get()
        if current.unwound_at is not None:
            raise Conflict("the sale was unwound", code="sale_unwound")
        if await Dispute.filter(sale_id=sale.id).using_db(conn).exists():
            raise Conflict("this sale has a dispute already: escalate it instead", code="dispute_exists")
        gate = await GatePass.filter(sale_id=sale.id).using_db(conn).first()
        try:
            window = rules.window_of(gate.dispute_window_days if gate else None,
                                     await window_days(sale.house_org_id, conn))  # fmt: skip
            rules.may_open_dispute(gate.handed_over_at if gate else None, window, now)
        except rules.DisputeError as exc:
            raise _refused(exc) from None
        dispute = await Dispute.create(
            sale_id=sale.id, house_org_id=sale.house_org_id, buyer_user_id=sale.buyer_user_id,
            seller_org_id=sale.seller_org_id, reason=reason.value, description=description, opened_at=now,
            history=[_step(principal.user_id, "opened", "house", now, reason=reason.value)], using_db=conn,
        )  # fmt: skip
        await _pause(conn, current, now)
        await record_event(conn, "settlement.dispute_opened",
                           {"dispute_id": dispute.id, "sale_id": sale.id, "house_org_id": sale.house_org_id,
                            "reason": reason.value})  # fmt: skip
        return dispute

    return await ledger.retrying(work)


async def _pause(conn: BaseDBAsyncClient, sale: Sale, now: datetime) -> None:
    await clocks.pause(conn, sale.id, now)


async def _resume(conn: BaseDBAsyncClient, sale: Sale, now: datetime) -> None:
    # The deadlines move later by the working days the dispute lasted (services/clocks.py).
    await clocks.resume(conn, sale.id, now)


# --- who sees a dispute --------------------------------------------------------------------------------------


async def visible_dispute(principal: Principal, dispute_id: int) -> tuple[Dispute, bool, bool]:
    """The dispute with (the caller keeps the house's books, the caller is its buyer). Its house's staff, its buyer
    and its seller see it; association staff only once it was escalated to them or beyond; others 404."""
    d = await Dispute.get_or_none(id=dispute_id)
    missing = NotFound("no such dispute", code="dispute_not_found")
    if d is None:
        raise missing
    sale = await Sale.get(id=d.sale_id)
    house = access.reads_books(principal, d.house_org_id)
    buyer = access.is_buyer(principal, sale.buyer_user_id, sale.buyer_org_id)
    seller = access.is_seller(principal, d.seller_org_id)
    association = access.is_association_staff(principal) and d.level != rules.Level.HOUSE
    if not (house or buyer or seller or association):
        raise missing
    return d, access.keeps_books(principal, d.house_org_id), buyer


async def sale_dispute(principal: Principal, sale_id: int) -> Dispute:
    """The sale's dispute, for those who see the sale (its buyer, seller and house); 404 when it has none."""
    sale, _ = await visible_sale(principal, sale_id)
    d = await Dispute.get_or_none(sale_id=sale.id)
    if d is None:
        raise NotFound("no such dispute", code="dispute_not_found")
    return d


async def house_disputes(principal: Principal, house_org_id: int, status: str | None) -> list[Dispute]:
    if not access.reads_books(principal, house_org_id):
        raise NotFound("not found")
    q = Dispute.filter(house_org_id=house_org_id)
    if status:
        q = q.filter(status=status)
    return await q.order_by("-opened_at", "-id").limit(500)


async def escalated_disputes(principal: Principal) -> list[Dispute]:
    """The association's list: escalated cases only, of every house."""
    if not (access.is_association_staff(principal) or principal.is_platform_admin):
        raise NotFound("not found")
    return (
        await Dispute.filter(Q(level=rules.Level.ASSOCIATION) | Q(level=rules.Level.AUTHORITIES))
        .order_by("-opened_at", "-id")
        .limit(500)
    )


# --- evidence ------------------------------------------------------------------------------------------------


async def add_evidence(files: FileStorage, principal: Principal, dispute_id: int, data: bytes, content_type: str,
                       max_bytes: int) -> DisputeEvidence:  # fmt: skip
    d, _, buyer = await visible_dispute(principal, dispute_id)
    if not buyer:
        raise Forbidden("the buyer sends the evidence", code="not_the_buyer")
    try:
        ctype = proofs.check_file(data, content_type, proofs.IMAGE_TYPES, max_bytes)
    except proofs.ProofError as exc:
        status = {"payload_too_large": 413, "unsupported_media_type": 415}.get(exc.code, 422)
        raise ApiError(str(exc), code=exc.code, status=status) from None
    # Stored as decoded and encoded again: the signature alone let any bytes through, and the house and the
    # seller would download the buyer's GPS position with the photo.
    data = await uploads.cleaned_photo(data, ctype, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    key = f"disputes/{d.id}/{digest}.{proofs.IMAGE_TYPES[ctype]}"

    async def work(conn: BaseDBAsyncClient) -> DisputeEvidence:
        # The dispute's row locked first (PostgreSQL; SQLite has one writer): uploads to one dispute take turns, so
        # the count below is the count when the photo is added. Unlocked, two uploads both counted 19 and the
        # dispute ended with 21 photos.
        cur = await Dispute.filter(id=d.id).select_for_update().using_db(conn).get()
        if cur.status != "open":
            raise Conflict("evidence is sent while the dispute is open", code="dispute_not_open")
        existing = await DisputeEvidence.filter(dispute_id=d.id, sha256=digest).using_db(conn).first()
        if existing is not None:
            return existing
        if await DisputeEvidence.filter(dispute_id=d.id).using_db(conn).count() >= MAX_EVIDENCE:
            raise Conflict(f"a dispute has at most {MAX_EVIDENCE} photos", code="too_many_photos")
        await files.save(key, data, ctype)  # content-addressed: a transaction rolled back leaves a harmless orphan
        return await DisputeEvidence.create(dispute_id=d.id, key=key, content_type=ctype, size_bytes=len(data),
                                            sha256=digest, uploaded_by_user_id=principal.user_id,
                                            using_db=conn)  # fmt: skip

    # The same photo sent twice at once meets on (dispute, sha256): the loser runs again and finds the first.
    return await ledger.retrying(work)


async def load_evidence(files: FileStorage, principal: Principal, dispute_id: int, evidence_id: int) -> StoredObject:
    d, _, _ = await visible_dispute(principal, dispute_id)
    row = await DisputeEvidence.get_or_none(id=evidence_id, dispute_id=d.id)
    stored = await files.load(row.key) if row is not None else None
    if stored is None:
        raise NotFound("no such photo", code="evidence_not_found")
    return stored


# --- the house's answer, and escalation -------------------------------------------------------------------------


async def answer(principal: Principal, dispute_id: int, what: rules.Answer, note: str, refund_fen: int | None,
                 now: datetime) -> Dispute:  # fmt: skip
    """The house's administrators answer (money may move) at the house's level and, recording the outcome, at the
    authorities'; never while the case is the association's. Each answer is a new step; the clocks run again."""
    d, _, _ = await visible_dispute(principal, dispute_id)
    if not access.sets_fees(principal, d.house_org_id):
        # Visible but not theirs to answer (staff, buyer, seller, association): 403, not 404.
        raise Forbidden("the house's administrators answer a dispute", code="insufficient_role")
    return await decide(principal, d.id, rules.Decider.HOUSE, what, note, refund_fen, now)


Then = Callable[[BaseDBAsyncClient, Dispute, dict[str, Any]], Awaitable[None]]


async def decide(principal: Principal, dispute_id: int, decider: rules.Decider, what: rules.Answer, note: str,
                 refund_fen: int | None, now: datetime, then: Then | None = None) -> Dispute:  # fmt: skip
    """Post a decision in the house's books, whoever made it: the house's answer and the association's ruling move
    the same money with the same legs. The caller has checked who `principal` is; the rules check the level.
    `then` runs in the same transaction with the case as it was and the step recorded (the ruling's notices)."""
    action = "answered" if decider is rules.Decider.HOUSE else "ruled"
    if what is rules.Answer.UNWIND and refund_fen is not None:
        # An unwind refunds everything paid; an amount beside it is a client's mistake (it meant an adjustment?),
        # refused rather than ignored.
        raise ApiError("an unwind refunds all that was paid: it names no refund_fen", code="invalid_refund", status=422)

    async def work(conn: BaseDBAsyncClient) -> Dispute:
        cur = await Dispute.filter(id=dispute_id).using_db(conn).get()
        try:
            rules.may_decide(decider, rules.Level(cur.level), cur.status)
        except rules.DisputeError as exc:
            raise _refused(exc) from None
        sale = await Sale.filter(id=cur.sale_id).using_db(conn).get()
        invoice = await locked(Invoice.filter(sale_id=sale.id), conn).get()
        own = sale.seller_org_id == sale.house_org_id
        refunded = cur.refunded_fen
        step = _step(principal.user_id, action, cur.level, now, answer=what.value, note=note)
        if what is rules.Answer.PRICE_ADJUSTMENT:
            if refund_fen is None:
                raise ApiError("a price adjustment names refund_fen", code="invalid_refund", status=422)
            try:
                rules.check_refund(refund_fen, invoice.paid_fen, refunded)
            except rules.DisputeError as exc:
                raise _refused(exc) from None
            # The house's answers are keyed by their step; the association rules once per case (its level is
            # visited once), so its key names the ruling itself and a retried ruling finds it posted.
            key = (f"dispute:{cur.id}:adjust:{len(cur.history)}" if decider is rules.Decider.HOUSE
                   else f"dispute:{cur.id}:ruling:{cur.level}")  # fmt: skip
            await ledger.post(
                conn, sale.house_org_id, key, "price_adjustment",
                rules.adjustment_legs(sale.buyer_user_id, sale.seller_org_id, own, refund_fen, sale.currency), now,
                memo=f"price adjustment, dispute {cur.id}" + (" (association ruling)" if action == "ruled" else ""),
            )  # fmt: skip
            await refunds.open_task(conn, sale.house_org_id, sale.buyer_user_id, refund_fen, sale.currency,
                                    "adjustment", key, dispute_id=cur.id, sale_id=sale.id)  # fmt: skip
            refunded += refund_fen
            step["refund_fen"] = refund_fen
        elif what is rules.Answer.UNWIND:
            step["refund_fen"] = invoice.paid_fen - refunded
            await _unwind(conn, principal, cur, sale, invoice, own, refunded, note, now)
            refunded = invoice.paid_fen
        elif refund_fen:
            raise ApiError("a rejection refunds nothing", code="invalid_refund", status=422)
        updated = (
            await Dispute.filter(id=cur.id, version=cur.version)
            .using_db(conn)
            .update(status="answered", answer=what.value, answer_note=note, answered_at=now, refunded_fen=refunded,
                    history=[*cur.history, step], version=cur.version + 1)
        )  # fmt: skip
        if updated != 1:
            raise Contended()
        await _resume(conn, sale, now)
        await record_event(conn, f"settlement.dispute_{action}",
                           {"dispute_id": cur.id, "sale_id": sale.id, "house_org_id": sale.house_org_id,
                            "answer": what.value, "level": cur.level})  # fmt: skip
        if then is not None:
            await then(conn, cur, step)
        return await Dispute.filter(id=cur.id).using_db(conn).get()

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


async def _unwind(conn: BaseDBAsyncClient, principal: Principal, d: Dispute, sale: Sale, invoice: Invoice, own: bool,
                  refunded: int, note: str, now: datetime) -> None:  # fmt: skip
    if invoice.status == "void":
        raise Conflict("the invoice was voided already", code="invoice_void")
    year = local_day(now).year
    seq = await next_number(conn, sale.house_org_id, year, CreditNoteCounter)
    cn = await CreditNote.create(
        house_org_id=sale.house_org_id, number=f"CN-{invoice_rules.number(year, sale.house_org_id, seq)}", year=year,
        seq=seq, invoice_id=invoice.id, amount_fen=invoice.total_fen, reason=f"dispute {d.id} unwound: {note}"[:200],
        issued_by_user_id=principal.user_id, issued_at=now, using_db=conn,
    )  # fmt: skip
    est = fee_rules.estimate(fee_rules.stored_rules(sale.rules), sale.hammer_fen)
    legs = rules.unwind_legs(est, sale.buyer_user_id, sale.seller_org_id, own, invoice.paid_fen, refunded)
    if legs:
        await ledger.post(conn, sale.house_org_id, f"unwind:{sale.id}", "sale_unwound", legs, now,
                          memo=f"credit note {cn.number}, dispute {d.id}")  # fmt: skip
    if invoice.paid_fen > refunded:
        await refunds.open_task(
            conn, sale.house_org_id, sale.buyer_user_id, invoice.paid_fen - refunded, sale.currency, "unwind",
            f"unwind:{sale.id}", dispute_id=d.id, sale_id=sale.id,
        )  # fmt: skip
    done = (
        await Invoice.filter(id=invoice.id, version=invoice.version)
        .using_db(conn)
        .update(status="void", version=invoice.version + 1)
    )
    if done != 1:
        raise Contended()
    await Sale.filter(id=sale.id).using_db(conn).update(unwound_at=now)
    await Transfer.filter(sale_id=sale.id).using_db(conn).exclude(status="done").update(status="cancelled")
    await record_event(
        conn, CANCELLED_TOPIC,
        {"source": sale.source, "source_ref": sale.source_ref, "sale_id": sale.id, "lot_id": sale.lot_id,
         "house_org_id": sale.house_org_id, "reason": "unwound"},
    )  # fmt: skip


async def escalate(principal: Principal, dispute_id: int, note: str, now: datetime) -> Dispute:
    """The buyer takes an answered dispute one level up: the house → the association → the authorities."""
    d, _, buyer = await visible_dispute(principal, dispute_id)
    if not buyer:
        raise Forbidden("the buyer escalates a dispute", code="not_the_buyer")

    async def work(conn: BaseDBAsyncClient) -> Dispute:
        cur = await Dispute.filter(id=d.id).using_db(conn).get()
        if cur.status != "answered":
            raise Conflict("a dispute is escalated after the answer", code="dispute_not_answered")
        if cur.answer == rules.Answer.UNWIND:
            raise Conflict("the sale was unwound: nothing is left to decide", code="sale_unwound")
        nxt = rules.NEXT_LEVEL.get(rules.Level(cur.level))
        if nxt is None:
            raise Conflict("the dispute is with the authorities already", code="dispute_at_top_level")
        updated = (
            await Dispute.filter(id=cur.id, version=cur.version)
            .using_db(conn)
            .update(status="open", level=nxt.value, history=[*cur.history, _step(principal.user_id, "escalated",
                    nxt.value, now, note=note)], version=cur.version + 1)
        )  # fmt: skip
        if updated != 1:
            raise Contended()
        await _pause(conn, await Sale.filter(id=cur.sale_id).using_db(conn).get(), now)
        await record_event(conn, "settlement.dispute_escalated",
                           {"dispute_id": cur.id, "sale_id": cur.sale_id, "house_org_id": cur.house_org_id,
                            "level": nxt.value})  # fmt: skip
        return await Dispute.filter(id=cur.id).using_db(conn).get()

    return await ledger.retrying(work)
