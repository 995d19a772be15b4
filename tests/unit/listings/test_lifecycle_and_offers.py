from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from listings.domain import lifecycle, offers
from listings.domain.lifecycle import Actor, Status, Transition, TransitionRefused

ALLOWED = {
    (Status.DRAFT, Transition.PUBLISH): Status.PUBLISHED,
    (Status.WITHDRAWN, Transition.PUBLISH): Status.PUBLISHED,
    (Status.EXPIRED, Transition.PUBLISH): Status.PUBLISHED,
    (Status.DRAFT, Transition.WITHDRAW): Status.WITHDRAWN,
    (Status.PUBLISHED, Transition.WITHDRAW): Status.WITHDRAWN,
    (Status.PUBLISHED, Transition.RESERVE): Status.RESERVED,
    (Status.RESERVED, Transition.RELEASE): Status.PUBLISHED,
    (Status.RESERVED, Transition.SELL): Status.SOLD,
    (Status.PUBLISHED, Transition.SELL): Status.SOLD,
    (Status.PUBLISHED, Transition.EXPIRE): Status.EXPIRED,
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("transition", list(Transition))
def test_transition_table(status: Status, transition: Transition) -> None:
    expected = ALLOWED.get((status, transition))
    if expected is None:
        with pytest.raises(TransitionRefused):
            lifecycle.next_status(status.value, transition)
    else:
        assert lifecycle.next_status(status.value, transition) is expected


def test_sold_is_final_and_open_states_hold_the_vehicle() -> None:
    assert all((Status.SOLD, t) not in ALLOWED for t in Transition)
    # a draft is not an offer to sell: it holds no vehicle (an auction lot may take it)
    assert [s for s in Status if lifecycle.holds_vehicle(s)] == [Status.PUBLISHED, Status.RESERVED]


def test_guard() -> None:
    lifecycle.guard(Transition.PUBLISH, Actor(is_staff=True, is_owner_member=False, trading_refusal="x"))
    lifecycle.guard(Transition.PUBLISH, Actor(is_staff=False, is_owner_member=True, trading_refusal=None))
    lifecycle.guard(Transition.WITHDRAW, Actor(is_staff=False, is_owner_member=True, trading_refusal="no_cert"))
    with pytest.raises(TransitionRefused) as exc:
        lifecycle.guard(Transition.PUBLISH, Actor(is_staff=False, is_owner_member=True, trading_refusal="no_cert"))
    assert exc.value.code == "dealer_not_verified"
    with pytest.raises(TransitionRefused) as exc:
        lifecycle.guard(Transition.WITHDRAW, Actor(is_staff=False, is_owner_member=False, trading_refusal=None))
    assert exc.value.code == "forbidden"


@pytest.mark.parametrize(
    ("fen", "band"),
    [(0, "0-5"), (4_999_999, "0-5"), (5_000_000, "5-10"), (14_999_900, "10-15"), (29_999_999, "20-30"),
     (50_000_000, "50+"), (10**12, "50+")],
)  # fmt: skip
def test_price_bands(fen: int, band: str) -> None:
    assert lifecycle.price_band(fen) == band


NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_offer_amounts_and_decisions() -> None:
    offers.check_amount(90, 100)
    for amount, code in ((0, "invalid_offer"), (101, "offer_above_asking"), (49, "offer_too_low")):
        with pytest.raises(offers.OfferRefused) as exc:
            offers.check_amount(amount, 100)
        assert exc.value.code == code
    expires = offers.expires_at(NOW, 48)
    assert expires == NOW + timedelta(hours=48)
    assert offers.decide("open", expires, NOW, "accept") == "accepted"
    assert offers.decide("open", expires, NOW, "counter") == "countered"
    assert offers.decide("countered", expires, NOW, "accept_counter") == "accepted"
    with pytest.raises(offers.OfferRefused, match="expired"):
        offers.decide("open", expires, expires, "accept")
    with pytest.raises(offers.OfferRefused):
        offers.decide("accepted", expires, NOW, "decline")
    with pytest.raises(offers.OfferRefused):
        offers.decide("open", expires, NOW, "accept_counter")


@pytest.mark.parametrize(
    ("counter", "code"),
    [(90, "counter_not_above_offer"), (89, "counter_not_above_offer"), (101, "counter_above_asking"), (91, None),
     (100, None)],
)  # fmt: skip
def test_counter_is_above_the_offer_and_not_above_the_asking_price(counter: int, code: str | None) -> None:
    if code is None:
        offers.check_counter(counter, 90, 100)
        return
    with pytest.raises(offers.OfferRefused) as exc:
        offers.check_counter(counter, 90, 100)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("name", "email", "mobile", "label"),
    [
        ("Buyer Sun", "sun@example.cn", "13812345678", "Buyer Sun"),
        ("  孙先生 ", None, None, "孙先生"),
        ("", "sun@example.cn", "13812345678", "138****5678"),
        ("", "sun@example.cn", None, "s***@example.cn"),
        ("sun@example.cn", "sun@example.cn", None, "s***@example.cn"),
        ("138 1234 5678", None, "13812345678", "138****5678"),
        ("", None, None, "#7"),
    ],
)
def test_a_dealer_sees_a_buyer_by_display_name_or_masked_contact(
    name: str, email: str | None, mobile: str | None, label: str
) -> None:
    assert offers.buyer_label(name, email, mobile, 7) == label
    assert email is None or email not in label
