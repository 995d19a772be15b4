"""Dealer inventory: vehicles and their listings, edits, and every lifecycle transition."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from listings import vehicles
from listings.domain import catalogue, lifecycle, plates, titles, vin
from listings.domain.lifecycle import Status, Transition, TransitionRefused
from listings.models import ConditionItem, Listing, ListingTransition, Photo, Sale, Vehicle
from listings.schemas import (
    ConditionIn,
    InventoryFilter,
    InventoryPage,
    ListingIn,
    ListingOut,
    ListingPatch,
    VehicleIn,
)
from listings.services.access import load_managed, manages, require_dealer
from listings.services.present import listing_out, listings_out
from marketplace.accounts.domain import Principal
from marketplace.accounts.organisations import trading_refusal
from marketplace.errors import BadRequest, Conflict, Forbidden, ValidationFailed
from marketplace.outbox.events import record_event
from marketplace.web.pagination import decode_cursor, encode_cursor

TOPIC = "listing.changed"
IN_PROGRESS = [Status.DRAFT.value, *(s.value for s in lifecycle.OPEN)]


def locked(exc: vehicles.VehicleLocked) -> Conflict:
    return Conflict(
        "the vehicle is in an auction lot or reserved for a buyer: its details cannot change now", code=exc.code
    )


async def lock_vehicle(conn: BaseDBAsyncClient, vehicle_id: int) -> None:
    """Refuse (409 vehicle_locked) a change to a vehicle frozen to its seller; inside the change's transaction."""
    try:
        await vehicles.lock_for_edit(conn, vehicle_id)
    except vehicles.VehicleLocked as exc:
        raise locked(exc) from None


def vehicle_fields(body: VehicleIn, *, latest_year: int) -> dict[str, Any]:
    """Vehicle columns from the input plus what the VIN, the catalogue and the plate tell us."""
    info = vin.decode(body.vin, latest_year=latest_year)
    fields = body.model_dump()
    make = catalogue.find_make(body.make)
    series = next((s for s in make.series if body.model in (s.zh, s.en)), None) if make else None
    fields.update(
        manufacturer=info.manufacturer or "",
        country=info.country or "",
        make=make.zh if make else body.make,
        make_en=make.en if make else body.make,
        model=series.zh if series else body.model,
        model_en=series.en if series else body.model,
        model_year=body.model_year or info.model_year,
    )
    if body.plate_prefix:
        region = plates.parse_prefix(body.plate_prefix)
        fields.update(registration_province=region.province, registration_city=region.city or body.registration_city)
    elif body.registration_city:
        fields["registration_province"] = plates.province_of_city(body.registration_city) or ""
    return fields


async def record_change(conn: BaseDBAsyncClient, listing: Listing, change: str) -> None:
    """The `listing.changed` event the search index and saved-search alerts follow (same transaction)."""
    await record_event(conn, TOPIC, {"listing_id": listing.id, "version": listing.version, "change": change})


async def create_listing(principal: Principal, body: ListingIn, now: datetime) -> ListingOut:
    require_dealer(principal, body.dealer_org_id, selling=True)
    fields = vehicle_fields(body.vehicle, latest_year=now.year + 1)
    city = body.location_city or fields.get("registration_city", "")
    async with in_transaction() as conn:
        # Only this dealer's own vehicles: whether another dealer holds the VIN privately is not ours to learn.
        vehicle = await Vehicle.filter(vin=fields["vin"], owner_org_id=body.dealer_org_id).using_db(conn).first()
        if vehicle is None:
            vehicle = await Vehicle.create(owner_org_id=body.dealer_org_id, **fields, using_db=conn)
        else:
            await lock_vehicle(conn, vehicle.id)  # a new listing's body would rewrite the vehicle
            # One listing in the making per vehicle: a second draft of the same car is a duplicate (the
            # existing draft or open listing is the one to edit), even though a draft holds no engagement.
            if await Listing.filter(vehicle_id=vehicle.id, status__in=IN_PROGRESS).using_db(conn).exists():
                raise Conflict("the vehicle already has a draft or open listing", code="vehicle_busy")
            await Vehicle.filter(id=vehicle.id).using_db(conn).update(**fields)
        listing = await Listing.create(
            vehicle_id=vehicle.id,
            dealer_org_id=body.dealer_org_id,
            price_fen=body.price_fen,
            negotiable=body.negotiable,
            title=body.title or default_title(fields),
            description=body.description,
            location_city=city,
            location_province=plates.province_of_city(city) or fields.get("registration_province", ""),
            created_by=principal.user_id,
            using_db=conn,
        )
        # A draft holds nothing (lifecycle.OPEN): it is not an offer to sell, so it never keeps the vehicle
        # from an auction lot or another listing; publishing engages it.
        await record_change(conn, listing, "created")
    return await listing_out(await Listing.get(id=listing.id).select_related("vehicle"))


