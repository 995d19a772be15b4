"""The payee rules: what a Stripe connected account id looks like, and that only a verified one takes payments."""

from __future__ import annotations

import pytest

from marketplace.settlement.domain import payees


@pytest.mark.parametrize(
    ("account", "valid"),
    [("acct_1032D82eZvKYlo2C", True), ("acct_12345678", True), ("acct_1234567", False), ("acct_" + "a" * 64, True),
     ("acct_" + "a" * 65, False), ("acct_1032D82eZvKYlo2C ", False), ("acct_1032-82eZvKYlo2C", False),
     ("ACCT_1032D82eZvKYlo2C", False), ("cus_1032D82eZvKYlo2C", False), ("", False)],
)  # fmt: skip
def test_an_account_id_is_stripes_shape(account: str, valid: bool) -> None:
    assert payees.valid_account(account) is valid


@pytest.mark.parametrize(
    ("status", "refusal"),
    [("verified", None), ("unverified", "card_payee_missing"), ("refused", "card_payee_missing"),
     (None, "card_payee_missing")],
)  # fmt: skip
def test_only_a_verified_account_takes_card_payments(status: str | None, refusal: str | None) -> None:
    assert payees.refusal(status) == refusal
