"""settlement.services.sales.won_sale: the sale an organisation won, as a frozen value; None for another's."""

from __future__ import annotations

import dataclasses

import pytest
from tortoise.transactions import in_transaction

from marketplace.settings import Settings
from marketplace.settlement.models import Sale
from marketplace.settlement.services.sales import WonSale, won_sale
from tests.support_bank import make_invoice


async def test_won_sale_answers_only_the_buyer_organisation(database: Settings) -> None:
    invoice = await make_invoice(31_001, 501, 80_000)
    async with in_transaction():
        await Sale.filter(id=invoice.sale_id).update(buyer_org_id=77, vehicle_id=9_001)
    won = await won_sale(invoice.sale_id, 77)
    assert isinstance(won, WonSale)
    assert (won.sale_id, won.vehicle_id, won.currency) == (invoice.sale_id, 9_001, "CNY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        won.vehicle_id = 1  # type: ignore[misc]
    assert await won_sale(invoice.sale_id, 78) is None  # another dealer: as if absent
    assert await won_sale(invoice.sale_id + 10_000, 77) is None
