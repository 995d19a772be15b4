"""The demo's past: sessions the demo auction house held and closed before today, so settlement has sales to show.

`marketplace demo` calls `hold` once per past session: the consignor consigns each vehicle, the house builds and
publishes the catalogue, the bidders bid in turn and every lot closes by the clock — all through the real
services (`consignments.consign`, `catalogue.add_lot` and `publish`, `actions.place_bid` and `close_if_due`),
each at its moment in the past, so the sale records and the `auctions.lot_sold` / `auctions.session_ended`
events are those a real session leaves. Registrations are written with their deposits confirmed, as the live
demo's are (in a real session the house's staff confirm each deposit on the session's page).

`answer_defaults` is auctions' side of a default the demo house declared: the lot is offered to the under-bidder
(`second_chance.consume_default`, the job on `settlement.sale_defaulted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from tortoise.transactions import in_transaction

from auctions.demo import DEMO_TERMS
from auctions.domain import lot as engine
from auctions.domain.lot import LotState
from auctions.models import Lot, Registration
from auctions.schemas import ConsignmentIn, LotIn, SessionIn, TermsIn
from auctions.services import actions, bidding, catalogue, consignments, second_chance
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import User
from marketplace.outbox.events import envelope
from marketplace.outbox.models import OutboxEvent

# The live demo's terms, without its `demo` flag (these sessions are kept, never relisted or pruned), and lots that
# run half an hour, five minutes apart.
HISTORY_TERMS: dict[str, Any] = {
    **{k: v for k, v in DEMO_TERMS.items() if k != "demo"},
    "soft_close_seconds": 120,
    "lot_duration_seconds": 1_800,
    "stagger_seconds": 300,
}
BID_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class PastLot:
    key: str  # what the demo does with the sale afterwards (demo_settlement), e.g. "paid_out"
    vehicle_id: int
    starting_price: int
    bidders: tuple[int, ...]  # user ids bidding in turn, each the next minimum; the last one wins
    condition_report: str = "演示车况：A 级，无重大事故 / Demo: grade A, no major accident"


@dataclass(frozen=True)
class PastSession:
    title: str
    starts_at: datetime
    consignor_user_id: int  # the consignor's selling staff, who consigns the vehicles to the house
    bidders: tuple[tuple[int, int | None], ...]  # (user, organisation bid for) registered with a confirmed deposit
    lots: tuple[PastLot, ...]


class _Unwatched:
    """The services a bid publishes to: the history is past, nobody watches its rooms, and each lot's close is made
    here at its moment, so the live fan-out and the close jobs have nothing to do."""

    def __init__(self) -> None:
        async def publish(channel: str, message: Any) -> None:
            return None

        async def enqueue(name: str, payload: Any, **options: Any) -> bool:
            return False

        self.bus = SimpleNamespace(publish=publish)
        self.jobs = SimpleNamespace(enqueue=enqueue)


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


async def hold(house_org_id: int, house_admin_id: int, past: PastSession) -> tuple[int, dict[str, int]]:
    """Consign, catalogue, publish, bid and close one past session. Returns its id and each lot's id by key."""
    house = await principal_for_user(await User.get(id=house_admin_id))
    consignor = await principal_for_user(await User.get(id=past.consignor_user_id))
    for lot in past.lots:
        await consignments.consign(consignor, ConsignmentIn(vehicle_id=lot.vehicle_id, house_org_id=house_org_id))
    # One transaction from the catalogue to the session's end: a closing sweeper running meanwhile (the app's, when
    # the demo is loaded beside it) would otherwise close these past-due lots at today's time, between two bids.
    async with in_transaction():
        session_id, keys = await _held(house_org_id, house, past)
    return session_id, {key: lot_id for lot_id, key in keys.items()}


async def _held(house_org_id: int, house: Any, past: PastSession) -> tuple[int, dict[int, str]]:
    terms = TermsIn.model_validate(HISTORY_TERMS)
    terms_json = terms.model_dump(mode="json")
    body = SessionIn(house_org_id=house_org_id, title=past.title, kind="online", starts_at=past.starts_at, terms=terms)
    session_id = (await catalogue.create_session(house, body)).id
    keys: dict[int, str] = {}
    for lot in past.lots:
        body_lot = LotIn(vehicle_id=lot.vehicle_id, starting_price=lot.starting_price,
                         condition_report=lot.condition_report)  # fmt: skip
        keys[int((await catalogue.add_lot(house, session_id, body_lot))["id"])] = lot.key
    # The catalogue went out two days before the sale (the fee schedule in force then is pinned).
    await catalogue.publish(house, session_id, now=past.starts_at - timedelta(days=2))
    for n, (user_id, org_id) in enumerate(past.bidders):
        await Registration.create(
            session_id=session_id, user_id=user_id, org_id=org_id, paddle=str(101 + n),
            deposit_amount=int(HISTORY_TERMS["deposit"]), deposit_status="confirmed",
            payment_reference=f"AU{session_id:05d}-{user_id:06d}",
        )  # fmt: skip
    services = _Unwatched()
    by_key = {lot.key: lot for lot in past.lots}
    lots = await Lot.filter(session_id=session_id).order_by("position")
    for row in lots:
        await actions.close_if_due(services, row.id, _ms(past.starts_at))  # the start has come: the lot opens
        script = by_key[keys[row.id]]
        for turn, user_id in enumerate(script.bidders):
            bidder = await principal_for_user(await User.get(id=user_id))
            at = past.starts_at + BID_EVERY * (turn + 1)
            fresh = await Lot.get(id=row.id)
            lot_terms = bidding.terms_for("online", terms_json, fresh)
            minimum = engine.next_minimum(LotState.from_json(fresh.state), lot_terms)
            answer = await actions.place_bid(services, bidder, row.id, f"demo-history-{row.id}-{turn}", minimum,
                                             _ms(at))  # fmt: skip
            if answer["status"] != "accepted":
                raise RuntimeError(f"demo history: lot {row.id} refused a bid: {answer['reason']}")
    last_end = past.starts_at
    for row in await Lot.filter(session_id=session_id).order_by("position"):
        assert row.ends_at is not None
        await actions.close_if_due(services, row.id, _ms(row.ends_at))
        last_end = max(last_end, row.ends_at)
    # The sweeper notices the session has ended (every lot final): `auctions.session_ended`, for the deposits.
    await second_chance.close_ended(last_end + timedelta(minutes=1))
    return session_id, keys


async def answer_defaults() -> int:
    """Offer each defaulted lot to its under-bidder, as the job on `settlement.sale_defaulted` does. Returns how many
    defaults were answered now (a second run answers none)."""
    answered = 0
    for event in await OutboxEvent.filter(topic=second_chance.SALE_DEFAULTED).order_by("id"):
        answered += await second_chance.consume_default(envelope(event))
    return answered
