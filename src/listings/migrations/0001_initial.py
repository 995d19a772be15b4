from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Vehicle",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("vin", fields.CharField(unique=True, max_length=17)),
                ("owner_org_id", fields.IntField(db_index=True)),
                ("make", fields.CharField(max_length=50)),
                ("model", fields.CharField(max_length=80)),
                ("series", fields.CharField(default="", max_length=120)),
                ("body_type", fields.CharField(default="", max_length=30)),
                ("energy_type", fields.CharField(max_length=10)),
                ("transmission", fields.CharField(default="", max_length=20)),
                ("displacement_ml", fields.IntField(null=True)),
                ("battery_kwh", fields.DecimalField(null=True, max_digits=6, decimal_places=1)),
                ("emission_standard", fields.CharField(default="", max_length=20)),
                ("colour", fields.CharField(default="", max_length=30)),
                ("model_year", fields.IntField(null=True)),
                ("first_registration", fields.DateField(null=True)),
                ("mileage_km", fields.IntField(default=0)),
                ("transfers", fields.IntField(default=0)),
                ("plate_prefix", fields.CharField(default="", max_length=4)),
                ("registration_province", fields.CharField(default="", max_length=30)),
                ("registration_city", fields.CharField(default="", max_length=30)),
                ("usage", fields.CharField(default="non_commercial", max_length=20)),
                ("accident", fields.BooleanField(default=False)),
                ("flood", fields.BooleanField(default=False)),
                ("fire", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={"table": "vehicles", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="VehicleEngagement",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "vehicle",
                    fields.ForeignKeyField(
                        "listings.Vehicle",
                        source_field="vehicle_id",
                        unique=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="engagement",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=10)),
                ("ref_id", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "vehicle_engagements", "app": "listings", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
