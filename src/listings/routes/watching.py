"""HTTP handlers for what a buyer follows: the watchlist (收藏), saved searches and their alerts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.routing import BaseRoute

from listings.routes._common import TAG, now
from listings.schemas import (
    ListingPage,
)
from listings.services import saved
from listings.services.paging import PageIn
from listings.services.saved import AlertPage, MarkReadIn, MarkReadOut, SavedSearchIn, SavedSearchOut, SavedSearchPatch
from marketplace.web.endpoint import Call, endpoint


class SavedList(BaseModel):
    items: list[SavedSearchOut]


@endpoint("PUT", "/api/listings/{id:int}/watch", summary="Watch a listing (收藏)", tag=TAG, status=204, errors=(404,))
async def watch(call: Call[Any, Any]) -> None:
    await saved.watch(call.user, call.path_id())


@endpoint("DELETE", "/api/listings/{id:int}/watch", summary="Stop watching a listing", tag=TAG, status=204)
async def unwatch(call: Call[Any, Any]) -> None:
    await saved.unwatch(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/me/watchlist",
    summary="Your watchlist: the watched listings still on public view, most recently watched first",
    tag=TAG,
    query=PageIn,
    response=ListingPage,
    errors=(400, 422),
)
async def watchlist(call: Call[Any, PageIn]) -> ListingPage:
    items, cursor = await saved.watchlist(call.user, call.query)
    return ListingPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/me/saved-searches",
    summary="Save a search; new or re-priced matching listings raise alerts",
    tag=TAG,
    body=SavedSearchIn,
    response=SavedSearchOut,
    status=201,
    errors=(409, 422),
)
async def save_search(call: Call[SavedSearchIn, Any]) -> SavedSearchOut:
    return await saved.save_search(call.user, call.body)


@endpoint("GET", "/api/me/saved-searches", summary="Your saved searches", tag=TAG, response=SavedList)
async def list_saved(call: Call[Any, Any]) -> SavedList:
    return SavedList(items=await saved.list_saved(call.user))


@endpoint(
    "PATCH",
    "/api/me/saved-searches/{id:int}",
    summary="Pause or resume a saved search's alerts",
    tag=TAG,
    body=SavedSearchPatch,
    response=SavedSearchOut,
    errors=(404,),
)
async def pause_saved(call: Call[SavedSearchPatch, Any]) -> SavedSearchOut:
    return await saved.pause(call.user, call.path_id(), call.body)


@endpoint(
    "DELETE", "/api/me/saved-searches/{id:int}", summary="Delete a saved search", tag=TAG, status=204, errors=(404,)
)
async def delete_saved(call: Call[Any, Any]) -> None:
    await saved.delete_saved(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/me/alerts",
    summary="Your saved-search alerts, newest first, with the count of unread ones",
    tag=TAG,
    query=PageIn,
    response=AlertPage,
    errors=(400, 422),
)
async def my_alerts(call: Call[Any, PageIn]) -> AlertPage:
    return await saved.alerts(call.user, call.query)


@endpoint(
    "POST",
    "/api/me/alerts/read",
    summary="Mark your alerts read: the given ids, or all of them without `ids`",
    tag=TAG,
    body=MarkReadIn,
    response=MarkReadOut,
    errors=(422,),
)
async def read_alerts(call: Call[MarkReadIn, Any]) -> MarkReadOut:
    return await saved.mark_read(call.user, call.body, now())


routes: list[BaseRoute] = [
    watch,
    unwatch,
    watchlist,
    save_search,
    list_saved,
    pause_saved,
    delete_saved,
    my_alerts,
    read_alerts,
]
