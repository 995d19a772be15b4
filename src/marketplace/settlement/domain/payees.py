"""The payee of a card operation: which connected account takes the money, and when there is none to take it.

The platform never pools buyers' money (二清): a card payment is a direct charge on the auction house's or the
exporter's own connected account. So with no verified account there is no card payment at all, never one on the
platform's own account.
"""

from __future__ import annotations

import re

# Stripe's account ids: `acct_` and 16 letters or digits today; the length is Stripe's to change, so a range.
ACCOUNT_ID = re.compile(r"^acct_[A-Za-z0-9]{8,64}$")


def valid_account(account: str) -> bool:
    return bool(ACCOUNT_ID.match(account))


def refusal(status: str | None) -> str | None:
    """Why an organisation's card operations are refused (a stable code), or None when its account takes them."""
    if status == "verified":
        return None
    return "card_payee_missing"
