"""Serialising listings for the API."""

from __future__ import annotations

from collections.abc import Iterable

from listings.models import ConditionItem, Listing, Photo, Vehicle
from listings.schemas import ConditionItemOut, DealerOut, ListingOut, ListingSummary, PhotoOut, VehicleOut
from listings.services.access import visible
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation


def photo_out(p: Photo) -> PhotoOut:
    thumb = f"/api/photos/{p.id}/thumb" if p.thumb_key else None
    return PhotoOut(id=p.id, url=f"/api/photos/{p.id}", thumb_url=thumb, width=p.width, height=p.height)


def vehicle_out(v: Vehicle) -> VehicleOut:
    return VehicleOut(
        vin=v.vin,
        manufacturer=v.manufacturer,
        country=v.country,
        make=v.make,
        make_en=v.make_en,
        model=v.model,
        model_en=v.model_en,
        series=v.series,
        body_type=v.body_type,
        energy_type=v.energy_type,
        transmission=v.transmission,
        displacement_ml=v.displacement_ml,
        battery_kwh=float(v.battery_kwh) if v.battery_kwh is not None else None,
        emission_standard=v.emission_standard,
        colour=v.colour,
        model_year=v.model_year,
        first_registration=v.first_registration,
        mileage_km=v.mileage_km,
        transfers=v.transfers,
        plate_prefix=v.plate_prefix,
        registration_province=v.registration_province,
        registration_city=v.registration_city,
        usage=v.usage,
        accident=v.accident,
        flood=v.flood,
        fire=v.fire,
    )


async def dealers(org_ids: set[int]) -> dict[int, DealerOut]:
    orgs = await Organisation.filter(id__in=list(org_ids)) if org_ids else []
    return {o.id: DealerOut(id=o.id, name=o.name, verified=o.verification_status == "verified") for o in orgs}


async def listings_out(listings: list[Listing], *, detail: bool = True) -> list[ListingOut]:
    vehicle_ids = [item.vehicle_id for item in listings]
    photos: dict[int, list[PhotoOut]] = {}
    condition: dict[int, list[ConditionItemOut]] = {}
    for p in await Photo.filter(vehicle_id__in=vehicle_ids).order_by("position", "id"):
        photos.setdefault(p.vehicle_id, []).append(photo_out(p))
    if detail:
        for c in await ConditionItem.filter(vehicle_id__in=vehicle_ids).order_by("id"):
            condition.setdefault(c.vehicle_id, []).append(
                ConditionItemOut(item=c.item, grade=c.grade, note=c.note, photo_id=c.photo_id)
            )
    names = await dealers({item.dealer_org_id for item in listings})
    unknown = DealerOut(id=0, name="", verified=False)
    return [
        ListingOut(
            id=item.id,
            status=item.status,
            price_fen=item.price_fen,
            negotiable=item.negotiable,
            title=item.title,
            description=item.description,
            location_province=item.location_province,
            location_city=item.location_city,
            version=item.version,
            published_at=item.published_at,
            created_at=item.created_at,
            updated_at=item.updated_at,
            dealer=names.get(item.dealer_org_id, unknown),
            vehicle=vehicle_out(item.vehicle),
            photos=photos.get(item.vehicle_id, []),
            condition=condition.get(item.vehicle_id, []),
        )
        for item in listings
    ]


async def listing_out(listing: Listing) -> ListingOut:
    return (await listings_out([listing]))[0]


async def summaries(principal: Principal | None, listings: Iterable[Listing]) -> dict[int, ListingSummary]:
    """Summaries of the listings the caller may see, by id, in one photo query whatever their number.

    A listing the caller can no longer see (withdrawn or expired, for anyone outside its dealer) has no
    summary: its title and price are the dealer's private data again.
    """
    shown = {item.id: item for item in listings if visible(principal, item)}
    thumbs: dict[int, str] = {}
    vehicle_ids = list({item.vehicle_id for item in shown.values()})
    if vehicle_ids:
        rows = await Photo.filter(vehicle_id__in=vehicle_ids, thumb_key__not_isnull=True).order_by("position", "id")
        for p in rows:
            thumbs.setdefault(p.vehicle_id, f"/api/photos/{p.id}/thumb")
    return {
        item.id: ListingSummary(id=item.id, title=item.title, price_fen=item.price_fen, status=item.status,
                                thumb_url=thumbs.get(item.vehicle_id))
        for item in shown.values()
    }  # fmt: skip
