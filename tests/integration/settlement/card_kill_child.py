"""Child process for the card kill tests: a worker that dies around a Stripe call (the outbox crash test's method).

Run as `python -m tests.integration.settlement.card_kill_child DATABASE_URL FAKE_URL POINT KIND ID`. It writes
the operation (KIND payment: for invoice ID; KIND refund: of card payment ID's credit) with its idempotency key and
its owed job, commits, then runs the job and exits with status 137 at POINT — `before` the provider call, `after`
it (the answer not yet committed), or after the `commit` — abruptly (no cleanup), as a SIGKILL there would.
"""

from __future__ import annotations

import asyncio
import os
import sys

from tortoise.transactions import in_transaction

from marketplace import db
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import load_settings
from marketplace.settlement.domain.invoices import buyer_party
from marketplace.settlement.models import CardOperation, Invoice
from marketplace.settlement.services import cards, payees
from tests.support_stripe_fake import SECRET_KEY, WEBHOOK_SECRET


async def die(_: object) -> None:
    os._exit(137)


async def main(database_url: str, fake_url: str, point: str, kind: str, ref: int) -> None:
    await db.init_db(load_settings(database_url=database_url, redis_url=None))
    cards.use_rail(StripeCards(SECRET_KEY, WEBHOOK_SECRET, api_base=fake_url))
    async with in_transaction() as conn:
        if kind == "payment":
            inv = await Invoice.get(id=ref)
            op = await cards.new_operation(
                conn, house_org_id=inv.house_org_id, kind="payment", purpose="invoice", subject=f"invoice:{inv.id}",
                invoice_id=inv.id, party=buyer_party(inv.buyer_user_id), amount_fen=inv.total_fen - inv.paid_fen,
                currency=inv.currency, payee_account=await payees.payee_account(inv.house_org_id, conn),
            )  # fmt: skip
        else:
            parent = await CardOperation.get(id=ref)
            op = await cards.act_on(conn, parent, "refund", parent.amount_fen, purpose="credit")
    sys.stdout.write(f"operation {op.id}\n")
    sys.stdout.flush()
    if point == "before":
        cards.before_call = die
    elif point == "after":
        cards.after_call = die
    await cards.execute(op.id)
    if point == "commit":
        os._exit(137)  # committed; the job was never acknowledged, so it runs again
    sys.exit("the worker should have died")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
