"""Test helper: give an organisation (an auction house, an exporter) the verified Stripe connected account its card
payments are made on, as settlement's payee settings record it after Stripe confirmed the account."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.settlement.models import PayeeAccount


def account_of(org_id: int) -> str:
    return f"acct_test{org_id:010d}"


async def connect_payee(org_id: int, account: str | None = None) -> str:
    """Record `account` (default: one derived from the org's id) as the org's verified connected account."""
    account = account or account_of(org_id)
    now = datetime.now(UTC)
    await PayeeAccount.create(
        org_id=org_id, account=account, status="verified", set_by_user_id=0, set_at=now, verified_at=now
    )
    return account
