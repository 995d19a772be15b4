"""Filings and orders: requests and answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from export.schemas.common import (
    Country,
    Currency,
    Day,
    In,
    Incoterm,
    Minor,
    Str,
)
from export.schemas.steps import DocumentOut


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
    # reinstate: a suspended filing in force again (`verify` on a suspended filing does the same)
    action: Literal["verify", "suspend", "reinstate", "cancel"]
    reason: Annotated[str, Field(max_length=500)] = ""


class FilingDecisionOut(BaseModel):
    action: str
    from_status: str
    to_status: str
    reason: str
    decided_by: int
    decided_by_name: str
    decided_at: datetime


FilingDocType = Literal["filing_certificate", "appraiser_certificate", "other"]


class FilingDocumentQuery(In):
    doc_type: FilingDocType
    number: Annotated[str, Field(max_length=60)] = ""
    issued_on: Day | None = None
    issuer: Annotated[str, Field(max_length=200)] = ""


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
    decided_by: int | None
    decided_at: datetime | None
    # the dealer organisation's name: filled in staff answers (a dealer reads only its own filings)
    exporter_name: str | None = None
    decisions: list[FilingDecisionOut] = []  # every staff decision, oldest first
    documents: list[DocumentOut] = []  # the filing's papers (its certificate, the appraisers' evidence)
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
    packing: dict[str, Any] | None  # as recorded (PUT …/packing), null until then


class ConsigneeOut(BaseModel):
    # The consignee's name, address and contact are personal data the dealer holds under its contract with them:
    # only the dealer's own members read them; platform staff get null (`access.sees_consignee`).
    name: str | None
    country: str
    address: str | None
    contact: str | None
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


class CardCheckoutOut(BaseModel):
    operation_id: int
    status: str = Field(
        description="pending (the call to Stripe is owed: try again shortly) · open (the hosted page awaits the "
        "buyer) · processing · succeeded (paid: the order's payment is recorded) · canceled (expired) · failed"
    )
    amount_minor: int = Field(description="minor units of the order's currency")
    currency: str
    url: str | None = Field(description="Stripe's hosted checkout page to send the buyer, while it is open")


class CardCheckoutStateOut(BaseModel):
    available: bool
    reason: str | None = Field(
        description="why not: card_rail_unavailable (Stripe not configured), card_currency_unsupported (Stripe "
        "settles no CNY for a mainland business), order_nothing_due"
    )
    checkout: CardCheckoutOut | None
