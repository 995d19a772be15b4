"""The card provider's webhooks: verified, kept once by event id, applied from the object's current state.

Stripe delivers events at least once and in any order. So an event is never trusted for the state it carries:
for a payment event we fetch the PaymentIntent as it is now and bring our operation to that state; an older
event arriving late then changes nothing, a duplicate finds its id recorded, and the postings are keyed by the
PaymentIntent's id anyway. A forged, tampered, stale or future-dated delivery is refused before anything is read.

Card payments are direct charges on the payee's connected account (a house's or an exporter's), so their events
are Connect events naming that account (`account`). The object is fetched from that account, and the event is
applied only to an operation whose payee is that very account: another account's event (a connected account that
made a PaymentIntent quoting our operation's key in its metadata, say) is recorded as `payee_mismatch` and changes
nothing.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.errors import BadRequest, ServiceUnavailable
from marketplace.ports.payments.base import CardPayment, CardRail, CardRailError, CheckoutSession, Payee, WebhookRefused
from marketplace.settlement.models import CardEvent, CardOperation
from marketplace.settlement.services import cards, checkout, ledger

MAX_BODY_BYTES = 256 * 1024  # Stripe's events are a few kB; anything this large is not one


async def receive(payload: bytes, signature: str, now: datetime) -> tuple[str, bool]:
    """Handle one delivery; returns (outcome, new). `new` is False for an event seen before."""
    r = cards.rail()
    try:
        event = r.verify_event(payload, signature, now.timestamp())
    except WebhookRefused as exc:
        raise BadRequest(str(exc), code="webhook_signature_invalid") from None
    if await CardEvent.exists(event_id=event.id):
        return "duplicate", False
    payment: CardPayment | None = None
    session: CheckoutSession | None = None
    charge: str | None = None
    op: CardOperation | None = None
    refused: str | None = None
    payee = Payee(event.account)  # the account the event happened on: its objects live there
    try:
        if event.type.startswith("checkout.session.") and event.object_id:
            session, op, charge = await _session_now(r, event.object_id, payee)
        elif event.type.startswith("payment_intent.") and event.object_id:
            payment = await r.retrieve_payment(event.object_id, payee)
            op = await _operation_for(payment)
    except CardRailError as exc:
        if exc.retryable:  # nothing recorded: Stripe delivers the event again
            raise ServiceUnavailable(str(exc), code="card_provider_unavailable") from None
        refused = "object_not_found"  # not on the account the event names: nothing to apply
    if op is not None and op.payee_account != event.account:
        refused, session, payment = "payee_mismatch", None, None

    async def work(conn: BaseDBAsyncClient) -> tuple[str, bool]:
        if await CardEvent.filter(event_id=event.id).using_db(conn).exists():
            return "duplicate", False  # the same event delivered twice at once: the other delivery recorded it
        outcome = refused or "ignored"
        if session is not None:
            outcome = "unknown_checkout"
            if op is not None:
                done = await checkout.apply_session(conn, op.id, session, charge)
                outcome = f"checkout:{done.status}"
        elif payment is not None:
            outcome = "unknown_payment"
            if op is not None:
                current = await CardOperation.filter(id=op.id).using_db(conn).get()
                await cards.apply_payment_event(conn, current, payment)
                outcome = f"payment:{payment.status}"
        await CardEvent.create(
            event_id=event.id, type=event.type[:60], object_id=event.object_id[:80], account=event.account[:80],
            outcome=outcome[:30],
            received_at=now, using_db=conn,
        )  # fmt: skip
        return outcome, True

    return await ledger.retrying(work)


async def _operation_for(payment: CardPayment) -> CardOperation | None:
    """Ours by the PaymentIntent's id, or — when the worker died between the call and its commit — by the
    operation key we put in its metadata."""
    op = await CardOperation.filter(provider_id=payment.id, kind__in=list(cards.PAYMENT_KINDS)).first()
    if op is None and payment.metadata.get("operation"):
        op = await CardOperation.filter(idempotency_key=payment.metadata["operation"]).first()
    return op


async def _session_now(
    r: CardRail, session_id: str, payee: Payee
) -> tuple[CheckoutSession, CardOperation | None, str | None]:
    """A Checkout Session as Stripe has it now on the event's account, our operation for it (by the session's id,
    or by the operation key in its metadata when the worker died before the answer committed), and the charge of
    the PaymentIntent it made (what Stripe's balance transactions name, for reconciliation)."""
    session = await r.retrieve_checkout(session_id, payee)
    op = await CardOperation.filter(provider_id=session.id, kind=checkout.KIND).first()
    if op is None and session.metadata.get("checkout_operation"):
        op = await CardOperation.filter(
            idempotency_key=session.metadata["checkout_operation"], kind=checkout.KIND
        ).first()
    charge = None
    mine = op is not None and op.payee_account == payee.account
    if mine and session.payment_id and checkout.state_of(session) == "succeeded":
        charge = (await r.retrieve_payment(session.payment_id, payee)).latest_charge
    return session, op, charge
