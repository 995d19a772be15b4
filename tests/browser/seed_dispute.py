"""The dispute walk's shortcut: `hand-over INVOICE EMAIL` pays the invoice in full (a receipt recorded by the house's
staff EMAIL), issues the gate pass and hands the car over, as the desk would (the desk's own walk is in
test_settlement_pages.py); it also makes a member of a trade association. Prints JSON.

Run with the server's environment (its DATABASE_URL / VAR_DIR), like the other seed scripts.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime

from marketplace import db
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import User
from marketplace.app import create_app
from marketplace.settings import load_settings
from marketplace.settlement.models import Invoice
from marketplace.settlement.services import handover, invoices
from tests.support import make_member, make_org


async def main(args: list[str]) -> None:
    command, invoice_id, email = args[0], int(args[1]), args[2]
    assert command == "hand-over", command
    settings = load_settings()
    await db.init_db(settings)
    try:
        app = create_app(settings, manage_db=False)  # for its password hasher
        staff = await principal_for_user(await User.get(email=email))
        inv = await Invoice.get(id=invoice_id)
        now = datetime.now(UTC)
        await invoices.record_receipt(staff, inv.house_org_id, inv.id, f"SEED-{inv.id}", inv.total_fen - inv.paid_fen,
                                      now.date(), now)  # fmt: skip
        gate = await handover.issue_if_paid(inv.id, now)
        assert gate is not None, "the invoice is not paid in full"
        await handover.scan(staff, inv.house_org_id, gate.pass_code, now)
        association = await make_org("association")
        member = await make_member(app, association, ["analyst"], "dispute-assoc")
        sys.stdout.write(json.dumps({"sale": inv.sale_id, "association": member.login}) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
