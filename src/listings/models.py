"""Persistence for vehicles and listings.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Vehicle(Model):
    # One physical vehicle in one dealer's inventory, identified by its VIN. The VIN is unique per owner,
    # not globally: a car changes hands between dealers, and a global constraint would tell one dealer
    # which VINs another holds privately (see docs/api.md, "VINs and other dealers").
    id = fields.IntField(primary_key=True)
    vin = fields.CharField(max_length=17)
    owner_org_id = fields.IntField(db_index=True)
    make = fields.CharField(max_length=50)
    model = fields.CharField(max_length=80)
    series = fields.CharField(max_length=120, default="")
    body_type = fields.CharField(max_length=30, default="")
    energy_type = fields.CharField(max_length=10)  # ice | bev | phev | hev | fcev
    transmission = fields.CharField(max_length=20, default="")
    displacement_ml = fields.IntField(null=True)  # engine displacement in millilitres (1998 = 2.0 L)
    battery_kwh = fields.DecimalField(max_digits=6, decimal_places=1, null=True)
    emission_standard = fields.CharField(max_length=20, default="")  # 国五, 国六 …
    colour = fields.CharField(max_length=30, default="")
    model_year = fields.IntField(null=True)
    first_registration = fields.DateField(null=True)
    mileage_km = fields.IntField(default=0)
    transfers = fields.IntField(default=0)  # 过户次数
    plate_prefix = fields.CharField(max_length=4, default="")  # e.g. 浙B
    registration_province = fields.CharField(max_length=30, default="")
    registration_city = fields.CharField(max_length=30, default="")
    usage = fields.CharField(max_length=20, default="non_commercial")  # 非营运 / 营运
    accident = fields.BooleanField(default=False)
    flood = fields.BooleanField(default=False)
    fire = fields.BooleanField(default=False)
    manufacturer = fields.CharField(max_length=60, default="")  # decoded from the VIN's WMI
    country = fields.CharField(max_length=40, default="")  # decoded from the VIN
    model_en = fields.CharField(max_length=80, default="")
    make_en = fields.CharField(max_length=50, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "vehicles"
        unique_together = (("owner_org_id", "vin"),)


class VehicleEngagement(Model):
    # At most one open listing or auction lot per vehicle: the unique vehicle_id is the database's guarantee.
    id = fields.IntField(primary_key=True)
    vehicle: fields.ForeignKeyRelation[Vehicle] = fields.ForeignKeyField(
        "listings.Vehicle", related_name="engagement", on_delete=fields.CASCADE, unique=True
    )
    kind = fields.CharField(max_length=10)  # listing | lot
    ref_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    vehicle_id: int

    class Meta:
        table = "vehicle_engagements"
        # `unique=True` on the foreign key above creates no constraint in the migration, so the guarantee is here.
        unique_together = (("vehicle",),)


class Listing(Model):
    # A dealer's offer of one vehicle at an asking price; `version` grows with every change (search index order).
    id = fields.IntField(primary_key=True)
    vehicle: fields.ForeignKeyRelation[Vehicle] = fields.ForeignKeyField(
        "listings.Vehicle", related_name="listings", on_delete=fields.RESTRICT
    )
    dealer_org_id = fields.IntField(db_index=True)
    status = fields.CharField(max_length=12, default="draft", db_index=True)
    price_fen = fields.BigIntField()
    negotiable = fields.BooleanField(default=True)
    title = fields.CharField(max_length=200, default="")
    description = fields.TextField(default="")
    location_province = fields.CharField(max_length=30, default="")
    location_city = fields.CharField(max_length=30, default="")
    version = fields.IntField(default=1)
    published_at = fields.DatetimeField(null=True)
    created_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    vehicle_id: int

    class Meta:
        table = "listings"


class ListingTransition(Model):
    # Who moved a listing from one status to another, and when.
    id = fields.BigIntField(primary_key=True)
    listing: fields.ForeignKeyRelation[Listing] = fields.ForeignKeyField(
        "listings.Listing", related_name="transitions", on_delete=fields.CASCADE
    )
    transition = fields.CharField(max_length=12)
    from_status = fields.CharField(max_length=12)
    to_status = fields.CharField(max_length=12)
    actor_user_id = fields.IntField(null=True)  # null: the system (expiry)
    at = fields.DatetimeField()

    listing_id: int

    class Meta:
        table = "listing_transitions"


class ConditionItem(Model):
    # One graded item of the condition report (A best … E worst), e.g. "front bumper", "B", "light scratch".
    id = fields.IntField(primary_key=True)
    vehicle: fields.ForeignKeyRelation[Vehicle] = fields.ForeignKeyField(
        "listings.Vehicle", related_name="condition_items", on_delete=fields.CASCADE
    )
    item = fields.CharField(max_length=60)
    grade = fields.CharField(max_length=1)
    note = fields.CharField(max_length=500, default="")
    photo_id = fields.IntField(null=True)

    vehicle_id: int

    class Meta:
        table = "condition_items"


class Photo(Model):
    # A re-encoded photo (EXIF stripped); the thumbnail is made by a job.
    id = fields.IntField(primary_key=True)
    vehicle: fields.ForeignKeyRelation[Vehicle] = fields.ForeignKeyField(
        "listings.Vehicle", related_name="photos", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)
    key = fields.CharField(max_length=200)
    thumb_key = fields.CharField(max_length=200, null=True)
    content_type = fields.CharField(max_length=30)
    width = fields.IntField()
    height = fields.IntField()
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    vehicle_id: int

    class Meta:
        table = "vehicle_photos"


class Offer(Model):
    # A buyer's offer on a negotiable listing: open → accepted | declined | countered | expired | withdrawn.
    id = fields.IntField(primary_key=True)
    listing: fields.ForeignKeyRelation[Listing] = fields.ForeignKeyField(
        "listings.Listing", related_name="offers", on_delete=fields.CASCADE
    )
    buyer_user_id = fields.IntField(db_index=True)
    amount_fen = fields.BigIntField()
    status = fields.CharField(max_length=12, default="open")
    counter_fen = fields.BigIntField(null=True)
    message = fields.CharField(max_length=500, default="")
    expires_at = fields.DatetimeField()
    decided_by = fields.IntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    listing_id: int

    class Meta:
        table = "listing_offers"


class Sale(Model):
    # A binding sale of a listing, recorded for settlement (one per listing: the unique key is the guarantee).
    id = fields.IntField(primary_key=True)
    listing: fields.OneToOneRelation[Listing] = fields.OneToOneField(
        "listings.Listing", related_name="sale", on_delete=fields.RESTRICT
    )
    offer_id = fields.IntField(null=True)
    buyer_user_id = fields.IntField()
    seller_org_id = fields.IntField()
    price_fen = fields.BigIntField()
    sold_at = fields.DatetimeField()

    listing_id: int

    class Meta:
        table = "listing_sales"


class Watch(Model):
    # A buyer's watchlist entry (收藏).
    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    listing: fields.ForeignKeyRelation[Listing] = fields.ForeignKeyField(
        "listings.Listing", related_name="watches", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    listing_id: int

    class Meta:
        table = "listing_watches"
        unique_together = (("user_id", "listing_id"),)


class SavedSearch(Model):
    # A buyer's saved search; new or re-priced listings that match it raise alerts unless paused.
    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    name = fields.CharField(max_length=100)
    params: Any = fields.JSONField()
    paused = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "saved_searches"


class SearchAlert(Model):
    # One alert per saved search, listing and price: a repeated event is harmless, a new price alerts again.
    id = fields.IntField(primary_key=True)
    saved_search: fields.ForeignKeyRelation[SavedSearch] = fields.ForeignKeyField(
        "listings.SavedSearch", related_name="alerts", on_delete=fields.CASCADE
    )
    user_id = fields.IntField(db_index=True)
    listing_id = fields.IntField()
    price_fen = fields.BigIntField()
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    saved_search_id: int

    class Meta:
        table = "search_alerts"
        unique_together = (("saved_search_id", "listing_id", "price_fen"),)
