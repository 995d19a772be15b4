"""Persistence for export: filings, orders and their vehicles, batches, documents, shipping events, reminders.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment. Every row is
scoped by `exporter_org_id` (the dealer): one exporter never reads another's rows (services filter on it).
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Filing(Model):
    # The exporter's filing (二手车出口企业备案) with MOFCOM's provincial office: valid one year from approval,
    # renewed before expiry by a new filing that names the one it renews. Verified by platform staff.
    id = fields.IntField(primary_key=True)
    exporter_org_id = fields.IntField(db_index=True)
    filing_no = fields.CharField(max_length=40)
    province = fields.CharField(max_length=30)
    approved_on = fields.DateField()
    valid_until = fields.DateField()
    customs_code = fields.CharField(max_length=10)  # 海关编码 (10 characters)
    appraisers: Any = fields.JSONField()  # [{"name", "certificate_no"}], at least three named staff
    status = fields.CharField(max_length=10, default="pending")  # pending | verified | suspended | cancelled
    decided_by = fields.IntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decision_reason = fields.CharField(max_length=500, default="")
    renews_id = fields.IntField(null=True)
    created_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "export_filings"
        unique_together = (("exporter_org_id", "filing_no"),)


class FilingDecision(Model):
    # Every staff decision on a filing (verify, suspend, reinstate, cancel) with who, when and why, oldest first.
    # Append-only (database triggers): the filing's row holds only the latest; a reinstatement keeps the suspension.
    id = fields.IntField(primary_key=True)
    filing_id = fields.IntField(db_index=True)
    action = fields.CharField(max_length=10)  # verify | suspend | reinstate | cancel
    from_status = fields.CharField(max_length=10)
    to_status = fields.CharField(max_length=10)
    reason = fields.CharField(max_length=500, default="")
    decided_by = fields.IntField()
    decided_at = fields.DatetimeField()

    class Meta:
        table = "export_filing_decisions"


class Order(Model):
    # An export order to one foreign consignee. The consignee's personal data crosses the border on the legal
    # ground of the contract (PIPL art. 13(2)); only the exporter's members, platform staff and the consignee's
    # own link see it.
    id = fields.IntField(primary_key=True)
    exporter_org_id = fields.IntField(db_index=True)
    reference = fields.CharField(max_length=40)
    consignee_name = fields.CharField(max_length=200)
    consignee_country = fields.CharField(max_length=2)
    consignee_address = fields.CharField(max_length=500)
    consignee_contact = fields.CharField(max_length=200)
    legal_ground = fields.CharField(max_length=20, default="contract")
    contract_no = fields.CharField(max_length=60)
    destination_country = fields.CharField(max_length=2)
    incoterm = fields.CharField(max_length=3)
    named_place = fields.CharField(max_length=100)
    currency = fields.CharField(max_length=3)
    # The CNY rate of one unit of the order's currency, fixed once for the order (a Decimal as text: never
    # recomputed, never a float).
    fx_rate = fields.CharField(max_length=24)
    fx_source = fields.CharField(max_length=100)
    fx_date = fields.DateField()
    planned_shipment = fields.DateField(null=True)
    status = fields.CharField(max_length=10, default="open")
    created_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "export_orders"
        unique_together = (("exporter_org_id", "reference"),)


class Payment(Model):
    # The foreign buyer's payment: a bank transfer recorded by the dealer (one row per bank reference), or a card
    # payment through Stripe's hosted checkout (method card, reference the PaymentIntent id).
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "export.Order", related_name="payments", on_delete=fields.RESTRICT
    )
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    method = fields.CharField(max_length=20, default="bank_transfer")
    reference = fields.CharField(max_length=60)
    received_on = fields.DateField()
    recorded_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    order_id: int

    class Meta:
        table = "export_payments"
        unique_together = (("order_id", "reference"),)


class Batch(Model):
    # One licence, one declaration, one shipment (一批一证): vehicles of one or several orders of one exporter.
    id = fields.IntField(primary_key=True)
    exporter_org_id = fields.IntField(db_index=True)
    reference = fields.CharField(max_length=40)
    mode = fields.CharField(max_length=10)  # ro_ro | container | rail
    destination_country = fields.CharField(max_length=2)
    planned_departure = fields.DateField()
    licence_no = fields.CharField(max_length=40, default="")
    licence_issued = fields.DateField(null=True)
    licensed_quantity = fields.IntField(null=True)
    declaration_no = fields.CharField(max_length=40, default="")
    declared_on = fields.DateField(null=True)
    cleared_on = fields.DateField(null=True)
    bill_of_lading: Any = fields.JSONField(null=True)
    created_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "export_batches"
        unique_together = (("exporter_org_id", "reference"),)


class OrderVehicle(Model):
    # One vehicle of an order and where it stands in its steps (export.domain.steps); the facts the gates read
    # are recorded here as they come (registration certificate, plate, licence data, clearance, invoice).
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "export.Order", related_name="vehicles", on_delete=fields.RESTRICT
    )
    exporter_org_id = fields.IntField(db_index=True)
    batch: fields.ForeignKeyNullableRelation[Batch] = fields.ForeignKeyField(
        "export.Batch", related_name="vehicles", null=True, on_delete=fields.RESTRICT
    )
    vehicle_id = fields.IntField()  # listings' vehicle (its public face, listings.vehicles)
    sale_id = fields.IntField(null=True)  # the platform sale it was won in (settlement's sale record)
    vin = fields.CharField(max_length=17)
    make = fields.CharField(max_length=50)
    model = fields.CharField(max_length=80)
    energy = fields.CharField(max_length=10)
    fuel = fields.CharField(max_length=10, default="petrol")
    displacement_ml = fields.IntField(null=True)
    steering = fields.CharField(max_length=3, default="lhd")
    euro = fields.IntField(null=True)
    certificates: Any = fields.JSONField(default=list)
    commercial = fields.BooleanField(default=False)  # WM/T 9-2022 (commercial) rather than 8-2022 (passenger)
    price_minor = fields.BigIntField()
    price_cny_fen = fields.BigIntField()
    step = fields.CharField(max_length=20, default="bought")
    version = fields.IntField(default=1)
    # the registration certificate (登记证书) as recorded
    reg_make = fields.CharField(max_length=50, default="")
    reg_model = fields.CharField(max_length=80, default="")
    reg_first_registration = fields.DateField(null=True)
    pending_export_on = fields.DateField(null=True)
    plate_no = fields.CharField(max_length=12, default="")
    plate_issued = fields.DateField(null=True)
    insurance_ends = fields.DateField(null=True)
    inspection_standard = fields.CharField(max_length=20, default="")
    licence_data: Any = fields.JSONField(null=True)
    hs_code = fields.CharField(max_length=7, default="")
    hs_derived = fields.BooleanField(default=True)
    hs_reason = fields.CharField(max_length=500, default="")
    deregistered_on = fields.DateField(null=True)
    invoice_kind = fields.CharField(max_length=20, default="")
    invoice_net_fen = fields.BigIntField(null=True)
    invoice_tax_fen = fields.BigIntField(null=True)
    refund_rate_bp = fields.IntField(null=True)
    refund_fen = fields.BigIntField(null=True)
    destination_block: Any = fields.JSONField(null=True)  # a rule the estimated arrival breaks
    # the packing details the dealer records for the packing list (export.domain.packing; migration 0003):
    # {gross_kg, net_kg, length_mm, width_mm, height_mm, packages, mode, container_no, seal_no, recorded_by,
    # recorded_at}; null until recorded (the order's packing list is refused while any vehicle has none)
    packing: Any = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    order_id: int
    batch_id: int | None

    class Meta:
        table = "export_order_vehicles"
        unique_together = (("order_id", "vehicle_id"),)


class StepRecord(Model):
    # Who recorded which step of a vehicle, when, with what (append-only: the order's timeline).
    id = fields.IntField(primary_key=True)
    vehicle: fields.ForeignKeyRelation[OrderVehicle] = fields.ForeignKeyField(
        "export.OrderVehicle", related_name="step_records", on_delete=fields.RESTRICT
    )
    step = fields.CharField(max_length=20)
    on = fields.DateField()
    data: Any = fields.JSONField(default=dict)
    recorded_by = fields.IntField()
    recorded_at = fields.DatetimeField()

    vehicle_id: int

    class Meta:
        table = "export_step_records"
        unique_together = (("vehicle_id", "step"),)


class Document(Model):
    # An uploaded paper (registration certificate, inspection report, licence, declaration, bill of lading …),
    # stored through the files port; attached to a vehicle or a batch of one exporter.
    id = fields.IntField(primary_key=True)
    exporter_org_id = fields.IntField(db_index=True)
    order_id = fields.IntField(null=True)
    vehicle_id = fields.IntField(null=True, db_index=True)
    batch_id = fields.IntField(null=True, db_index=True)
    filing_id = fields.IntField(null=True, db_index=True)  # a filing's paper: its certificate, appraisers' evidence
    doc_type = fields.CharField(max_length=40)
    number = fields.CharField(max_length=60, default="")
    issued_on = fields.DateField(null=True)
    issuer = fields.CharField(max_length=200, default="")
    for_consignee = fields.BooleanField(default=False)
    key = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=60)
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    uploaded_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "export_documents"


class ShippingEvent(Model):
    # One event of a vehicle's or a batch's journey (after DCSA track-and-trace / GS1 EPCIS). Append-only: a
    # correction is a new event that retracts an earlier one (database triggers refuse UPDATE and DELETE).
    id = fields.IntField(primary_key=True)
    exporter_org_id = fields.IntField(db_index=True)
    batch_id = fields.IntField(null=True, db_index=True)
    vehicle_id = fields.IntField(null=True, db_index=True)
    event_type = fields.CharField(max_length=12)
    classifier = fields.CharField(max_length=3)  # PLN | EST | ACT
    event_time = fields.DatetimeField()
    event_tz = fields.CharField(max_length=40)
    recorded_at = fields.DatetimeField()
    location_code = fields.CharField(max_length=5, default="")  # UN/LOCODE
    location_name = fields.CharField(max_length=100, default="")
    retracts_id = fields.IntField(null=True)
    note = fields.CharField(max_length=500, default="")
    source = fields.CharField(max_length=10, default="manual")  # manual | csv
    source_key = fields.CharField(max_length=80)  # idempotency: the same key never makes a second event
    recorded_by = fields.IntField()

    class Meta:
        table = "export_shipping_events"
        unique_together = (("exporter_org_id", "source_key"),)


class DestinationRuleVersion(Model):
    # A staff-added version of a country's import rule, in force from its effective date (the shipped table in
    # export.domain.destinations is the base; a version here on the same day wins).
    id = fields.IntField(primary_key=True)
    country = fields.CharField(max_length=2, db_index=True)
    effective_from = fields.DateField()
    source = fields.CharField(max_length=300)
    max_age_years = fields.IntField(null=True)
    age_basis = fields.CharField(max_length=20, default="first_registration")
    age_counted_at = fields.CharField(max_length=10, default="shipment")
    steering = fields.CharField(max_length=3, null=True)
    min_euro = fields.IntField(null=True)
    certificates: Any = fields.JSONField(default=list)
    notes = fields.CharField(max_length=500, default="")
    created_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "export_destination_rules"


class ConsigneeLink(Model):
    # A read-only link for the consignee: only the token's SHA-256 is kept; revoking ends it.
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "export.Order", related_name="links", on_delete=fields.RESTRICT
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_by = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    order_id: int

    class Meta:
        table = "export_consignee_links"


class Reminder(Model):
    # One reminder per deadline (the key names the deadline and its date): the sweeper inserts it once, then
    # mails it; a second sweep finds the key taken and sends nothing.
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=100, unique=True)
    exporter_org_id = fields.IntField(db_index=True)
    what = fields.CharField(max_length=20)  # filing | plate | licence | deregistration
    subject = fields.CharField(max_length=40)  # filing:12, vehicle:34
    due = fields.DateField()
    message: Any = fields.JSONField()
    created_at = fields.DatetimeField()
    mailed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "export_reminders"


# --- export-finish: temporary plate history --------------------------------------------------------------------
class PlateRecord(Model):
    # Every temporary plate (临时号牌) a vehicle was issued, oldest first (append-only): the vehicle's row holds the
    # current one, this table keeps who recorded each plate and when, so a renewal never loses the earlier plate.
    id = fields.IntField(primary_key=True)
    vehicle: fields.ForeignKeyRelation[OrderVehicle] = fields.ForeignKeyField(
        "export.OrderVehicle", related_name="plate_records", on_delete=fields.RESTRICT
    )
    plate_no = fields.CharField(max_length=12)
    issued = fields.DateField()
    insurance_ends = fields.DateField()
    expires = fields.DateField()  # clocks.plate_expires(issued, insurance_ends), fixed when recorded
    recorded_by = fields.IntField()
    recorded_at = fields.DatetimeField()

    vehicle_id: int

    class Meta:
        table = "export_plate_records"
