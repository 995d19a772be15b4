"""Shipping events, the desk, destination rules and the consignee's view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from export.schemas.common import (
    Country,
    Day,
    EventType,
    In,
    Moment,
)
from export.schemas.orders import (
    FilingOut,
    OrderOut,
    VehicleOut,
)
from export.schemas.steps import (
    BatchOut,
    DocumentOut,
)


# --- shipping events -------------------------------------------------------------------------------------------
class EventIn(In):
    event_type: EventType
    classifier: Literal["PLN", "EST", "ACT"]
    event_time: Moment
    time_zone: Annotated[str, Field(min_length=1, max_length=40, description="IANA zone, e.g. Asia/Shanghai")]
    location_code: Annotated[str, Field(pattern=r"^([A-Z]{2}[A-Z2-9]{3})?$")] = ""
    location_name: Annotated[str, Field(max_length=100)] = ""
    retracts_event_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    note: Annotated[str, Field(max_length=500)] = ""
    idempotency_key: Annotated[str, Field(max_length=60)] | None = None


class EventOut(BaseModel):
    id: int
    batch_id: int | None
    vehicle_id: int | None
    event_type: str
    classifier: str
    event_time: datetime
    time_zone: str
    local_time: str
    recorded_at: datetime
    location_code: str
    location_name: str
    retracts_event_id: int | None
    retracted: bool
    note: str
    source: str


class EventList(BaseModel):
    items: list[EventOut]
    eta: dict[str, Any] | None


class ImportError_(BaseModel):
    line: int
    column: str
    code: str
    message: str


class ImportReport(BaseModel):
    rows: int
    imported: int
    unchanged: int
    errors: list[ImportError_]


# --- timeline and desk -----------------------------------------------------------------------------------------
class StepRecordOut(BaseModel):
    step: str
    on: date
    data: dict[str, Any]
    recorded_by: int
    recorded_at: datetime


class PlateRecordOut(BaseModel):
    plate_no: str
    issued: date
    insurance_ends: date
    expires: date
    recorded_by: int
    recorded_at: datetime


class VehicleDetail(BaseModel):
    vehicle: VehicleOut
    steps: list[StepRecordOut]
    documents: list[DocumentOut]
    events: list[EventOut]
    plates: list[PlateRecordOut] = []  # every temporary plate, oldest first (the last is the current one)


class DeskOut(BaseModel):
    exporter_org_id: int
    today: date
    filing: FilingOut | None
    orders: list[OrderOut]
    batches: list[BatchOut]
    counts: dict[str, int]
    reminders: int


class ReminderOut(BaseModel):
    id: int
    what: str
    subject: str
    due: date
    message: dict[str, Any]
    created_at: datetime


class ReminderList(BaseModel):
    items: list[ReminderOut]


# --- destination rules -----------------------------------------------------------------------------------------
class CertificateRuleIn(In):
    from_years: Annotated[int, Field(ge=0, le=100)]
    under_years: Annotated[int, Field(ge=1, le=100)] | None = None
    certificate: Annotated[str, Field(min_length=1, max_length=40)]


class RuleIn(In):
    country: Country
    effective_from: Day
    source: Annotated[str, Field(min_length=1, max_length=300)]
    max_age_years: Annotated[int, Field(ge=1, le=100)] | None = None
    age_basis: Literal["first_registration", "manufacture"] = "first_registration"
    age_counted_at: Literal["shipment", "arrival"] = "shipment"
    steering: Literal["lhd", "rhd"] | None = None
    min_euro: Annotated[int, Field(ge=1, le=7)] | None = None
    certificates: Annotated[list[CertificateRuleIn], Field(max_length=20)] = []
    notes: Annotated[str, Field(max_length=500)] = ""


class RuleOut(BaseModel):
    id: int | None  # None: a rule of the shipped table
    country: str
    effective_from: date
    source: str
    max_age_years: int | None
    age_basis: str
    age_counted_at: str
    steering: str | None
    min_euro: int | None
    certificates: list[dict[str, Any]]
    notes: str
    shipped: bool
    in_force: bool


class RuleList(BaseModel):
    items: list[RuleOut]


# --- consignee link --------------------------------------------------------------------------------------------
class LinkOut(BaseModel):
    id: int
    order_id: int
    token: str | None  # only in the answer that creates it
    created_at: datetime
    revoked_at: datetime | None


class TrackVehicle(BaseModel):
    vin: str
    make: str
    model: str
    status: str
    eta: dict[str, Any] | None


class TrackDocument(BaseModel):
    id: int
    doc_type: str
    number: str
    issued_on: date | None


class TrackPayment(BaseModel):
    currency: str
    total_minor: int = Field(description="the vehicles' prices, in minor units of the order's currency")
    paid_minor: int = Field(description="payments recorded on the order (a card payment: once its webhook is in)")
    due_minor: int
    card_status: str | None = Field(
        description="the latest card checkout's state (open, processing, succeeded, canceled, failed), or null"
    )


class TrackOut(BaseModel):
    order_reference: str
    consignee: str
    destination_country: str
    incoterm: str
    named_place: str
    vehicles: list[TrackVehicle]
    documents: list[TrackDocument]
    eta: dict[str, Any] | None
    payment: TrackPayment
