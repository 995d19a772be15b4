"""Request and response models of the export API (docs/export.md, "API")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

Str = Annotated[str, Field(min_length=1, max_length=200)]
# Dates and times a person or a forwarder sends: within the years the trade can be about (the legal clocks add
# months and days to them; an unbounded year would overflow).
FIRST_YEAR, LAST_YEAR = 1980, 2100


def _year_in_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_year_in_range)]
Moment = Annotated[datetime, AfterValidator(_year_in_range)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Minor = Annotated[int, Field(ge=0, le=10**13)]  # times a rate of at most 1,000, still a BIGINT in fen
Fen = Annotated[int, Field(ge=0, le=10**15)]
# The papers a step records (uploaded first, to the vehicle or its batch): kept with the step's record.
DocumentIds = Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=50)]
Incoterm = Literal["FOB", "CFR", "CIF", "FCA", "CPT", "CIP"]
Currency = Literal["USD", "EUR", "GBP", "JPY", "AED", "RUB", "KZT", "HKD", "AUD", "CNY"]
Step = Literal[
    "transfer_registered", "inspected", "loaded", "departed", "arrived", "delivered", "deregistered",
    "vat_refund_filed", "vat_not_applicable", "licensed", "declared",
]  # fmt: skip
EventType = Literal["received", "gate_in", "loaded", "departed", "arrived", "discharged", "gate_out", "delivered"]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- filings ------------------------------------------------------------------------------------------------
class Appraiser(In):
    name: Str
    certificate_no: Annotated[str, Field(max_length=60)] = ""


class FilingIn(In):
    filing_no: Annotated[str, Field(min_length=1, max_length=40)]
    province: Annotated[str, Field(min_length=1, max_length=30)]
    approved_on: Day
    customs_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{10}$")]
    appraisers: Annotated[list[Appraiser], Field(min_length=1, max_length=50)]


class RenewIn(In):
    filing_no: Annotated[str, Field(min_length=1, max_length=40)]
    approved_on: Day
    appraisers: Annotated[list[Appraiser], Field(min_length=1, max_length=50)] | None = None


class DecisionIn(In):
    action: Literal["verify", "suspend", "cancel"]
    reason: Annotated[str, Field(max_length=500)] = ""


class FilingOut(BaseModel):
    id: int
    exporter_org_id: int
    filing_no: str
    province: str
    approved_on: date
    valid_until: date
    customs_code: str
    appraisers: list[dict[str, str]]
    status: str
    in_force: bool
    renews_id: int | None
    decision_reason: str
    created_at: datetime


class FilingList(BaseModel):
    items: list[FilingOut]


class FilingFilter(In):
    status: Literal["pending", "verified", "suspended", "cancelled"] | None = None


# --- orders --------------------------------------------------------------------------------------------------
def _rate(value: str) -> str:
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise ValueError('a decimal number as text, e.g. "7.1234"') from None
    if not rate.is_finite() or rate <= 0 or rate > 1000 or rate.as_tuple().exponent < -8:  # type: ignore[operator]
        raise ValueError("a positive rate with at most 8 decimals")
    return str(rate)


class ConsigneeIn(In):
    name: Str
    country: Country
    address: Annotated[str, Field(min_length=1, max_length=500)]
    contact: Str


class OrderIn(In):
    reference: Annotated[str, Field(min_length=1, max_length=40)]
    consignee: ConsigneeIn
    contract_no: Annotated[str, Field(min_length=1, max_length=60)]
    destination_country: Country
    incoterm: Incoterm
    named_place: Annotated[str, Field(min_length=1, max_length=100)]
    currency: Currency
    fx_rate: Annotated[str, Field(max_length=24, description="CNY per unit of the currency, a Decimal as text")]
    fx_source: Annotated[str, Field(min_length=1, max_length=100)]
    fx_date: Day
    planned_shipment: Day | None = None

    @field_validator("fx_rate")
    @classmethod
    def _check_rate(cls, v: str) -> str:
        return _rate(v)


class OrderVehicleIn(In):
    vehicle_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    sale_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    price_minor: Minor
    steering: Literal["lhd", "rhd"] = "lhd"
    fuel: Literal["petrol", "diesel"] = "petrol"
    euro: Annotated[int, Field(ge=1, le=7)] | None = None
    certificates: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = []
    commercial: bool = False


class PaymentIn(In):
    amount_minor: Annotated[int, Field(ge=1, le=10**15)]
    reference: Annotated[str, Field(min_length=1, max_length=60)]
    received_on: Day


class PaymentOut(BaseModel):
    id: int
    amount_minor: int
    currency: str
    method: str
    reference: str
    received_on: date


class DeadlineOut(BaseModel):
    what: str
    due: date
    state: str
    days_left: int


class VehicleOut(BaseModel):
    id: int
    order_id: int
    batch_id: int | None
    vehicle_id: int
    sale_id: int | None
    vin: str
    make: str
    model: str
    energy: str
    steering: str
    price_minor: int
    price_cny_fen: int
    step: str
    colour: str
    todo: str | None
    deadline: DeadlineOut | None
    deadlines: list[DeadlineOut]
    hs_code: str
    hs_derived: bool
    hs_reason: str
    registration: dict[str, Any] | None
    plate: dict[str, Any] | None
    licence_data: dict[str, Any] | None
    refund_fen: int | None
    destination_block: dict[str, Any] | None
    eta: dict[str, Any] | None


class ConsigneeOut(BaseModel):
    name: str
    country: str
    address: str
    contact: str
    legal_ground: str
    contract_no: str


class OrderOut(BaseModel):
    id: int
    exporter_org_id: int
    reference: str
    consignee: ConsigneeOut
    destination_country: str
    incoterm: str
    named_place: str
    currency: str
    fx_rate: str
    fx_source: str
    fx_date: date
    planned_shipment: date | None
    status: str
    total_minor: int
    total_cny_fen: int
    paid_minor: int
    payments: list[PaymentOut]
    vehicles: list[VehicleOut]
    created_at: datetime


class OrderList(BaseModel):
    items: list[OrderOut]


# --- steps -----------------------------------------------------------------------------------------------------
class RegistrationIn(In):
    make: Annotated[str, Field(min_length=1, max_length=50)]
    model: Annotated[str, Field(min_length=1, max_length=80)]
    first_registration: Day
    pending_export_on: Day | None = None


class InvoiceIn(In):
    kind: Literal["special_vat", "ordinary", "private_seller"]
    net_fen: Fen
    tax_fen: Fen
    refund_rate_bp: Annotated[int, Field(ge=0, le=10_000)]


class StepIn(In):
    step: Step
    on: Day | None = None
    pending_export_on: Day | None = None
    plate_no: Annotated[str, Field(max_length=12)] | None = None
    plate_issued: Day | None = None
    insurance_ends: Day | None = None
    inspection_standard: Literal["WM/T 8-2022", "WM/T 9-2022", "declaration"] | None = None
    invoice: InvoiceIn | None = None
    document_ids: DocumentIds = []


class LicenceVehicleIn(In):
    order_vehicle_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    make: Annotated[str, Field(min_length=1, max_length=50)]
    model: Annotated[str, Field(min_length=1, max_length=80)]
    first_registration: Day
    pending_export_on: Day


class LicenceIn(In):
    licence_no: Annotated[str, Field(min_length=1, max_length=40)]
    issued_on: Day
    quantity: Annotated[int, Field(ge=1, le=1000)]
    goods_state: Literal["旧"] = "旧"
    document_ids: DocumentIds = []
    vehicles: Annotated[list[LicenceVehicleIn], Field(min_length=1, max_length=1000)]


class HsOverrideIn(In):
    order_vehicle_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    code: Annotated[str, Field(max_length=7)]
    reason: Annotated[str, Field(max_length=500)]


class DeclarationIn(In):
    declaration_no: Annotated[str, Field(min_length=1, max_length=40)]
    declared_on: Day
    vins: Annotated[list[Annotated[str, Field(max_length=17)]], Field(min_length=1, max_length=1000)]
    hs_overrides: Annotated[list[HsOverrideIn], Field(max_length=1000)] = []
    document_ids: DocumentIds = []


class ClearanceIn(In):
    cleared_on: Day


class BatchStepIn(In):
    step: Literal["loaded", "departed", "arrived", "delivered"]
    on: Day | None = None


# --- batches ------------------------------------------------------------------------------------------------
class BatchIn(In):
    reference: Annotated[str, Field(min_length=1, max_length=40)]
    mode: Literal["ro_ro", "container", "rail"]
    planned_departure: Day
    order_vehicle_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(min_length=1, max_length=1000)]


class BillOfLadingIn(In):
    number: Annotated[str, Field(min_length=1, max_length=40)]
    shipper: Annotated[str, Field(min_length=1, max_length=300)]
    consignee: Annotated[str, Field(min_length=1, max_length=300)]
    notify_party: Annotated[str, Field(max_length=300)] = ""
    vessel: Annotated[str, Field(max_length=100)] = ""
    voyage: Annotated[str, Field(max_length=40)] = ""
    port_of_loading: Annotated[str, Field(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")]
    port_of_discharge: Annotated[str, Field(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")]
    issued_on: Day


class BatchOut(BaseModel):
    id: int
    exporter_org_id: int
    reference: str
    mode: str
    destination_country: str
    planned_departure: date
    licence_no: str
    licence_issued: date | None
    licence_expires: date | None
    licensed_quantity: int | None
    declaration_no: str
    declared_on: date | None
    cleared_on: date | None
    bill_of_lading: dict[str, Any] | None
    vehicle_ids: list[int]
    eta: dict[str, Any] | None


class BatchList(BaseModel):
    items: list[BatchOut]


# --- documents -------------------------------------------------------------------------------------------------
DocType = Literal[
    "registration_certificate", "pending_export_transfer", "temporary_plate", "compulsory_insurance",
    "inspection_report", "standard_declaration", "after_sales_confirmation", "export_licence",
    "customs_declaration", "bill_of_lading", "deregistration_certificate", "purchase_invoice",
    "commercial_invoice", "packing_list", "export_contract", "other",
]  # fmt: skip


class DocumentQuery(In):
    doc_type: DocType
    number: Annotated[str, Field(max_length=60)] = ""
    issued_on: Day | None = None
    issuer: Annotated[str, Field(max_length=200)] = ""
    for_consignee: bool = False


class DocumentOut(BaseModel):
    id: int
    vehicle_id: int | None
    batch_id: int | None
    doc_type: str
    number: str
    issued_on: date | None
    issuer: str
    for_consignee: bool
    content_type: str
    size_bytes: int
    uploaded_by: int
    created_at: datetime


class DocumentList(BaseModel):
    items: list[DocumentOut]


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


class VehicleDetail(BaseModel):
    vehicle: VehicleOut
    steps: list[StepRecordOut]
    documents: list[DocumentOut]
    events: list[EventOut]


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


class TrackOut(BaseModel):
    order_reference: str
    consignee: str
    destination_country: str
    incoterm: str
    named_place: str
    vehicles: list[TrackVehicle]
    documents: list[TrackDocument]
    eta: dict[str, Any] | None
