"""What each document says: plain frozen dataclasses, no behaviour. The caller (settlement's or export's
services) gathers these from its own tables; the renderers turn them into PDF bytes and know nothing of the
database. Money is integer minor units (fen for CNY) with the document's currency; times are aware.

Every value is picklable, so a document crosses into the offload worker as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Party:
    name: str
    name_en: str = ""
    # 统一社会信用代码 for a company, the ID card or passport number for a person.
    id_number: str = ""
    address: str = ""
    phone: str = ""
    country: str = "CN"
    representative: str = ""  # 法定代表人 / the signatory


@dataclass(frozen=True)
class Vehicle:
    vin: str
    make: str = ""
    model: str = ""
    series: str = ""
    model_year: int | None = None
    first_registration: date | None = None
    mileage_km: int | None = None
    colour: str = ""
    energy_type: str = ""
    registration_city: str = ""
    plate: str = ""
    condition: str = ""  # the condition statement (车况说明) as the seller gave it

    @property
    def title(self) -> str:
        return " ".join(x for x in (self.make, self.model, self.series) if x) or self.vin


@dataclass(frozen=True)
class Line:
    """One money line: a fee, a deduction, a price. `amount_minor` is signed only where the document says so
    (a payout statement's deductions are positive amounts subtracted)."""

    label_zh: str
    label_en: str
    amount_minor: int
    note: str = ""


@dataclass(frozen=True)
class BankInstructions:
    """Where to pay: the house's own corporate account (对公账户); the reference ties the transfer to the
    invoice when the bank statement is matched."""

    account_name: str
    bank_name: str
    account_number: str
    branch: str = ""
    swift: str = ""
    reference: str = ""  # 付款附言: write this on the transfer
    note: str = ""


@dataclass(frozen=True)
class Letterhead:
    """The issuer at the top of each page: its name (the "logo" is its name set large), contact line."""

    name: str
    name_en: str = ""
    address: str = ""
    phone: str = ""


# ---- settlement (issue 10, section 10) -----------------------------------------------------------------


@dataclass(frozen=True)
class SaleConfirmation:
    """成交确认书: signed by the buyer and the auctioneer after the hammer."""

    number: str
    house: Letterhead
    buyer: Party
    seller: Party | None
    vehicle: Vehicle
    hammer_minor: int
    premium_minor: int
    currency: str
    sold_at: datetime
    session_title: str = ""
    lot_number: str = ""
    lot_title: str = ""
    paddle: str = ""
    deposit_minor: int = 0
    payment_due: date | None = None
    via: str = ""  # online | floor | …
    bilingual: bool = False


@dataclass(frozen=True)
class BuyerInvoice:
    """The buyer's invoice / 结算单 with the bank instructions."""

    number: str
    house: Letterhead
    buyer: Party
    vehicle: Vehicle
    lines: tuple[Line, ...]
    total_minor: int
    deposit_applied_minor: int
    paid_minor: int
    currency: str
    issued_at: datetime
    due_date: date
    bank: BankInstructions | None
    reference_code: str
    status: str = "open"  # open | paid | void
    due_date_provisional: bool = False
    credit_note_number: str = ""
    bilingual: bool = False

    @property
    def balance_due_minor(self) -> int:
        return self.total_minor - self.paid_minor


@dataclass(frozen=True)
class PayoutStatement:
    """The seller's (consignor's) payout statement: the hammer, the house's deductions, the net paid."""

    number: str
    house: Letterhead
    seller: Party
    vehicle: Vehicle
    hammer_minor: int
    deductions: tuple[Line, ...]
    currency: str
    issued_at: datetime
    sale_invoice_number: str = ""
    paid_on: date | None = None
    payee_bank: BankInstructions | None = None
    reference: str = ""
    bilingual: bool = False

    @property
    def net_minor(self) -> int:
        return self.hammer_minor - sum(d.amount_minor for d in self.deductions)


@dataclass(frozen=True)
class GatePass:
    """出门证: lets the named collector drive the vehicle out of the yard once the sale is paid."""

    number: str
    house: Letterhead
    buyer: Party
    vehicle: Vehicle
    issued_at: datetime
    valid_until: datetime | None  # None: a pass that lasts until the vehicle leaves (one exit)
    code: str  # what the gate scans or types (a QR payload); printed in full beside the QR
    collector_name: str = ""
    collector_id_number: str = ""
    yard: str = ""
    invoice_number: str = ""
    bilingual: bool = False


@dataclass(frozen=True)
class SaleContract:
    """二手车买卖合同, in the sections of the common model contract (示范文本): vehicle, price and taxes,
    payment after transfer, documents and delivery, risk passing on delivery, breach, disputes."""

    number: str
    seller: Party
    buyer: Party
    vehicle: Vehicle
    price_minor: int  # the vehicle price, without taxes and fees
    currency: str
    signed_on: date
    fees: tuple[Line, ...] = ()  # taxes and fees on top of the price, and who bears them (in the label)
    intermediary: Party | None = None  # the auction house or market, where there is one
    documents: tuple[str, ...] = ("机动车行驶证", "机动车登记证书", "车辆购置税完税证明", "交强险保单")
    payment_days_after_transfer: int = 3  # working days after 过户 / 转籍
    documents_within_days: int = 3  # working days after payment
    delivery_place: str = ""
    transfer_within_days: int = 30  # the new owner applies for the transfer within 30 days of delivery
    late_payment_bp_per_day: int = 5  # 0.05 % of the price per day late
    late_documents_bp_per_day: int = 5
    deposit_minor: int = 0
    dispute_body: str = ""  # the arbitration commission; empty: the court where the vehicle is
    place_of_signing: str = ""
    bilingual: bool = False


# ---- export (issue 12, section 7) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportLine:
    vehicle: Vehicle
    hs_code: str
    unit_price_minor: int
    quantity: int = 1
    description: str = ""  # overrides the vehicle's title: "USED CAR 旧 …"


@dataclass(frozen=True)
class CommercialInvoice:
    number: str
    exporter: Party
    consignee: Party
    lines: tuple[ExportLine, ...]
    currency: str
    incoterm: str  # FOB, CFR, CIF, FCA, CPT, CIP
    named_place: str  # the port or place the incoterm names
    issued_on: date
    contract_number: str = ""
    port_of_loading: str = ""
    port_of_discharge: str = ""
    payment_terms: str = ""
    bank: BankInstructions | None = None
    freight_minor: int = 0
    insurance_minor: int = 0
    bilingual: bool = True

    @property
    def goods_minor(self) -> int:
        return sum(x.unit_price_minor * x.quantity for x in self.lines)

    @property
    def total_minor(self) -> int:
        return self.goods_minor + self.freight_minor + self.insurance_minor


@dataclass(frozen=True)
class Package:
    vehicle: Vehicle
    gross_kg: int
    net_kg: int
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    marks: str = ""

    @property
    def volume_dm3(self) -> int:
        # mm³ → dm³, rounded half up: integer arithmetic throughout.
        return (self.length_mm * self.width_mm * self.height_mm + 500_000) // 1_000_000


@dataclass(frozen=True)
class PackingList:
    number: str
    exporter: Party
    consignee: Party
    packages: tuple[Package, ...]
    issued_on: date
    invoice_number: str = ""
    vessel: str = ""  # vessel and voyage, or the train
    container: str = ""
    port_of_loading: str = ""
    port_of_discharge: str = ""
    shipping_mode: str = ""  # ro-ro | container | rail
    bilingual: bool = True


@dataclass(frozen=True)
class ExportContract:
    """The export contract: a Chinese text that prevails with English beside it, with after-sales terms."""

    number: str
    seller: Party  # the exporter (= the consignor on the licence)
    buyer: Party  # the consignee abroad
    lines: tuple[ExportLine, ...]
    currency: str
    incoterm: str
    named_place: str
    signed_on: date
    payment_terms_zh: str
    payment_terms_en: str
    delivery_by: date | None = None
    port_of_loading: str = ""
    port_of_discharge: str = ""
    after_sales_zh: tuple[str, ...] = ()
    after_sales_en: tuple[str, ...] = ()
    dispute_body: str = "中国国际经济贸易仲裁委员会"
    dispute_body_en: str = "China International Economic and Trade Arbitration Commission (CIETAC)"

    @property
    def total_minor(self) -> int:
        return sum(x.unit_price_minor * x.quantity for x in self.lines)


@dataclass(frozen=True)
class DossierStep:
    code: str  # the export step (bought, transfer_registered, …, vat_refund_filed)
    label_zh: str
    label_en: str
    done_on: date | None = None
    due_on: date | None = None
    state: str = ""  # done | due_soon | overdue | pending
    note: str = ""


@dataclass(frozen=True)
class DossierDocument:
    kind: str
    label_zh: str
    label_en: str
    reference: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    present: bool = True


@dataclass(frozen=True)
class ExportDossier:
    """Per vehicle: every document and every step, with dates, for the exporter's file and an inspector."""

    number: str
    exporter: Party
    vehicle: Vehicle
    generated_at: datetime
    order_number: str = ""
    consignee: Party | None = None
    destination: str = ""
    batch: str = ""
    licence_number: str = ""
    hs_code: str = ""
    steps: tuple[DossierStep, ...] = ()
    documents: tuple[DossierDocument, ...] = ()
    notes: tuple[str, ...] = field(default=())
    bilingual: bool = True


# --- the consignor's statement with one house (every sale; per currency totals) -------------------------------


@dataclass(frozen=True)
class StatementRow:
    sale: str  # how the sale is named: "#12 拍品 #3"
    vehicle: str  # VIN, or "#id" when the vehicle port does not know it
    sold_at: datetime
    currency: str
    hammer_minor: int
    deductions_minor: int  # commission + the seller's fees + dispute refunds
    net_minor: int
    state: str  # paid | due | waiting | unwound
    paid_minor: int | None = None
    reference: str = ""  # the payout's bank reference


@dataclass(frozen=True)
class StatementTotal:
    currency: str
    hammer_minor: int
    deductions_minor: int
    paid_minor: int
    outstanding_minor: int  # net of the rows not paid yet


@dataclass(frozen=True)
class SellerStatement:
    """委托人对账单: every sale of one consignor with one house, its figures and payout, as of a moment."""

    number: str
    house: Letterhead
    seller: Party
    as_of: datetime
    rows: tuple[StatementRow, ...]
    totals: tuple[StatementTotal, ...]
    bilingual: bool = False


Content = (
    SaleConfirmation
    | BuyerInvoice
    | PayoutStatement
    | SellerStatement
    | GatePass
    | SaleContract
    | CommercialInvoice
    | PackingList
    | ExportContract
    | ExportDossier
)
