"""The connected account an organisation's card payments are made on (Stripe Connect direct charges).

An auction house takes its buyers' invoice payments and card-held deposits into its own Stripe account; an exporter
takes its foreign buyers' export-order payments into its own. The platform holds none of it (二清 is prohibited),
so every card operation names its payee here, and with no verified account the card rail refuses
(`card_payee_missing`) rather than charge on the platform's own account.

Verification asks the provider: the account is retrieved through the card rail (`CardRail.retrieve_account`) and
is verified when the platform is connected to it and it may take charges. Nobody types "verified": a wrong or
foreign account id is refused by Stripe itself. Without a card rail (the embedded profile) an account may be
recorded but stays unverified, which changes nothing there (no card payments are offered).
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.ports.payments.base import CardRailError
from marketplace.settlement.domain import access
from marketplace.settlement.domain import payees as rules
from marketplace.settlement.models import PayeeAccount
from marketplace.settlement.services import cards

HISTORY = 20  # earlier settings shown with the current one
Setting = PayeeAccount  # what these functions return, named for callers outside settlement (they never query it)


async def current(org_id: int, conn: BaseDBAsyncClient | None = None) -> PayeeAccount | None:
    return await PayeeAccount.filter(org_id=org_id).using_db(conn).order_by("-id").first()


async def payee_account(org_id: int, conn: BaseDBAsyncClient | None = None) -> str:
    """The verified connected account that takes the organisation's card payments; 409 `card_payee_missing`
    without one (never the platform's own account)."""
    row = await current(org_id, conn)
    if row is None or rules.refusal(row.status) is not None:
        raise Conflict(
            "no verified Stripe account of the payee takes this payment: pay by bank transfer, or ask the payee to "
            "connect its Stripe account",
            code="card_payee_missing",
        )
    return row.account


async def refusal_for(org_id: int) -> str | None:
    """Why the organisation's card payments are refused now (a stable code for the UI), or None."""
    row = await current(org_id)
    return rules.refusal(row.status if row else None)


def _require_reader(principal: Principal, org_id: int) -> None:
    if not access.reads_books(principal, org_id):
        raise NotFound("not found")


def _require_admin(principal: Principal, org_id: int) -> None:
    _require_reader(principal, org_id)
    if not access.sets_fees(principal, org_id):
        raise Forbidden("only the organisation's administrators set its Stripe account", code="insufficient_role")


async def _checked(row: PayeeAccount, now: datetime) -> PayeeAccount:
    """Ask the provider about the account and record the answer on the row (the row is the account's setting)."""
    if not cards.configured():
        return row
    try:
        found = await cards.rail().retrieve_account(row.account)
    except CardRailError as exc:
        if exc.retryable:
            return row  # unverified: checked again on request
        row.status, row.reason = "refused", exc.code[:40]
    else:
        if found.charges_enabled:
            row.status, row.reason, row.verified_at = "verified", "", now
        else:
            row.status, row.reason = "refused", "card_account_charges_disabled"
        row.country, row.default_currency = found.country[:2], found.default_currency[:3]
    await row.save(update_fields=["status", "reason", "verified_at", "country", "default_currency"])
    return row


async def require_house_payee(principal: Principal, org_id: int) -> None:
    """The settlement desk's route sets an auction house's account. Another organisation (an exporter) sets its own
    on the export desk, which first checks its filing: reaching `set_account` here would skip that check. Asked only
    after the caller is known as the organisation's administrator, so a stranger learns nothing from it (404)."""
    _require_admin(principal, org_id)
    if not await Organisation.filter(id=org_id, kind="auction_house").exists():
        raise Forbidden(
            "only an auction house sets its Stripe account on the settlement desk; an exporter connects its own on "
            "the export desk, once its filing is verified",
            code="card_payee_not_a_house",
        )


async def set_account(principal: Principal, org_id: int, account: str, now: datetime) -> PayeeAccount:
    """Record the organisation's connected account (its administrators) and verify it with the provider at once.
    A new row each time: the earlier setting stays as history, and operations already made keep their payee."""
    _require_admin(principal, org_id)
    account = account.strip()
    if not rules.valid_account(account):
        raise ValidationFailed("a Stripe account id looks like acct_1032D82eZvKYlo2C", code="card_account_invalid")
    if await PayeeAccount.filter(account=account).exclude(org_id=org_id).exists():
        # One account, one payee: its balance is reconciled as that organisation's books and nobody else's.
        raise Conflict("this Stripe account is another organisation's", code="card_account_taken")
    row = await PayeeAccount.create(org_id=org_id, account=account, set_by_user_id=principal.user_id, set_at=now)
    return await _checked(row, now)


async def verify_again(principal: Principal, org_id: int, now: datetime) -> PayeeAccount:
    """Ask the provider again (after the house finished its Stripe onboarding, or Stripe was unreachable)."""
    _require_admin(principal, org_id)
    cards.rail()  # 409 card_rail_unavailable: only Stripe can say
    row = await current(org_id)
    if row is None:
        raise Conflict("no Stripe account is recorded", code="card_payee_missing")
    return await _checked(row, now)


async def history(principal: Principal, org_id: int) -> list[PayeeAccount]:
    """The current setting first, then the earlier ones (the organisation's staff and platform staff)."""
    _require_reader(principal, org_id)
    return await PayeeAccount.filter(org_id=org_id).order_by("-id").limit(HISTORY)