def default_title(fields: dict[str, Any]) -> str:
    return titles.compose(fields["make"], fields["model"], fields.get("model_year"), fields.get("series") or "")


async def _compare_and_set(conn: BaseDBAsyncClient, listing: Listing, **changes: Any) -> None:
    """Write only if nobody changed the listing since we read it (a version column works on every database)."""
    updated = (
        await Listing.filter(id=listing.id, version=listing.version)
        .using_db(conn)
        .update(version=listing.version + 1, **changes)
    )
    if updated != 1:
        raise Conflict("the listing was changed meanwhile; reload and try again", code="stale_listing")
    listing.version += 1
    for k, v in changes.items():
        setattr(listing, k, v)


async def update_listing(principal: Principal, listing_id: int, patch: ListingPatch, now: datetime) -> ListingOut:
    listing = await load_managed(principal, listing_id)
    if Status(listing.status) not in lifecycle.EDITABLE:
        raise Conflict(f"a {listing.status} listing cannot be edited", code="invalid_transition")
    changes = patch.model_dump(exclude_unset=True, exclude={"vehicle"})
    if "location_city" in changes:
        changes["location_province"] = plates.province_of_city(changes["location_city"]) or listing.location_province
    repriced = "price_fen" in changes and changes["price_fen"] != listing.price_fen
    async with in_transaction() as conn:
        if patch.vehicle is not None:
            vfields = patch.vehicle.model_dump(exclude_unset=True)
            if vfields:
                # Whichever listing of the vehicle is edited (a withdrawn or expired one too): the vehicle is one.
                await lock_vehicle(conn, listing.vehicle_id)
                await Vehicle.filter(id=listing.vehicle_id).using_db(conn).update(**vfields)
        await _compare_and_set(conn, listing, **changes)
        await record_change(conn, listing, "price_changed" if repriced else "edited")
    return await listing_out(await Listing.get(id=listing.id).select_related("vehicle"))


async def apply_transition(
    conn: BaseDBAsyncClient, listing: Listing, transition: Transition, actor_user_id: int | None, now: datetime
) -> None:
    """Move a listing inside the caller's transaction: status, vehicle engagement, audit row and event."""
    before = Status(listing.status)
    after = lifecycle.next_status(listing.status, transition)
    changes: dict[str, Any] = {"status": after.value}
    if after is Status.PUBLISHED and before is not Status.RESERVED:
        changes["published_at"] = now
    await _compare_and_set(conn, listing, **changes)
    if not lifecycle.holds_vehicle(after):
        # also frees a draft engaged before drafts stopped holding their vehicle (a no-op otherwise)
        await vehicles.release(conn, listing.vehicle_id, "listing", listing.id)
    elif not lifecycle.holds_vehicle(before) and lifecycle.holds_vehicle(after):
        try:
            await vehicles.engage(conn, listing.vehicle_id, "listing", listing.id)
        except vehicles.VehicleBusy:
            raise Conflict("the vehicle is in another open listing or auction lot", code="vehicle_busy") from None
    await ListingTransition.create(
        listing_id=listing.id,
        transition=transition.value,
        from_status=before.value,
        to_status=after.value,
        actor_user_id=actor_user_id,
        at=now,
        using_db=conn,
    )
    await record_change(conn, listing, after.value)


