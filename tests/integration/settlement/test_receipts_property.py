"""A property over receipts: any sequence of bank receipts (some replayed) against invoices of one buyer keeps the
invoice, the allocation order and the books consistent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.accounts.domain import Principal
from marketplace.settings import Settings
from marketplace.settlement.models import Invoice, Receipt
from marketplace.settlement.services import invoices, ledger, sales
from tests.integration.settlement.test_ledger import assert_books_consistent

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def sold(house: int, buyer: int, lot: int, hammer: int) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()), "topic": "auctions.lot_sold", "created_at": NOW.isoformat(),
        "payload": {"lot_id": lot, "session_id": lot, "session_starts_at": NOW.isoformat(), "house_org_id": house,
                    "seller_org_id": house + 1, "buyer_user_id": buyer, "hammer_fen": hammer,
                    "premium_terms": [[0, 500, 0], [10_000_000, 300, 50_000]], "deposit_fen": 0, "currency": "CNY",
                    "sold_at": NOW.isoformat()},
    }  # fmt: skip


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hammer=st.integers(1, 50_000_000),
    receipts=st.lists(st.tuples(st.integers(1, 30_000_000), st.integers(0, 4)), min_size=1, max_size=6),
)
async def test_property_receipts_keep_invoice_and_books_consistent(
    database: Settings, hammer: int, receipts: list[tuple[int, int]]
) -> None:
    house = uuid.uuid4().int % 1_000_000 + 10_000
    buyer = uuid.uuid4().int % 1_000_000 + 10_000
    lot = uuid.uuid4().int % 1_000_000_000 + 1
    assert await sales.consume(sold(house, buyer, lot, hammer))
    invoice = await Invoice.get(house_org_id=house)
    staff = Principal(user_id=1, display_name="staff", memberships={house: frozenset({"auctioneer"})},
                      org_kinds={house: "auction_house"})  # fmt: skip
    first_amount: dict[str, int] = {}
    received = 0
    for amount, ref_no in receipts:
        reference = f"REF-{ref_no}"
        if reference in first_amount and first_amount[reference] != amount:
            continue  # a reused reference with another amount is refused (tested elsewhere)
        receipt, created = await invoices.record_receipt(staff, house, invoice.id, reference, amount, NOW.date(), NOW)
        assert created == (reference not in first_amount)
        if created:
            first_amount[reference] = amount
            received += amount
        assert receipt.applied_fen + receipt.credit_fen == receipt.amount_fen
        # Fees first: nothing reaches the price while a fee line is open.
        current = await Invoice.get(id=invoice.id)
        fees_open = any(x["category"] == "fee" and x["paid_fen"] < x["amount_fen"] for x in current.lines)
        price_paid = sum(x["paid_fen"] for x in current.lines if x["category"] == "price")
        assert not (fees_open and price_paid)
    current = await Invoice.get(id=invoice.id)
    assert current.paid_fen == min(received, current.total_fen)
    assert current.status == ("paid" if received >= current.total_fen else "open")
    party = f"user:{buyer}"
    assert await ledger.balance(house, "buyer_receivable", party) == current.total_fen - current.paid_fen
    assert await ledger.balance(house, "buyer_credit", party) == max(0, received - current.total_fen)
    assert await ledger.balance(house, "bank_clearing") == received
    assert await Receipt.filter(house_org_id=house).count() == len(first_amount)
    await assert_books_consistent()
