"""The consignment rule: who may put a vehicle into an auction house's session."""

from __future__ import annotations

import pytest

from auctions.domain import rights
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


def test_a_member_of_the_house_may_not_bid_in_its_sessions_whatever_they_registered_through() -> None:
    house, seller, dealer = 1, 2, 3
    assert rights.bidder_refusal({house}, None, seller, house) == "house_staff_cannot_bid"
    assert rights.bidder_refusal({house, dealer}, dealer, seller, house) == "house_staff_cannot_bid"
    assert rights.bidder_refusal({dealer}, house, seller, house) == "house_staff_cannot_bid"
    assert rights.registration_refusal({house, dealer}, house) == "house_staff_cannot_bid"
    assert rights.registration_refusal({dealer}, house) is None


def test_the_seller_may_not_bid_on_its_lots_and_an_outsider_may() -> None:
    house, seller, dealer = 1, 2, 3
    assert rights.bidder_refusal({seller}, None, seller, house) == "own_lot"
    assert rights.bidder_refusal({dealer}, seller, seller, house) == "own_lot"
    assert rights.bidder_refusal({dealer}, dealer, seller, house) is None
    assert rights.bidder_refusal(set(), None, seller, house) is None
    # the house selling its own vehicle: its staff are refused as the house (the law's reason, not shilling)
    assert rights.bidder_refusal({house}, None, house, house) == "house_staff_cannot_bid"
