"""HTTP handlers for photos, imports, offers, the watchlist and saved searches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import BaseRoute

from listings.schemas import ListingOut, PhotoOut
from listings.services import offers, photos, saved
from listings.services.imports import ImportReport, import_inventory
from listings.services.offers import DealerOffersIn, DecisionIn, OfferIn, OfferOut
from listings.services.paging import PageIn
from listings.services.saved import AlertPage, MarkReadIn, MarkReadOut, SavedSearchIn, SavedSearchOut, SavedSearchPatch
from marketplace.errors import ApiError
from marketplace.web.endpoint import Call, endpoint

TAG = "listings"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


def _now() -> datetime:
    return datetime.now(UTC)


class OfferList(BaseModel):
    items: list[OfferOut]


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: str | None


class ListingPage(BaseModel):
    items: list[ListingOut]
    next_cursor: str | None


class SavedList(BaseModel):
    items: list[SavedSearchOut]


@endpoint(
    "POST",
    "/api/listings/{id:int}/photos",
    summary="Upload a photo: the raw JPEG/PNG/WebP bytes as the body; EXIF is stripped, a thumbnail follows",
    tag=TAG,
    response=PhotoOut,
    status=201,
    errors=(403, 404, 409, 413, 415, 422),
)
async def upload_photo(call: Call[Any, Any]) -> PhotoOut:
    ctype = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in IMAGE_TYPES:
        raise ApiError("send the image bytes with Content-Type image/jpeg, image/png or image/webp",
                       code="unsupported_media_type", status=415)  # fmt: skip
    data = await call.request.body()
    settings = call.services.settings
    out = await photos.upload(call.services.files, call.user, call.path_id(), data, settings.max_body_bytes)
    call.services.relay.notify()
    return out


@endpoint(
    "DELETE",
    "/api/listings/{id:int}/photos/{photo_id:int}",
    summary="Delete a photo",
    tag=TAG,
    status=204,
    errors=(403, 404),
)
async def delete_photo(call: Call[Any, Any]) -> None:
    await photos.delete(call.user, call.path_id(), call.path_id("photo_id"))


async def _serve_photo(call: Call[Any, Any], thumb: bool) -> Response:
    stored, etag, public = await photos.load(call.services.files, call.principal, call.path_id(), thumb)
    cache = "public, max-age=31536000, immutable" if public else "private, max-age=300"
    headers = {"Cache-Control": cache, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if call.request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(stored.data, media_type=stored.content_type, headers=headers)


@endpoint("GET", "/api/photos/{id:int}", summary="A photo (cacheable)", tag=TAG, auth="public", errors=(404,))
async def get_photo(call: Call[Any, Any]) -> Response:
    return await _serve_photo(call, thumb=False)


@endpoint(
    "GET",
    "/api/photos/{id:int}/thumb",
    summary="A photo's thumbnail (cacheable)",
    tag=TAG,
    auth="public",
    errors=(404,),
)
async def get_thumb(call: Call[Any, Any]) -> Response:
    return await _serve_photo(call, thumb=True)


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "xlsx"] = "csv"
    good_rows_only: bool = False


@endpoint(
    "POST",
    "/api/dealers/{id:int}/inventory/import",
    summary="Import inventory from CSV or XLSX (raw file as the body); every bad row is reported with line, "
    "column and reason; nothing is imported unless all rows are good or good_rows_only is set",
    tag=TAG,
    query=ImportQuery,
    response=ImportReport,
    errors=(403, 404, 422),
)
async def import_rows(call: Call[Any, ImportQuery]) -> ImportReport:
    data = await call.request.body()
    q = call.query
    report = await import_inventory(call.user, call.path_id(), data, q.format, q.good_rows_only, _now())
    call.services.relay.notify()
    return report


@endpoint(
    "POST",
    "/api/listings/{id:int}/offers",
    summary="Make an offer on a negotiable listing (expires after OFFER_TTL_HOURS)",
    tag=TAG,
    body=OfferIn,
    response=OfferOut,
    status=201,
    errors=(403, 404, 409),
)
async def make_offer(call: Call[OfferIn, Any]) -> OfferOut:
    ttl = call.services.settings.offer_ttl_hours
    out = await offers.make_offer(call.user, call.path_id(), call.body, _now(), ttl)
    call.services.relay.notify()
    return out


@endpoint(
    "GET",
    "/api/listings/{id:int}/offers",
    summary="Offers on a listing: all for its dealer, your own for a buyer",
    tag=TAG,
    response=OfferList,
    errors=(404,),
)
async def listing_offers(call: Call[Any, Any]) -> OfferList:
    return OfferList(items=await offers.list_for_listing(call.user, call.path_id()))


@endpoint("GET", "/api/me/offers", summary="Your offers", tag=TAG, response=OfferList)
async def my_offers(call: Call[Any, Any]) -> OfferList:
    return OfferList(items=await offers.my_offers(call.user))


@endpoint(
    "GET",
    "/api/dealers/{id:int}/offers",
    summary="Every offer on the dealer's listings, newest first, optionally of one status (the dealer's members only)",
    tag=TAG,
    query=DealerOffersIn,
    response=OfferPage,
    errors=(400, 403, 404, 422),
)
async def dealer_offers(call: Call[Any, DealerOffersIn]) -> OfferPage:
    items, cursor = await offers.dealer_offers(call.user, call.path_id(), call.query)
    return OfferPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/offers/{id:int}/decision",
    summary="Accept, decline or counter (dealer); accept a counter or withdraw (buyer). Acceptance reserves "
    "the listing and records the sale",
    tag=TAG,
    body=DecisionIn,
    response=OfferOut,
    errors=(403, 404, 409, 422),
)
async def decide_offer(call: Call[DecisionIn, Any]) -> OfferOut:
    out = await offers.decide(call.user, call.path_id(), call.body, _now())
    call.services.relay.notify()
    return out


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
    return await saved.mark_read(call.user, call.body, _now())


routes: list[BaseRoute] = [
    upload_photo,
    delete_photo,
    get_photo,
    get_thumb,
    import_rows,
    make_offer,
    listing_offers,
    my_offers,
    dealer_offers,
    decide_offer,
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
