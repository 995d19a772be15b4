"""Steps, batches and documents: requests and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictInt

from export.schemas.common import (
    Day,
    DocumentIds,
    Fen,
    In,
    Step,
)


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


class PlateIn(In):
    # A new temporary plate (临时号牌): valid 60 days counting the issue day, never past the insurance's end.
    plate_no: Annotated[str, Field(min_length=1, max_length=12)]
    issued: Day
    insurance_ends: Day


# A whole number as sent (1.5 or "1" is refused); its bounds are the packing rules' (export.domain.packing), which
# answer with their own packing_* codes. This bound only keeps absurd numbers out.
Whole = Annotated[StrictInt, Field(ge=-(10**9), le=10**9)]


class PackingIn(In):
    # The packing details of one vehicle for the order's packing list (装箱单): kg, mm, packages, mode.
    gross_kg: Whole
    net_kg: Whole
    length_mm: Whole
    width_mm: Whole
    height_mm: Whole
    packages: Whole = 1
    mode: Annotated[str, Field(max_length=20)]  # ro_ro | container | rail (else packing_mode_unknown)
    container_no: Annotated[str, Field(max_length=40)] = ""  # ISO 6346, for a container
    seal_no: Annotated[str, Field(max_length=40)] = ""


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
# a filing's papers (POST /api/export/filings/{id}/documents): export.schemas.orders.FilingDocType


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
    filing_id: int | None = None
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