async def transition(principal: Principal, listing_id: int, t: Transition, now: datetime, today: date) -> ListingOut:
    listing = await load_managed(principal, listing_id)
    refusal = None
    if t is Transition.PUBLISH and not principal.is_platform_admin:
        refusal = await trading_refusal(principal.user_id, listing.dealer_org_id, today)
    actor = lifecycle.Actor(
        is_staff=principal.is_platform_admin,
        is_owner_member=manages(principal, listing.dealer_org_id),
        trading_refusal=refusal,
    )
    if t is Transition.PUBLISH:
        await _refuse_if_on_sale_elsewhere(listing)
    if t is Transition.SELL and not await Sale.exists(listing_id=listing.id):
        raise Conflict("a listing is sold through an accepted offer (a recorded sale)", code="no_sale")
    try:
        lifecycle.guard(t, actor)
        async with in_transaction() as conn:
            await apply_transition(conn, listing, t, principal.user_id, now)
    except TransitionRefused as exc:
        if exc.code == "invalid_transition":
            raise Conflict(str(exc), code=exc.code) from None
        raise Forbidden(str(exc), code=exc.code) from None
    return await listing_out(await Listing.get(id=listing.id).select_related("vehicle"))


async def _refuse_if_on_sale_elsewhere(listing: Listing) -> None:
    """One car is on sale by one dealer at a time. Only public listings count: their VIN is on public view,
    so the refusal reveals nothing private (a VIN another dealer holds as a draft answers as a fresh one)."""
    on_sale = (
        await Listing.filter(
            vehicle__vin=listing.vehicle.vin, status__in=[Status.PUBLISHED.value, Status.RESERVED.value]
        )
        .exclude(dealer_org_id=listing.dealer_org_id)
        .exists()
    )
    if on_sale:
        raise Conflict("a car with this VIN is on sale by another dealer", code="vin_on_sale_elsewhere")


_SEARCHED = ("title", "vehicle__vin", "vehicle__make", "vehicle__model", "vehicle__series", "vehicle__colour")
MAX_WORDS = 5


def _matching(org_id: int, q: str) -> QuerySet[Listing]:
    """The dealer's listings whose VIN, names, colour or title contain every word of q (a dealer types part of a VIN,
    "宝马 白色", or a model)."""
    qs = Listing.filter(dealer_org_id=org_id)
    for word in q.split()[:MAX_WORDS]:
        either = Q()
        for column in _SEARCHED:
            either |= Q(**{f"{column}__icontains": word})
        qs = qs.filter(either)
    return qs


async def list_inventory(principal: Principal, org_id: int, f: InventoryFilter) -> InventoryPage:
    require_dealer(principal, org_id)
    matching = _matching(org_id, f.q)
    counts = {
        str(row["status"]): int(row["n"])
        for row in await matching.annotate(n=Count("id")).group_by("status").values("status", "n")
    }
    qs = matching.select_related("vehicle")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.cursor:
        last_id = decode_cursor(f.cursor)
        if last_id > 2**31 - 1:  # beyond the id column's range: would be a database error, not an empty page
            raise BadRequest("invalid cursor", code="invalid_cursor")
        qs = qs.filter(id__lt=last_id)
    rows = list(await qs.order_by("-id").limit(f.limit + 1))
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return InventoryPage(
        items=await listings_out(rows, detail=False),
        next_cursor=encode_cursor(rows[-1].id) if more and rows else None,
        total=counts.get(f.status, 0) if f.status else sum(counts.values()),
        counts=counts,
    )


async def set_condition(principal: Principal, listing_id: int, body: ConditionIn) -> ListingOut:
    listing = await load_managed(principal, listing_id)
    photo_ids = {i.photo_id for i in body.items if i.photo_id is not None}
    if photo_ids and await Photo.filter(id__in=list(photo_ids), vehicle_id=listing.vehicle_id).count() != len(
        photo_ids
    ):
        raise ValidationFailed("a condition item refers to a photo of another vehicle", code="validation_error")
    async with in_transaction() as conn:
        await lock_vehicle(conn, listing.vehicle_id)
        await ConditionItem.filter(vehicle_id=listing.vehicle_id).using_db(conn).delete()
        for item in body.items:
            await ConditionItem.create(vehicle_id=listing.vehicle_id, **item.model_dump(), using_db=conn)
        await _compare_and_set(conn, listing)
        await record_change(conn, listing, "edited")
    return await listing_out(await Listing.get(id=listing.id).select_related("vehicle"))
