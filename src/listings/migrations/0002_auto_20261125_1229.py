from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ConditionItem",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "vehicle",
                    fields.ForeignKeyField(
                        "listings.Vehicle",
                        source_field="vehicle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="condition_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("item", fields.CharField(max_length=60)),
                ("grade", fields.CharField(max_length=1)),
                ("note", fields.CharField(default="", max_length=500)),
                ("photo_id", fields.IntField(null=True)),
            ],
            options={"table": "condition_items", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Listing",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "vehicle",
                    fields.ForeignKeyField(
                        "listings.Vehicle",
                        source_field="vehicle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="listings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("dealer_org_id", fields.IntField(db_index=True)),
                ("status", fields.CharField(default="draft", db_index=True, max_length=12)),
                ("price_fen", fields.BigIntField()),
                ("negotiable", fields.BooleanField(default=True)),
                ("title", fields.CharField(default="", max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                ("location_province", fields.CharField(default="", max_length=30)),
                ("location_city", fields.CharField(default="", max_length=30)),
                ("version", fields.IntField(default=1)),
                ("published_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={"table": "listings", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ListingTransition",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "listing",
                    fields.ForeignKeyField(
                        "listings.Listing",
                        source_field="listing_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="transitions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("transition", fields.CharField(max_length=12)),
                ("from_status", fields.CharField(max_length=12)),
                ("to_status", fields.CharField(max_length=12)),
                ("actor_user_id", fields.IntField(null=True)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "listing_transitions", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Offer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "listing",
                    fields.ForeignKeyField(
                        "listings.Listing",
                        source_field="listing_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="offers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("buyer_user_id", fields.IntField(db_index=True)),
                ("amount_fen", fields.BigIntField()),
                ("status", fields.CharField(default="open", max_length=12)),
                ("counter_fen", fields.BigIntField(null=True)),
                ("message", fields.CharField(default="", max_length=500)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("decided_by", fields.IntField(null=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "listing_offers", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Photo",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "vehicle",
                    fields.ForeignKeyField(
                        "listings.Vehicle",
                        source_field="vehicle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="photos",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField(default=0)),
                ("key", fields.CharField(max_length=200)),
                ("thumb_key", fields.CharField(null=True, max_length=200)),
                ("content_type", fields.CharField(max_length=30)),
                ("width", fields.IntField()),
                ("height", fields.IntField()),
                ("size_bytes", fields.IntField()),
                ("sha256", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "vehicle_photos", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Sale",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "listing",
                    fields.OneToOneField(
                        "listings.Listing",
                        source_field="listing_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sale",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("offer_id", fields.IntField(null=True)),
                ("buyer_user_id", fields.IntField()),
                ("seller_org_id", fields.IntField()),
                ("price_fen", fields.BigIntField()),
                ("sold_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "listing_sales", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SavedSearch",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("user_id", fields.IntField(db_index=True)),
                ("name", fields.CharField(max_length=100)),
                ("params", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("paused", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "saved_searches", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SearchAlert",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "saved_search",
                    fields.ForeignKeyField(
                        "listings.SavedSearch",
                        source_field="saved_search_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="alerts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("user_id", fields.IntField(db_index=True)),
                ("listing_id", fields.IntField()),
                ("price_fen", fields.BigIntField()),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "search_alerts",
                "app": "listings",
                "unique_together": (("saved_search_id", "listing_id", "price_fen"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Watch",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("user_id", fields.IntField()),
                (
                    "listing",
                    fields.ForeignKeyField(
                        "listings.Listing",
                        source_field="listing_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="watches",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "listing_watches",
                "app": "listings",
                "unique_together": (("user_id", "listing_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Vehicle",
            name="country",
            field=fields.CharField(default="", max_length=40),
        ),
        ops.AddField(
            model_name="Vehicle",
            name="make_en",
            field=fields.CharField(default="", max_length=50),
        ),
        ops.AddField(
            model_name="Vehicle",
            name="manufacturer",
            field=fields.CharField(default="", max_length=60),
        ),
        ops.AddField(
            model_name="Vehicle",
            name="model_en",
            field=fields.CharField(default="", max_length=80),
        ),
        ops.AddConstraint(
            model_name="VehicleEngagement",
            constraint=UniqueConstraint(fields=("vehicle",), name=None),
        ),
    ]
