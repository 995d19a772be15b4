"""The consignment rule: who may put a vehicle into an auction house's session."""

from __future__ import annotations

import pytest

from auctions.domain.rights import ConsignmentView, house_refusal, may_offer, withdraw_refusal

HOUSE, OTHER_HOUSE, DEALER = 1, 2, 3


def consignment(status: str = "active", house: int = HOUSE, seller: int = DEALER) -> ConsignmentView:
    return ConsignmentView(vehicle_id=9, seller_org_id=seller, house_org_id=house, status=status)


def test_the_house_offers_its_own_vehicles() -> None:
    assert may_offer(HOUSE, HOUSE, None)


@pytest.mark.parametrize(
    ("c", "allowed"),
    [
        (None, False),
        (consignment(), True),
        (consignment("withdrawn"), False),
        (consignment("used"), False),
        (consignment(house=OTHER_HOUSE), False),
        (consignment(seller=OTHER_HOUSE), False),  # consented by someone who no longer owns it
    ],
)
def test_a_foreign_vehicle_needs_an_active_consignment_to_this_house(c: ConsignmentView | None, allowed: bool) -> None:
    assert may_offer(DEALER, HOUSE, c) is allowed


@pytest.mark.parametrize(
    ("kind", "status", "refusal"),
    [
        ("auction_house", "verified", None),
        ("auction_house", "pending", "house_not_verified"),
        ("auction_house", "suspended", "house_not_verified"),
        ("dealer", "verified", "not_an_auction_house"),
        (None, None, "not_an_auction_house"),
    ],
)
def test_only_verified_auction_houses_take_consignments(kind: str | None, status: str | None, refusal: str) -> None:
    assert house_refusal(kind, status) == refusal


def test_withdrawal_only_before_a_lot() -> None:
    assert withdraw_refusal("active") is None
    assert withdraw_refusal("used") == "consignment_in_lot"
    assert withdraw_refusal("withdrawn") == "consignment_withdrawn"
