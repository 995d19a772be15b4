"""Watchlist (收藏), saved searches and their alerts (in-app and by mail, never twice for one price)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from tortoise.exceptions import IntegrityError

from listings.models import Listing, SavedSearch, SearchAlert, Watch
from listings.schemas import ListingOut, ListingSummary, SearchIn
from listings.services.access import PUBLIC, load_visible
from listings.services.paging import PageIn, newest_first
from listings.services.present import listings_out, summaries
from listings.services.search import matches
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import User
from marketplace.errors import Conflict, NotFound
from marketplace.ports.mail.base import Mail, Mailer
from marketplace.ports.search.base import SearchIndex

log = logging.getLogger("listings.alerts")
MAX_SAVED_SEARCHES = 50


class SavedSearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    query: SearchIn


class SavedSearchPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paused: bool


class SavedSearchOut(BaseModel):
    id: int
    name: str
    query: SearchIn
    paused: bool


class AlertOut(BaseModel):
    id: int
    saved_search_id: int
    listing_id: int
    listing: ListingSummary | None  # None once the listing is no longer public (withdrawn, expired)
    price_fen: int  # the price that raised the alert; listing.price_fen is today's
    read: bool
    read_at: datetime | None
    created_at: datetime


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: str | None
    unread: int  # of all your alerts, not only this page's


class MarkReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(default=None, max_length=100)  # None: all


class MarkReadOut(BaseModel):
    marked: int
    unread: int


def wan(fen: int) -> str:
    """Fen as 万元 with two decimals, in integer arithmetic (1 万元 = 1,000,000 fen)."""
    return f"{fen // 1_000_000}.{fen % 1_000_000 // 10_000:02d}"


def _saved_out(s: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(id=s.id, name=s.name, query=SearchIn.model_validate(s.params), paused=s.paused)


async def watch(principal: Principal, listing_id: int) -> None:
    await load_visible(principal, listing_id)
    try:
        await Watch.create(user_id=principal.user_id, listing_id=listing_id)
    except IntegrityError:
        return  # already watching: the same outcome


async def unwatch(principal: Principal, listing_id: int) -> None:
    await Watch.filter(user_id=principal.user_id, listing_id=listing_id).delete()


async def watchlist(principal: Principal, page: PageIn) -> tuple[list[ListingOut], str | None]:
    """Watched listings that are still public, most recently watched first; the cursor is the watch's."""
    qs = Watch.filter(user_id=principal.user_id, listing__status__in=[s.value for s in PUBLIC])
    watches, cursor = await newest_first(qs.select_related("listing__vehicle"), page)
    return await listings_out([w.listing for w in watches], detail=False), cursor


async def is_watching(principal: Principal | None, listing_id: int) -> bool:
    return principal is not None and await Watch.exists(user_id=principal.user_id, listing_id=listing_id)


async def save_search(principal: Principal, body: SavedSearchIn) -> SavedSearchOut:
    if await SavedSearch.filter(user_id=principal.user_id).count() >= MAX_SAVED_SEARCHES:
        raise Conflict(f"at most {MAX_SAVED_SEARCHES} saved searches", code="too_many_saved_searches")
    from listings.services.search import to_query

    to_query(body.query)  # refuse what the search itself would refuse
    params = body.query.model_dump(exclude_defaults=True, exclude={"page", "per_page", "sort"})
    saved = await SavedSearch.create(user_id=principal.user_id, name=body.name, params=params)
    return _saved_out(saved)


async def list_saved(principal: Principal) -> list[SavedSearchOut]:
    return [_saved_out(s) for s in await SavedSearch.filter(user_id=principal.user_id).order_by("id")]


async def _own(principal: Principal, saved_id: int) -> SavedSearch:
    saved = await SavedSearch.get_or_none(id=saved_id, user_id=principal.user_id)
    if saved is None:
        raise NotFound("not found")
    return saved


async def pause(principal: Principal, saved_id: int, body: SavedSearchPatch) -> SavedSearchOut:
    saved = await _own(principal, saved_id)
    saved.paused = body.paused
    await saved.save(update_fields=["paused"])
    return _saved_out(saved)


async def delete_saved(principal: Principal, saved_id: int) -> None:
    await (await _own(principal, saved_id)).delete()


async def _unread(principal: Principal) -> int:
    return await SearchAlert.filter(user_id=principal.user_id, read_at__isnull=True).count()


async def alerts(principal: Principal, page: PageIn) -> AlertPage:
    rows, cursor = await newest_first(SearchAlert.filter(user_id=principal.user_id), page)
    listings = await Listing.filter(id__in=list({a.listing_id for a in rows})) if rows else []
    cars = await summaries(principal, listings)
    items = [
        AlertOut(id=a.id, saved_search_id=a.saved_search_id, listing_id=a.listing_id, listing=cars.get(a.listing_id),
                 price_fen=a.price_fen, read=a.read_at is not None, read_at=a.read_at, created_at=a.created_at)
        for a in rows
    ]  # fmt: skip
    return AlertPage(items=items, next_cursor=cursor, unread=await _unread(principal))


async def mark_read(principal: Principal, body: MarkReadIn, now: datetime) -> MarkReadOut:
    """Mark your alerts read (all, or the given ids); ids that are not yours or already read are skipped."""
    qs = SearchAlert.filter(user_id=principal.user_id, read_at__isnull=True)
    if body.ids is not None:
        qs = qs.filter(id__in=body.ids)
    marked = await qs.update(read_at=now)
    return MarkReadOut(marked=marked, unread=await _unread(principal))


async def raise_alerts(index: SearchIndex, mailer: Mailer, listing_id: int) -> int:
    """Alert every active saved search the published listing matches; a repeat finds the alert and stops."""
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None or listing.status != "published":
        return 0
    created = 0
    for saved in await SavedSearch.filter(paused=False):
        if not await matches(index, SearchIn.model_validate(saved.params), listing_id):
            continue
        try:
            alert = await SearchAlert.create(
                saved_search_id=saved.id, user_id=saved.user_id, listing_id=listing_id, price_fen=listing.price_fen
            )
        except IntegrityError:
            continue  # this search already alerted this listing at this price
        created += 1
        user = await User.get_or_none(id=saved.user_id)
        if user is not None and user.email:
            await mailer.send(
                Mail(
                    message_id=f"search-alert-{alert.id}@marketplace",
                    to=user.email,
                    subject=f"新车源 New match for “{saved.name}”: {listing.title}",
                    body=f"{listing.title}\n{wan(listing.price_fen)} 万元\n/listings/{listing.id}\n",
                )
            )
    return created
