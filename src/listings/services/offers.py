"""Offers on negotiable listings; an accepted offer reserves the listing and records the sale."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from tortoise.transactions import in_transaction

from listings.domain import offers as rules
from listings.domain.lifecycle import Transition, TransitionRefused
from listings.models import Listing, Offer, Sale
from listings.schemas import MAX_PRICE_FEN, ListingSummary
from listings.services.access import is_member, load_visible, manages, not_a_seller, sells
from listings.services.inventory import apply_transition
from listings.services.paging import PageIn, newest_first
from listings.services.present import summaries
from marketplace.accounts.domain import Kind, Principal
from marketplace.accounts.models import User
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.outages import OutageLog
from marketplace.outbox.events import record_event

log = logging.getLogger("listings.offers")
_OUTAGE = OutageLog(log, "offer expiry")


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_fen: int = Field(ge=100, le=MAX_PRICE_FEN)
    message: str = Field(default="", max_length=500)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["accept", "decline", "counter", "accept_counter", "withdraw"]
    counter_fen: int | None = Field(default=None, ge=100, le=MAX_PRICE_FEN)

    @model_validator(mode="after")
    def _counter_only_with_counter(self) -> DecisionIn:
        # Any other action carrying an amount would overwrite the dealer's counter-offer.
        if (self.action == "counter") != (self.counter_fen is not None):
            raise ValueError("counter_fen is required with action 'counter' and allowed with no other action")
        return self


class OfferOut(BaseModel):
    id: int
    listing_id: int
    listing: ListingSummary | None  # None once the caller can no longer see the listing (withdrawn, expired)
    buyer_user_id: int
    buyer_label: str  # the display name or a masked mobile/email, never the buyer's contact details
    amount_fen: int
    counter_fen: int | None
    status: str
    message: str
    expires_at: datetime
    created_at: datetime


OfferStatus = Literal["open", "countered", "accepted", "declined", "expired", "withdrawn"]


class DealerOffersIn(PageIn):
    status: OfferStatus | None = None


async def offers_out(principal: Principal, offers: list[Offer]) -> list[OfferOut]:
    """Offers whose `listing` is loaded (select_related), with their listing summaries and buyer labels:
    two more queries (photos, users) whatever the number of offers."""
    cars = await summaries(principal, {o.listing.id: o.listing for o in offers}.values())
    buyer_ids = list({o.buyer_user_id for o in offers})
    users = {u.id: u for u in await User.filter(id__in=buyer_ids)} if buyer_ids else {}

    def label(user_id: int) -> str:
        u = users.get(user_id)
        return rules.buyer_label(u.display_name, u.email, u.mobile, u.id) if u else f"#{user_id}"

    return [
        OfferOut(
            id=o.id,
            listing_id=o.listing_id,
            listing=cars.get(o.listing_id),
            buyer_user_id=o.buyer_user_id,
            buyer_label=label(o.buyer_user_id),
            amount_fen=o.amount_fen,
            counter_fen=o.counter_fen,
            status=o.status,
            message=o.message,
            expires_at=o.expires_at,
            created_at=o.created_at,
        )
        for o in offers
    ]


async def _one(principal: Principal, offer_id: int) -> OfferOut:
    return (await offers_out(principal, [await Offer.get(id=offer_id).select_related("listing")]))[0]


async def make_offer(principal: Principal, listing_id: int, body: OfferIn, now: datetime, ttl_hours: int) -> OfferOut:
    listing = await load_visible(principal, listing_id)
    if manages(principal, listing.dealer_org_id):
        raise Forbidden("a dealer cannot make offers on its own listing", code="own_listing")
    if listing.status != "published" or not listing.negotiable:
        raise Conflict("only a published, negotiable listing takes offers", code="not_negotiable")
    try:
        rules.check_amount(body.amount_fen, listing.price_fen)
    except rules.OfferRefused as exc:
        raise Conflict(str(exc), code=exc.code) from None
    if await Offer.filter(listing_id=listing.id, buyer_user_id=principal.user_id, status__in=list(rules.LIVE)).exists():
        raise Conflict("you already have an open offer on this listing", code="offer_exists")
    async with in_transaction() as conn:
        offer = await Offer.create(
            listing_id=listing.id,
            buyer_user_id=principal.user_id,
            amount_fen=body.amount_fen,
            message=body.message,
            expires_at=rules.expires_at(now, ttl_hours),
            using_db=conn,
        )
        await record_event(conn, "offer.made", {"offer_id": offer.id, "listing_id": listing.id})
    return await _one(principal, offer.id)


async def list_for_listing(principal: Principal, listing_id: int) -> list[OfferOut]:
    listing = await load_visible(principal, listing_id)
    qs = Offer.filter(listing_id=listing.id)
    if not sells(principal, listing.dealer_org_id):
        qs = qs.filter(buyer_user_id=principal.user_id)  # a buyer sees only their own offers
    return await offers_out(principal, list(await qs.select_related("listing").order_by("-id").limit(200)))


async def my_offers(principal: Principal) -> list[OfferOut]:
    qs = Offer.filter(buyer_user_id=principal.user_id).select_related("listing")
    return await offers_out(principal, list(await qs.order_by("-id").limit(200)))


async def dealer_offers(principal: Principal, org_id: int, query: DealerOffersIn) -> tuple[list[OfferOut], str | None]:
    """Every offer on the dealer's listings, newest first: for the dealer's members only (others: 404)."""
    if not is_member(principal, org_id):
        raise NotFound("not found")
    if principal.org_kinds.get(org_id) != Kind.DEALER:
        raise Forbidden("only dealer organisations receive offers")
    if not sells(principal, org_id):
        raise not_a_seller()
    qs = Offer.filter(listing__dealer_org_id=org_id).select_related("listing")
    if query.status:
        qs = qs.filter(status=query.status)
    rows, cursor = await newest_first(qs, query)
    return await offers_out(principal, rows), cursor


async def decide(principal: Principal, offer_id: int, body: DecisionIn, now: datetime) -> OfferOut:
    offer = await Offer.get_or_none(id=offer_id).select_related("listing")
    if offer is None:
        raise NotFound("not found")
    listing = offer.listing
    is_dealer = sells(principal, listing.dealer_org_id)
    is_buyer = offer.buyer_user_id == principal.user_id
    if not is_dealer and not is_buyer:
        raise NotFound("not found")
    if body.action in ("accept", "decline", "counter") and not is_dealer:
        raise Forbidden("only the dealer decides on an offer")
    if body.action in ("accept_counter", "withdraw") and not is_buyer:
        raise Forbidden("only the buyer can do this")
    try:
        status = rules.decide(offer.status, offer.expires_at, now, body.action)
        if body.counter_fen is not None:
            rules.check_counter(body.counter_fen, offer.amount_fen, listing.price_fen)
    except rules.OfferRefused as exc:
        raise Conflict(str(exc), code=exc.code) from None
    async with in_transaction() as conn:
        if status == "accepted":
            # The listing's row first, then offers: an acceptance touches every live offer of the listing, so
            # two acceptances taking their own offers first would deadlock on PostgreSQL. Now they queue here
            # and the later one finds its offer already declined (stale_offer).
            await Listing.filter(id=listing.id).select_for_update().using_db(conn).first()
        updated = (
            await Offer.filter(id=offer.id, status=offer.status)
            .using_db(conn)
            .update(status=status, counter_fen=body.counter_fen or offer.counter_fen, decided_by=principal.user_id,
                    decided_at=now)
        )  # fmt: skip
        if updated != 1:
            raise Conflict("the offer was changed meanwhile", code="stale_offer")
        if status == "accepted":
            price = offer.counter_fen if body.action == "accept_counter" and offer.counter_fen else offer.amount_fen
            try:
                await apply_transition(conn, listing, Transition.RESERVE, principal.user_id, now)
            except TransitionRefused as exc:
                raise Conflict(str(exc), code="invalid_transition") from None
            sale = await Sale.create(
                listing_id=listing.id,
                offer_id=offer.id,
                buyer_user_id=offer.buyer_user_id,
                seller_org_id=listing.dealer_org_id,
                price_fen=price,
                sold_at=now,
                using_db=conn,
            )
            await (
                Offer.filter(listing_id=listing.id, status__in=list(rules.LIVE))
                .exclude(id=offer.id)
                .using_db(conn)
                .update(status="declined", decided_at=now)
            )
            await record_event(
                conn,
                "listing.sale_recorded",
                {"sale_id": sale.id, "listing_id": listing.id, "buyer_user_id": sale.buyer_user_id,
                 "seller_org_id": sale.seller_org_id, "price_fen": price, "sold_at": now.isoformat(),
                 # settlement's figures: the dealer keeps the books of its own sale; no deposit on a listing
                 "house_org_id": sale.seller_org_id, "vehicle_id": listing.vehicle_id, "offer_id": offer.id,
                 "buyer_org_id": None, "deposit_fen": 0, "currency": "CNY"},
            )  # fmt: skip
        await record_event(conn, "offer.decided", {"offer_id": offer.id, "status": status})
    return await _one(principal, offer.id)


LISTING_DAYS = 90  # a published listing nobody renewed for this long expires (the dealer can publish it again)


async def expire_due(now: datetime) -> int:
    """Expire offers past their expiry and listings published more than LISTING_DAYS ago."""
    from datetime import timedelta

    done = await Offer.filter(status__in=list(rules.LIVE), expires_at__lte=now).update(status="expired")
    stale = await Listing.filter(status="published", published_at__lt=now - timedelta(days=LISTING_DAYS)).limit(500)
    for listing in stale:
        try:
            async with in_transaction() as conn:
                await apply_transition(conn, listing, Transition.EXPIRE, None, now)
            done += 1
        except Conflict:
            continue  # changed meanwhile: the next pass looks again
    return done


class OfferExpirer:
    """Expires offers and stale listings (decisions also check offer expiry; this keeps the display right)."""

    def __init__(self, interval: float = 30.0) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="offer-expirer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await expire_due(datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _OUTAGE.report(exc, "offer expiry failed")
            else:
                _OUTAGE.recovered()
            await asyncio.sleep(self._interval)
