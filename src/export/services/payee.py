"""The exporter's Stripe connected account: where its foreign buyers' card payments for export orders go.

The exporter is the merchant (the money is its own, in its own Stripe account: the platform never holds it), so an
export order's hosted checkout is a direct charge on this account, and without a verified one the card rail is
refused (`card_payee_missing`). The setting itself is settlement's (one per organisation, verified by Stripe); here
only who may set it: the dealer's administrators, once platform staff have verified its exporter filing (备案)
and while that filing is in force.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from export.models import Filing
from export.services import filings
from export.services.access import require_exporter
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict
from marketplace.settlement.services import payees


async def _require_filing(org_id: int, today: date) -> None:
    # The account takes foreign buyers' money as the exporter's: only an exporter platform staff have verified (its
    # filing in force today) may name one. Lodged and pending, suspended or expired is not enough.
    if not await Filing.filter(exporter_org_id=org_id).exclude(status="cancelled").exists():
        raise Conflict("lodge the exporter filing (备案) before connecting a Stripe account", code="filing_missing")
    if await filings.in_force_for(org_id, today) is None:
        raise Conflict("the exporter filing (备案) must be verified by platform staff and in force before connecting "
                       "a Stripe account", code="filing_not_verified")  # fmt: skip


async def history(principal: Principal, org_id: int) -> list[payees.Setting]:
    require_exporter(principal, org_id)
    return await payees.history(principal, org_id)


async def set_account(principal: Principal, org_id: int, account: str, now: datetime) -> payees.Setting:
    require_exporter(principal, org_id, write=True)
    await _require_filing(org_id, now.astimezone(ZoneInfo("Asia/Shanghai")).date())  # China's calendar day
    return await payees.set_account(principal, org_id, account, now)


async def verify_again(principal: Principal, org_id: int, now: datetime) -> payees.Setting:
    require_exporter(principal, org_id, write=True)
    return await payees.verify_again(principal, org_id, now)
