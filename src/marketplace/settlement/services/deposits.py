"""Deposits (保证金): lodged, applied to a winner's invoices, refunded to the rest, never leaving twice.

Settlement learns of deposits from auctions' outbox events (`auctions.deposit_confirmed` when house staff confirm
the transfer; `auctions.session_ended` with every registration's deposit and each bidder's won lots) and keeps
the liability in the house's books (deposits_held, per bidder and session). After the session, once each of a
bidder's won lots is settled and none of their invoices of the session is still open, what is left of the
deposit becomes a refund task due `refund_working_days` working days after the session's end: house staff record
the bank reference (posting `deposit:refund:{refund}`), or, for a card hold, the Stripe port releases it.

A deposit never leaves twice: one refund row per deposit (unique `deposit_id`), the refund's state moved by
compare-and-set, its posting keyed by its id, and the deposits_held account's zero floor in the database.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound
from marketplace.outbox.events import consume_once, record_event
from marketplace.settlement import holidays
from marketplace.settlement.domain import access
from marketplace.settlement.domain import clocks as clock_rules
from marketplace.settlement.domain import invoices as rules
from marketplace.settlement.domain.ledger import Leg, credit, debit
from marketplace.settlement.models import Deposit, DepositRefund, Invoice, Sale, SessionEnd, SessionPin
from marketplace.settlement.services import fees, ledger, notices, refunds
from marketplace.settlement.services.invoices import local_day
from marketplace.settlement.services.ledger import ATTEMPTS, Contended

log = logging.getLogger("marketplace.settlement.deposits")

DEPOSIT_CONFIRMED = "auctions.deposit_confirmed"
SESSION_ENDED = "auctions.session_ended"
# A card authorisation lapses after about 7 days: capture a day before, then refund later.
CAPTURE_AFTER = timedelta(days=6)


class DepositHolds(Protocol):
    """The card rail for deposits (a Stripe manual-capture PaymentIntent). settle-bank's Stripe adapter implements
    it; `Services.deposit_holds` is None without Stripe, and the sweeper then leaves card refunds as tasks."""

    async def capture(self, intent_id: str, amount_fen: int, idempotency_key: str) -> None: ...

    async def release(self, intent_id: str, idempotency_key: str) -> None: ...  # cancel an uncaptured hold

    async def refund(self, intent_id: str, amount_fen: int, idempotency_key: str) -> None: ...


def _clearing(rail: str) -> str:
    return "stripe_clearing" if rail == "stripe" else "bank_clearing"


def lodged_legs(d: Deposit) -> list[Leg]:
    return [
        debit(_clearing(d.rail), "", d.amount_fen, d.currency),
        credit("deposits_held", rules.deposit_party(d.user_id, d.session_id), d.amount_fen, d.currency),
    ]


def refund_legs(d: Deposit, amount_fen: int) -> list[Leg]:
    return [
        debit("deposits_held", rules.deposit_party(d.user_id, d.session_id), amount_fen, d.currency),
        credit(_clearing(d.rail), "", amount_fen, d.currency),
    ]


async def held_fen(conn: BaseDBAsyncClient, house_org_id: int, user_id: int, session_id: int, currency: str) -> int:
    acc = await ledger.account(
        conn, house_org_id, "deposits_held", rules.deposit_party(user_id, session_id), currency, create=False
    )
    return 0 if acc is None else -acc.balance_fen


async def lodge(conn: BaseDBAsyncClient, fields: dict[str, Any], at: datetime) -> Deposit:
    """The deposit row and its posting (`deposit:lodged:{session}:{user}`, the key a sale's deposit uses too)."""
    d = await Deposit.filter(session_id=fields["session_id"], user_id=fields["user_id"]).using_db(conn).first()
    if d is None:
        d = await Deposit.create(**fields, lodged_at=at, using_db=conn)
    # Once per bidder and session, whoever comes first: a sale's invoice lodges a deposit it was told of (in bank
    # clearing) when the desk had not, and re-posting the key with this row's legs would be refused as reused.
    lodged_key = f"deposit:lodged:{d.session_id}:{d.user_id}"
    if d.amount_fen > 0 and not await ledger.is_posted(conn, d.house_org_id, lodged_key):
        await ledger.post(
            conn, d.house_org_id, lodged_key, "deposit_lodged", lodged_legs(d), at,
            memo=f"deposit {d.reference}".strip(),
        )  # fmt: skip
    return d


def _when(value: Any) -> datetime:
    at = datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        raise ValueError("times carry their time zone")
    return at


async def _confirmed(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    await lodge(conn, _deposit_fields(p, int(p["house_org_id"]), int(p["session_id"])), _when(p["confirmed_at"]))


def _deposit_fields(p: dict[str, Any], house: int, session: int) -> dict[str, Any]:
    return {
        "house_org_id": house, "session_id": session, "user_id": int(p["user_id"]),
        "org_id": None if p.get("org_id") is None else int(p["org_id"]), "paddle": str(p.get("paddle") or ""),
        "amount_fen": int(p["amount_fen"]), "currency": str(p.get("currency") or "CNY"),
        "rail": str(p.get("rail") or "bank"), "reference": str(p.get("reference") or "")[:64],
        "stripe_intent_id": p.get("stripe_intent_id"),
        "authorised_at": _when(p["authorised_at"]) if p.get("authorised_at") else None,
    }  # fmt: skip


async def _ended(conn: BaseDBAsyncClient, p: dict[str, Any]) -> None:
    session, house = int(p["session_id"]), int(p["house_org_id"])
    ended_at = _when(p["ended_at"])
    if await SessionEnd.filter(session_id=session).using_db(conn).exists():
        return
    won: dict[str, list[int]] = {}
    for row in p.get("won", []):
        won.setdefault(str(int(row["user_id"])), []).append(int(row["lot_id"]))
    await SessionEnd.create(session_id=session, house_org_id=house, ended_at=ended_at, won=won, using_db=conn)
    for reg in p.get("deposits", []):
        if str(reg.get("status")) == "confirmed" and int(reg["amount_fen"]) > 0:
            await lodge(conn, _deposit_fields(reg, house, session), ended_at)


HANDLERS = {DEPOSIT_CONFIRMED: _confirmed, SESSION_ENDED: _ended}


async def consume(message: dict[str, Any]) -> bool:
    handler = HANDLERS[str(message["topic"])]
    payload = dict(message["payload"])
    for attempt in range(ATTEMPTS):
        try:
            return await consume_once("settlement.deposits", message, lambda conn: handler(conn, payload))
        except (Contended, IntegrityError):
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


# --- after the session: refund what is left -------------------------------------------------------------


async def terms_for_session(conn: BaseDBAsyncClient, session_id: int) -> clock_rules.ClockTerms:
    pin = await SessionPin.filter(session_id=session_id).using_db(conn).first()
    if pin is None:
        return clock_rules.DEFAULT_TERMS
    used, _ = await fees.rules_for_session(conn, pin)
    return used.clocks


async def _settled(conn: BaseDBAsyncClient, user_id: int, lot_ids: list[int]) -> bool:
    """Every lot the bidder won is invoiced, and no invoice of theirs for those lots is still open."""
    if not lot_ids:
        return True
    sales = await Sale.filter(source="auction", source_ref__in=lot_ids).using_db(conn).values_list("id", flat=True)
    if len(sales) < len(set(lot_ids)):
        return False  # a sale event not consumed yet: its invoice will want the deposit
    return not await Invoice.filter(sale_id__in=list(sales), status="open").using_db(conn).exists()


async def open_refund(conn: BaseDBAsyncClient, d: Deposit, end: SessionEnd) -> DepositRefund | None:
    """Make the refund task for what is left of a settled deposit (or mark it spent). None: not yet."""
    if not await _settled(conn, d.user_id, [int(x) for x in end.won.get(str(d.user_id), [])]):
        return None
    left = await held_fen(conn, d.house_org_id, d.user_id, d.session_id, d.currency)
    if left <= 0:
        await Deposit.filter(id=d.id, version=d.version).using_db(conn).update(status="spent", version=d.version + 1)
        return None
    terms = await terms_for_session(conn, d.session_id)
    due_on = holidays.china().add_working_days(local_day(end.ended_at), terms.refund_working_days)
    refund = await DepositRefund.create(
        house_org_id=d.house_org_id, deposit_id=d.id, user_id=d.user_id, amount_fen=left, currency=d.currency,
        rail=d.rail, due_on=due_on, using_db=conn,
    )  # fmt: skip
    moved = (
        await Deposit.filter(id=d.id, version=d.version, status="held")
        .using_db(conn)
        .update(status="refund_due", version=d.version + 1)
    )
    if moved != 1:
        raise Contended()
    await notices.notify(
        conn, d.user_id, f"deposit:{d.id}:refund_due", "refund_due",
        {"amount": notices.yuan(left), "due_on": due_on.isoformat(), "session_id": d.session_id},
    )  # fmt: skip
    return refund


async def _finish(conn: BaseDBAsyncClient, refund: DepositRefund, reference: str | None, user_id: int | None,
                  now: datetime) -> DepositRefund:  # fmt: skip
    d = await Deposit.filter(id=refund.deposit_id).using_db(conn).get()
    moved = (
        await DepositRefund.filter(id=refund.id, status="due")
        .using_db(conn)
        .update(status="done", bank_reference=reference, completed_by_user_id=user_id, completed_at=now)
    )
    if moved != 1:
        raise Contended()
    posted = await ledger.post(
        conn, refund.house_org_id, f"deposit:refund:{refund.id}", "deposit_refunded", refund_legs(d, refund.amount_fen),
        now, memo=f"deposit refund {reference or d.rail}",
    )  # fmt: skip
    await DepositRefund.filter(id=refund.id).using_db(conn).update(transaction_id=posted.transaction.id)
    await Deposit.filter(id=d.id).using_db(conn).update(status="refunded", version=d.version + 1)
    await notices.notify(
        conn, d.user_id, f"deposit:{d.id}:refunded", "refunded",
        {"amount": notices.yuan(refund.amount_fen), "reference": reference or d.rail, "session_id": d.session_id},
    )  # fmt: skip
    await record_event(
        conn, "settlement.deposit_refunded",
        {"refund_id": refund.id, "deposit_id": d.id, "house_org_id": d.house_org_id, "session_id": d.session_id,
         "user_id": d.user_id, "amount_fen": refund.amount_fen, "rail": d.rail},
    )  # fmt: skip
    return await DepositRefund.filter(id=refund.id).using_db(conn).get()


async def complete_refund(
    principal: Principal, house_org_id: int, refund_id: int, bank_reference: str, now: datetime
) -> tuple[DepositRefund, bool]:
    """House staff record the bank transfer that refunded a deposit: once. The same reference again returns the
    refund (False: nothing new); another reference for a refund already made is 409 `refund_already_recorded`."""
    refunds.require_house_staff(principal, house_org_id)
    reference = refunds.normalise_reference(bank_reference)

    async def work(conn: BaseDBAsyncClient) -> tuple[DepositRefund, bool]:
        refund = await DepositRefund.filter(id=refund_id, house_org_id=house_org_id).using_db(conn).first()
        if refund is None:
            raise NotFound("no such refund", code="refund_not_found")
        if refund.status == "done":
            if refunds.same_reference(refund.bank_reference, reference):
                return refund, False
            raise Conflict("this deposit was refunded already", code="refund_already_recorded")
        if refund.rail != "bank":
            raise Conflict("a card deposit is released through Stripe", code="refund_rail_mismatch")
        if await refunds.reference_used(conn, house_org_id, reference):
            raise Conflict("this bank reference was recorded for another refund", code="refund_reference_used")
        await refunds.claim_reference(conn, house_org_id, reference, "deposit", refund.id)
        return await _finish(conn, refund, reference, principal.user_id, now), True

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


# --- the sweeper's part -------------------------------------------------------------------------------------


async def sweep(now: datetime, holds: DepositHolds | None, batch: int = 200) -> dict[str, int]:
    """Open refund tasks for settled deposits; release card refunds through the port; capture card holds that
    would lapse while still needed. Every step is idempotent (unique rows, compare-and-set, business keys)."""
    done = {"refunds_opened": 0, "cards_released": 0, "cards_captured": 0}
    ended = {e.session_id: e for e in await SessionEnd.filter(session_id__in=await _held_sessions(batch))}
    for d in await Deposit.filter(status="held", session_id__in=list(ended)).order_by("id").limit(batch):

        async def open_one(conn: BaseDBAsyncClient, d: Deposit = d) -> DepositRefund | None:
            fresh = await Deposit.filter(id=d.id, status="held").using_db(conn).first()
            return None if fresh is None else await open_refund(conn, fresh, ended[d.session_id])

        if await ledger.retrying(open_one) is not None:
            done["refunds_opened"] += 1
    if holds is None:
        return done
    for refund in await DepositRefund.filter(status="due", rail="stripe", due_on__lte=local_day(now)).limit(batch):
        d = await Deposit.get(id=refund.deposit_id)
        if d.stripe_intent_id is None:
            continue
        if d.captured_at is None:
            await holds.release(d.stripe_intent_id, f"deposit-release-{refund.id}")
        else:
            await holds.refund(d.stripe_intent_id, refund.amount_fen, f"deposit-refund-{refund.id}")

        async def finish(conn: BaseDBAsyncClient, refund: DepositRefund = refund) -> DepositRefund:
            return await _finish(conn, refund, None, None, now)

        await ledger.retrying(finish)
        done["cards_released"] += 1
    # Still the house's money: held, applied to the winner's invoice (spent) or forfeited on a default. A hold left
    # to lapse after it paid an invoice or a forfeiture would leave the books counting money never collected.
    lapsing = Deposit.filter(
        rail="stripe", status__in=["held", "spent", "forfeited"], captured_at__isnull=True,
        authorised_at__lte=now - CAPTURE_AFTER,
    )  # fmt: skip
    for d in await lapsing.limit(batch):
        assert d.stripe_intent_id is not None
        await holds.capture(d.stripe_intent_id, d.amount_fen, f"deposit-capture-{d.id}")
        await Deposit.filter(id=d.id, captured_at__isnull=True).update(captured_at=now)
        done["cards_captured"] += 1
    return done


async def _held_sessions(batch: int) -> list[int]:
    rows: list[Any] = await Deposit.filter(status="held").distinct().limit(batch).values_list("session_id", flat=True)
    return [int(r) for r in rows]


# --- reading ------------------------------------------------------------------------------------------------


def _require_books(principal: Principal, house_org_id: int) -> None:
    if not access.reads_books(principal, house_org_id):
        raise NotFound("not found")


async def house_deposits(principal: Principal, house_org_id: int, status: str | None) -> list[Deposit]:
    _require_books(principal, house_org_id)
    qs = Deposit.filter(house_org_id=house_org_id)
    return list(await (qs.filter(status=status) if status else qs).order_by("-id").limit(500))


async def my_deposits(principal: Principal) -> list[tuple[Deposit, DepositRefund | None]]:
    rows = list(await Deposit.filter(user_id=principal.user_id).order_by("-id").limit(200))
    refunds = {r.deposit_id: r for r in await DepositRefund.filter(deposit_id__in=[d.id for d in rows])}
    return [(d, refunds.get(d.id)) for d in rows]


async def house_refunds(principal: Principal, house_org_id: int, status: str | None) -> list[DepositRefund]:
    _require_books(principal, house_org_id)
    qs = DepositRefund.filter(house_org_id=house_org_id)
    return list(await (qs.filter(status=status) if status else qs).order_by("due_on", "id").limit(500))
