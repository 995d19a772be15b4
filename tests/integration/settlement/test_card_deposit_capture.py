"""A deposit held on a card (a manual-capture PaymentIntent) must be captured before the authorisation lapses
whenever its money is still the house's to keep: still held, applied to the winner's invoice (spent), or forfeited
on a default. Only a deposit whose refund is due or made may lapse or be released."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.settings import Settings
from marketplace.settlement.models import Deposit
from marketplace.settlement.services import deposits


class Holds:
    def __init__(self) -> None:
        self.captured: list[str] = []

    async def capture(self, intent_id: str, amount_fen: int, idempotency_key: str) -> None:
        self.captured.append(intent_id)

    async def release(self, intent_id: str, idempotency_key: str) -> None:
        raise AssertionError("nothing is released here")

    async def refund(self, intent_id: str, amount_fen: int, idempotency_key: str) -> None:
        raise AssertionError("nothing is refunded here")


@pytest.mark.parametrize(("status", "captured"), [("held", True), ("spent", True), ("forfeited", True),
                                                  ("refunded", False)])  # fmt: skip
async def test_a_card_deposit_still_the_house_s_is_captured_before_it_lapses(
    database: Settings, status: str, captured: bool
) -> None:
    now = datetime.now(UTC)
    d = await Deposit.create(
        house_org_id=71, session_id=7100, user_id=7101, amount_fen=50_000, currency="HKD", rail="stripe",
        status=status, stripe_intent_id=f"pi_{status}", authorised_at=now - timedelta(days=6, hours=1), lodged_at=now,
    )  # fmt: skip
    holds = Holds()
    done = await deposits.sweep(now, holds)
    assert holds.captured == ([d.stripe_intent_id] if captured else [])
    assert done["cards_captured"] == int(captured)
    assert ((await Deposit.get(id=d.id)).captured_at is not None) is captured
    assert (await deposits.sweep(now, holds))["cards_captured"] == 0  # once
