"""Persistence for vehicles and listings.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Vehicle(Model):
    # One physical vehicle, identified by its VIN; owned by a dealer organisation.
    id = fields.IntField(primary_key=True)
    vin = fields.CharField(max_length=17, unique=True)
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
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "vehicles"


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
