"""Card-held deposits: the books of a deposit held on a card, and the `DepositHolds` port on the card rail.

The card rail (services/cards) publishes what the provider did to a held deposit; this module posts the money
that moved. A hold is no money; a capture is (`card:deposit:captured:{authorisation}`: Dr stripe_clearing /
Cr deposits_held), and a refund of a captured hold gives it back (`card:deposit:refunded:{refund operation}`:
the reverse). Both are keyed by operation ids, so a replayed event or a second webhook posts nothing again.

One owner of the books per deposit: a deposit that arrived as a `Deposit` row (auctions' events) is posted by the
deposits work (lodged on confirmation, refunded when its task is done), so its card events post nothing here.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from marketplace.errors import NotFound
from marketplace.outbox.events import consume_once
from marketplace.ports.payments.base import CardRailError
from marketplace.settlement.domain import invoices as invoice_rules
from marketplace.settlement.domain.ledger import Leg, credit, debit
from marketplace.settlement.models import CardOperation, Deposit
from marketplace.settlement.services import cards, ledger
from marketplace.settlement.services.ledger import ATTEMPTS, Contended

CAPTURED = "settlement.card_deposit_captured"
REFUNDED = "settlement.card_deposit_refunded"
_SUBJECT = re.compile(r"^deposit:session:(\d+):user:(\d+)$")


def deposit_party(subject: str, party: str) -> str:
    """The deposits_held party of a hold: per bidder and session when the subject names them (as a Deposit's)."""
    m = _SUBJECT.match(subject)
    return invoice_rules.deposit_party(int(m.group(2)), int(m.group(1))) if m else party


def captured_legs(party: str, amount_fen: int, currency: str) -> list[Leg]:
    return [debit("stripe_clearing", "", amount_fen, currency), credit("deposits_held", party, amount_fen, currency)]


def refunded_legs(party: str, amount_fen: int, currency: str) -> list[Leg]:
    return [debit("deposits_held", party, amount_fen, currency), credit("stripe_clearing", "", amount_fen, currency)]


async def _authorisation(conn: BaseDBAsyncClient, operation_id: int) -> CardOperation:
    op = await CardOperation.filter(id=operation_id).using_db(conn).get()
    return op if op.parent_id is None else await CardOperation.filter(id=op.parent_id).using_db(conn).get()


async def _booked_as_deposit_row(conn: BaseDBAsyncClient, auth: CardOperation) -> bool:
    if auth.provider_id is None:
        return False
    return await Deposit.filter(stripe_intent_id=auth.provider_id).using_db(conn).exists()


async def _post(conn: BaseDBAsyncClient, topic: str, p: dict[str, Any]) -> None:
    auth = await _authorisation(conn, int(p["operation_id"]))
    if await _booked_as_deposit_row(conn, auth):
        return
    party, amount, currency = (
        deposit_party(str(p["subject"]), str(p["party"])),
        int(p["amount_fen"]),
        str(p["currency"]),
    )
    if amount <= 0:
        return
    if topic == CAPTURED:
        key, kind, legs = f"card:deposit:captured:{auth.id}", "deposit_lodged", captured_legs(party, amount, currency)
    else:
        key, kind = f"card:deposit:refunded:{int(p['operation_id'])}", "deposit_refunded"
        legs = refunded_legs(party, amount, currency)
    await ledger.post(conn, auth.house_org_id, key, kind, legs, datetime.now(UTC), memo=f"card deposit {auth.subject}")


HANDLERS = {CAPTURED: _post, REFUNDED: _post}


async def consume(message: dict[str, Any]) -> bool:
    topic = str(message["topic"])
    payload = dict(message["payload"])
    for attempt in range(ATTEMPTS):
        try:
            return await consume_once("settlement.card_deposits", message, lambda conn: _post(conn, topic, payload))
        except (Contended, IntegrityError):
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


class CardDepositHolds:
    """`services.deposits.DepositHolds` on the card rail: each call is a card operation acting on the hold's
    authorisation (one per kind: a second call finds the first), made now or, if the provider is away, by its job."""

    async def capture(self, intent_id: str, amount_fen: int, idempotency_key: str) -> None:
        await self._act(intent_id, "capture", amount_fen)

    async def release(self, intent_id: str, idempotency_key: str) -> None:
        await self._act(intent_id, "cancel", None)

    async def refund(self, intent_id: str, amount_fen: int, idempotency_key: str) -> None:
        await self._act(intent_id, "refund", amount_fen)

    async def _act(self, intent_id: str, kind: str, amount_fen: int | None) -> None:
        async def work(conn: BaseDBAsyncClient) -> CardOperation:
            auth = await CardOperation.filter(provider_id=intent_id, kind="authorisation").using_db(conn).first()
            if auth is None:
                raise NotFound("no such card hold", code="card_payment_not_found")
            done = await CardOperation.filter(parent_id=auth.id, kind=kind).using_db(conn).first()
            return done if done is not None else await cards.act_on(conn, auth, kind, amount_fen)

        op = await ledger.retrying(work)
        with contextlib.suppress(CardRailError):  # else owed by its job, with the same idempotency key
            await cards.execute(op.id)
