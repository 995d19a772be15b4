"""Request and response bodies for settlement. Inputs forbid unknown fields; money is integer fen."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Fen = Annotated[int, Field(ge=0, le=10**13)]
PositiveFen = Annotated[int, Field(gt=0, le=10**13)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class FeeScheduleIn(In):
    rules: dict[str, Any] = Field(
        description="buyer_premium and seller_commission bands (lower_fen, upper_fen inclusive, rate_bp, flat_fen, "
        "min_fen, cap_fen), fixed fees, storage, late, relist_fee_fen, vat_bp, payment_days, currency"
    )
    effective_from: AwareDatetime | None = Field(default=None, description="default: now; never in the past")
    note: str = Field(default="", max_length=200)


class FeeScheduleOut(BaseModel):
    id: int
    house_org_id: int
    version: int
    effective_from: datetime
    rules: dict[str, Any]
    note: str
    created_at: datetime


class FeeScheduleList(BaseModel):
    items: list[FeeScheduleOut]


class EstimateIn(In):
    amount: Fen = Field(description="the hammer price in fen")
    session_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="use the session's pinned terms")


class ChargeOut(BaseModel):
    kind: str
    amount_fen: int
    vat_fen: int


class EstimateOut(BaseModel):
    currency: str
    hammer_fen: int
    buyer_premium_fen: int
    buyer_charges: list[ChargeOut]
    total_due_fen: int
    seller_charges: list[ChargeOut]
    seller_net_fen: int
    fee_schedule_id: int | None
    fee_schedule_version: int | None
    basis: Literal["house", "session"]


class InvoiceLineOut(BaseModel):
    kind: str
    category: Literal["fee", "price"]
    amount_fen: int
    paid_fen: int


class InvoiceOut(BaseModel):
    id: int
    number: str
    house_org_id: int
    buyer_user_id: int
    buyer_org_id: int | None
    source: Literal["auction", "listing"]
    session_id: int | None
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    currency: str
    status: Literal["open", "paid", "void"]
    credit_note_number: str | None = Field(description="the credit note that voided this invoice")
    lines: list[InvoiceLineOut]
    total_fen: int
    deposit_applied_fen: int
    paid_fen: int
    balance_due_fen: int
    issued_at: datetime
    due_date: date
    due_date_provisional: bool
    overdue: bool
    sale_id: int = Field(description="the sale: its gate pass, payout, transfer and disputes are under /api/sales/{id}")
    session_title: str = Field(default="", description="the auction session's title as the sale event named it")
    lot_title: str = Field(default="", description="the lot's title (make, model, series); empty for older sales")


class InvoicePage(BaseModel):
    items: list[InvoiceOut]
    next_cursor: str | None


class InvoiceFilter(In):
    status: Literal["open", "paid", "void"] | None = None
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=100)


class VoidIn(In):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ReceiptIn(In):
    invoice_id: int = Field(ge=1, le=2**31 - 1)
    reference: Reference = Field(description="the bank's reference (流水号); recording it again changes nothing")
    amount_fen: PositiveFen
    received_on: date


class ReceiptOut(BaseModel):
    id: int
    invoice_id: int
    reference: str
    amount_fen: int
    currency: str
    applied_fen: int
    credit_fen: int
    allocation: list[tuple[str, int]]
    received_on: date
    created: bool = Field(description="false when this reference had been recorded already (nothing changed)")


class TrialBalanceLine(BaseModel):
    account_id: int
    code: str
    name_en: str
    name_zh: str
    party: str
    normal: Literal["debit", "credit"]
    debit_fen: int
    credit_fen: int


class TrialBalanceOut(BaseModel):
    currency: str
    lines: list[TrialBalanceLine]
    total_debit_fen: int
    total_credit_fen: int
    balanced: bool


class CurrencyIn(In):
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"


class EntryOut(BaseModel):
    id: int
    transaction_id: str
    business_key: str
    kind: str
    memo: str
    amount_fen: int
    balance_after_fen: int
    posted_at: datetime


class StatementOut(BaseModel):
    account: TrialBalanceLine
    balance_fen: int = Field(description="the natural balance: what the account holds on its own side")
    items: list[EntryOut]
    next_cursor: str | None


class StatementIn(In):
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=100)


# ---- documents (issue 10, section 10) ------------------------------------------------------------------

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PaymentInstructionsIn(In):
    account_name: Text200 = Field(description="户名: the house's own corporate account holder")
    bank_name: Text200 = Field(description="开户银行")
    branch: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    account_number: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z -]{4,64}$")]
    swift: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^([A-Z0-9]{8}|[A-Z0-9]{11})?$")] = ""
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class PaymentInstructionsOut(BaseModel):
    house_org_id: int
    account_name: str
    bank_name: str
    branch: str
    account_number: str
    swift: str
    note: str
    updated_at: datetime


class DocumentIn(In):
    bilingual: bool | None = Field(
        default=None,
        description="English beside the Chinese (Chinese prevails); default: bilingual when the sale is not in CNY "
        "(a buyer abroad paying by card), Chinese only otherwise",
    )
