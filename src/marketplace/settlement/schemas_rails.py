"""Request and response bodies of the payment rails: bank statements, card payments, reconciliation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from marketplace.settlement.schemas import In, PositiveFen

Column = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
LayoutName = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\w\-\u4e00-\u9fff]{1,60}$")]


class MappingIn(In):
    format: Literal["csv", "xlsx"]
    booked_at: Column = Field(description="the booking time column (交易时间)")
    reference: Column = Field(description="the payer's words (附言/用途/摘要), where the invoice number is quoted")
    serial: Column = Field(default="", description="the bank's serial number (流水号), if it prints one")
    amount: Column = Field(default="", description="one signed amount column (money in positive) …")
    debit: Column = Field(default="", description="… or the debit (支出) and credit (收入) columns")
    credit: Column = ""
    balance: Column = Field(default="", description="the running balance (余额): gaps show as breaks")
    currency: Column = ""
    payer: Column = ""
    payer_account: Column = ""
    default_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"


class LayoutIn(In):
    name: LayoutName
    mapping: MappingIn


class LayoutOut(BaseModel):
    name: str
    builtin: bool
    mapping: dict[str, Any]


class LayoutList(BaseModel):
    items: list[LayoutOut]


class StatementImportQuery(In):
    layout: LayoutName = Field(description="a built-in layout (icbc-csv, ccb-xlsx) or a saved one's name")
    filename: str = Field(default="", max_length=200)


class PreviewQuery(In):
    format: Literal["csv", "xlsx"]


class StatementPreviewOut(BaseModel):
    format: Literal["csv", "xlsx"]
    rows: list[list[str]] = Field(
        description="the file's first filled rows as text (the bank's title rows, the "
        "header, the first lines), for mapping its columns; nothing is stored"
    )


class StatementImportOut(BaseModel):
    id: int
    created: bool = Field(description="false: this very file was imported before; nothing changed")
    layout: str
    lines_total: int
    lines_new: int
    outcomes: dict[str, int]
    balance_breaks: list[list[int]] = Field(description="[file line, expected balance, printed balance], fen")


class StatementListQuery(In):
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=100)


class StatementRowOut(BaseModel):
    id: int
    filename: str
    layout: str
    lines_total: int
    lines_new: int
    imported_at: datetime
    counts: dict[str, int] = Field(description="the file's new lines by status as they stand now")
    matched: int = Field(description="applied, matched to a receipt recorded by hand, or resolved by a person")
    unmatched: int = Field(description="queued or flagged: the work queue")
    excluded: int
    balance_breaks: int


class StatementPage(BaseModel):
    items: list[StatementRowOut]
    next_cursor: str | None


class BankLineOut(BaseModel):
    id: int
    serial: str
    booked_at: datetime
    amount_fen: int
    balance_fen: int | None
    currency: str
    payer: str
    reference: str
    status: str
    reason: str
    invoices: list[Any]
    balance_break: bool
    expected_balance_fen: int | None
    note: str


class BankLinePage(BaseModel):
    items: list[BankLineOut]
    next_cursor: str | None


class BankLineFilter(In):
    status: Literal["applied", "matched", "flagged", "queued", "resolved", "excluded"] | None = None
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=100)


class ResolveIn(In):
    action: Literal["apply", "exclude"]
    invoices: list[Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{5}-\d{6}$")]] = Field(
        default_factory=list, max_length=50, description="invoice numbers (apply): one, or several paid exactly"
    )
    note: str = Field(default="", max_length=200)


class BankReconciliationOut(BaseModel):
    rail: Literal["bank"]
    currency: str
    counts: dict[str, int]
    clearing_fen: int = Field(description="bank clearing: receipts recorded and not yet seen on a statement")
    bank_fen: int
    statement_balance_fen: int | None
    reconciled: bool
    unmatched: list[BankLineOut]
    balance_breaks: list[BankLineOut]
    receipts_not_on_statement: list[dict[str, Any]]


class StripeReconciliationOut(BaseModel):
    rail: Literal["stripe"]
    currency: str
    counts: dict[str, int]
    clearing_fen: int = Field(description="Stripe clearing: card payments Stripe has not settled yet")
    stripe_balance_fen: int
    fees_fen: int
    reconciled: bool
    unmatched: list[dict[str, Any]]
    payments_not_settled: list[dict[str, Any]]


class StripeSyncIn(In):
    since: AwareDatetime


class StripeSyncOut(BaseModel):
    outcomes: dict[str, int]


class CardPaymentOut(BaseModel):
    operation_id: int
    provider: str
    status: str
    amount_fen: int
    currency: str
    client_secret: str | None = Field(description="for Stripe.js to confirm the card in the payer's browser")
    stripe_account: str = Field(
        description="the payee's connected account the payment is made on: Stripe.js is initialised with it "
        "(`Stripe(pk, {stripeAccount})`), as direct charges require"
    )


class CardRefundIn(In):
    amount_fen: PositiveFen
    request_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,48}$")] | None = Field(
        default=None,
        description="the caller's id for this refund: sent again (a retry), the first refund is returned, never a "
        "second; the same id with another amount is 409 card_refund_request_reused",
    )


class CardOperationOut(BaseModel):
    operation_id: int
    kind: str
    status: str
    amount_fen: int
    currency: str


class WebhookOut(BaseModel):
    received: bool
    outcome: str


class CheckoutSessionOut(BaseModel):
    operation_id: int
    status: Literal["pending", "open", "processing", "succeeded", "canceled", "failed"] | str = Field(
        description="pending: the call to Stripe is owed (try again shortly); open: the hosted page awaits the payer; "
        "processing: a delayed method clears; succeeded: paid (the receipt is posted); canceled: expired"
    )
    amount_minor: int = Field(description="minor units of `currency` (cents)")
    currency: str
    url: str | None = Field(description="Stripe's hosted checkout page, while the session is open")


class CardCheckoutStateOut(BaseModel):
    available: bool = Field(description="whether the hosted checkout may be opened now")
    reason: str | None = Field(
        description="why not: card_rail_unavailable (Stripe is not configured here), card_currency_unsupported "
        "(Stripe settles no CNY for a mainland business: pay by bank transfer), invoice_not_open / order_fully_paid"
    )
    currencies: list[str] = Field(description="what the card rail settles (empty when it is not configured)")
    checkout: CheckoutSessionOut | None = Field(description="the latest session, if one was opened")


# --- the payee: the organisation's own Stripe connected account --------------------------------------------------


class CardPayeeIn(In):
    account: str = Field(
        max_length=80,
        description="the Stripe connected account id (acct_…) that takes the organisation's card payments",
    )


class CardPayeeOut(BaseModel):
    account: str
    status: Literal["verified", "unverified", "refused"] = Field(
        description="verified: Stripe shows the account connected to the platform and able to take charges"
    )
    reason: str = Field(description="why refused: card_account_not_found, card_account_charges_disabled, …")
    country: str
    default_currency: str
    set_by_user_id: int
    set_at: datetime
    verified_at: datetime | None


class CardPayeeStateOut(BaseModel):
    current: CardPayeeOut | None = Field(description="the setting in force: new card operations take it")
    history: list[CardPayeeOut] = Field(description="earlier settings, newest first")
    card_rail: bool = Field(description="whether the card rail is configured here (verification asks Stripe)")
    refusal: str | None = Field(description="why card payments to this organisation are refused now, or null")
