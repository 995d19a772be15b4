"""A card refund of a buyer's credit sent twice (a retry after a lost answer, a double click): with the caller's
`request_id` the second is the first, never a second refund; the same id with other money is refused."""

from __future__ import annotations

import pytest

from marketplace.errors import ApiError
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement.models import CardOperation
from marketplace.settlement.services import cards, ledger
from tests.integration.settlement.support_cards import fake, house, paid_with_credit, rail, staff
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "house", "rail"]  # the fixtures


async def test_a_card_refund_sent_again_with_its_request_id_refunds_once(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv, op = await paid_with_credit(fake, house, 91)
    half = inv.total_fen // 2
    first = await cards.refund_credit(staff(house), house, op.id, half, request_id="desk-7f3a9c01")
    again = await cards.refund_credit(staff(house), house, op.id, half, request_id="desk-7f3a9c01")
    assert again.id == first.id
    assert fake.created["refund"] == 1
    assert await ledger.balance(house, "buyer_credit", "user:91", "USD") == inv.total_fen - half
    with pytest.raises(ApiError) as err:
        await cards.refund_credit(staff(house), house, op.id, half + 1, request_id="desk-7f3a9c01")
    assert (err.value.status, err.value.code) == (409, "card_refund_request_reused")
    assert await CardOperation.filter(house_org_id=house, kind="refund").count() == 1
    other = await cards.refund_credit(staff(house), house, op.id, 1, request_id="desk-7f3a9c02")
    assert other.id != first.id
