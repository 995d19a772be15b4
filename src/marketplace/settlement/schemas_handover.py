"""Request and response bodies for the handover, payouts, 过户 and disputes. Inputs forbid unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from marketplace.settlement.domain import handover as rules
from marketplace.settlement.schemas import In, Reference

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class GatePassOut(BaseModel):
    sale_id: int
    pass_code: str = Field(description="8 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ; the yard scans or types it")
    issued_at: datetime
    handed_over_at: datetime | None


class ScanIn(In):
    code: str = Field(max_length=40, description="as scanned or typed: case, spaces and dashes are ignored")


class HandoverOut(BaseModel):
    sale_id: int
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    handed_over_at: datetime
    transfer_deadline: date


class FiguresOut(BaseModel):
    hammer_fen: int
    commission_fen: int
    seller_fees_fen: int
    adjustments_fen: int
    set_off_fen: int
    amount_fen: int


class PayoutOut(BaseModel):
    sale_id: int
    house_org_id: int
    seller_org_id: int
    currency: str
    state: Literal["due", "waiting", "paid"]
    waiting: list[str] = Field(description="why it is not due yet (every reason that applies)")
    figures: FiguresOut = Field(description="what is paid (as recorded once paid; as it stands now otherwise)")
    bank_reference: str | None
    paid_on: date | None
    created: bool | None = None


class PayoutFilter(In):
    state: Literal["due", "waiting", "paid", "unwound"] | None = Field(default=None, description="one state only")
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=100)


class PayoutRowOut(BaseModel):
    sale_id: int
    seller_org_id: int = Field(description="the consignor (委托人)")
    seller_name: str
    source: Literal["auction", "listing"]
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    sold_at: datetime
    currency: str
    amount_fen: int = Field(description="what is transferred to the consignor (as recorded once paid; 0 if unwound)")
    state: Literal["due", "waiting", "paid", "unwound"]
    waiting: list[str] = Field(description="why it is not due yet (every reason that applies)")
    due_date: date | None = Field(description="the day the dispute window closes (Beijing time); null until handover")
    bank_reference: str | None
    paid_on: date | None


class PayoutPage(BaseModel):
    items: list[PayoutRowOut]
    next_cursor: str | None


class PayoutIn(In):
    bank_reference: Reference = Field(description="the bank's reference of the transfer to the consignor")
    paid_on: date


class StatementLineOut(BaseModel):
    sale_id: int
    source: str
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    sold_at: datetime
    currency: str
    hammer_fen: int
    commission_fen: int
    seller_fees_fen: int
    adjustments_fen: int
    net_fen: int
    state: Literal["due", "waiting", "paid", "unwound"]
    waiting: list[str]
    paid_fen: int | None
    set_off_fen: int | None
    bank_reference: str | None
    paid_on: date | None


class TotalsOut(BaseModel):
    currency: str
    hammer_fen: int
    commission_fen: int
    seller_fees_fen: int
    adjustments_fen: int
    paid_fen: int
    outstanding_fen: int


class PayoutStatementOut(BaseModel):
    house_org_id: int
    seller_org_id: int
    as_of: datetime
    lines: list[StatementLineOut]
    totals: list[TotalsOut]
    payable_balance_fen: dict[str, int]


class TransferOut(BaseModel):
    sale_id: int
    house_org_id: int
    status: Literal["pending", "documents_handed", "filed", "done", "cancelled"]
    delivered_at: datetime
    deadline: date = Field(description="the last day to apply: 30 days from delivery, a rest day moves it on")
    overdue: bool
    from_province: str
    from_city: str
    documents: list[str]
    documents_handed_at: datetime | None
    filed_at: datetime | None
    blockers: list[dict[str, Any]]
    new_province: str
    new_city: str
    new_plate: str
    proof_uploaded: bool
    proof_uploaded_at: datetime | None
    done_at: datetime | None
    outcome: Literal["none", "in_province", "cross_province"] | None
    reminders: list[str]


class TransferList(BaseModel):
    items: list[TransferOut]


class TransferFilter(In):
    status: Literal["pending", "documents_handed", "filed", "done", "cancelled"] | None = None


class DocumentsIn(In):
    documents: list[Literal["driving_licence", "registration_certificate", "invoice"]] = Field(
        min_length=1, max_length=3
    )
    from_province: Place | None = None
    from_city: Place | None = None


class BlockerIn(In):
    kind: rules.Blocker
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class ProofQuery(In):
    province: Place
    city: Place
    plate: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=12)]


class DisputeIn(In):
    reason: rules.Reason
    description: Text


class RulingOut(BaseModel):
    ruling: rules.Answer
    note: str
    refund_fen: int = Field(description="what the ruling refunded (the rest of what was paid for an unwind)")
    at: datetime


class DisputeOut(BaseModel):
    id: int
    sale_id: int
    house_org_id: int
    reason: rules.Reason
    description: str
    status: Literal["open", "answered"]
    level: rules.Level
    answer: rules.Answer | None
    answer_note: str
    refunded_fen: int
    opened_at: datetime
    answered_at: datetime | None
    evidence: list[int] = Field(description="photo ids: GET /api/disputes/{id}/evidence/{photo}")
    history: list[dict[str, Any]]
    ruling: RulingOut | None = Field(description="the association's ruling, once it ruled (mediation, 调解)")


class DisputeList(BaseModel):
    items: list[DisputeOut]


class DisputeFilter(In):
    status: Literal["open", "answered"] | None = None


class AnswerIn(In):
    answer: rules.Answer
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    refund_fen: int | None = Field(default=None, gt=0, le=10**13, description="the partial refund (price_adjustment)")


class RulingIn(In):
    ruling: rules.Answer
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    refund_fen: int | None = Field(default=None, gt=0, le=10**13, description="the partial refund (price_adjustment)")


class EscalateIn(In):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class EvidenceOut(BaseModel):
    id: int
    dispute_id: int
    content_type: str
    size_bytes: int


class PolicyIn(In):
    window_days: int = Field(ge=1, le=rules.MAX_WINDOW_DAYS)


class PolicyOut(BaseModel):
    house_org_id: int
    window_days: int
