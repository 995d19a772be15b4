"""Content for every document, with figures the tests look for in the extracted text."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from pypdf import PdfReader

from marketplace.documents.model import (
    BankInstructions,
    BuyerInvoice,
    CommercialInvoice,
    DossierDocument,
    DossierStep,
    ExportContract,
    ExportDossier,
    ExportLine,
    GatePass,
    Letterhead,
    Line,
    Package,
    PackingList,
    Party,
    PayoutStatement,
    SaleConfirmation,
    SaleContract,
    Vehicle,
)

HOUSE = Letterhead(name="重庆长江机动车拍卖有限公司", name_en="Changjiang Vehicle Auctions", phone="023-6000 0000")
BUYER = Party(name="宁波甬城二手车经纪有限公司", name_en="Yongcheng Used Cars", id_number="91330200MA2AAAAA1X")
SELLER = Party(name="重庆渝北汽车租赁有限公司", id_number="91500112MA5BBBBB2Y", address="重庆市渝北区金开大道 1 号")
VEHICLE = Vehicle(
    vin="LSVNV2182E2100001",
    make="大众",
    model="帕萨特",
    series="330TSI 豪华版",
    model_year=2021,
    first_registration=date(2021, 3, 15),
    mileage_km=48_210,
    colour="黑色",
    energy_type="燃油",
    registration_city="重庆",
    plate="渝A·12345",
    condition="左前门有轻微划痕，无事故，无泡水，无火烧。",
)
BANK = BankInstructions(
    account_name="重庆长江机动车拍卖有限公司",
    bank_name="中国工商银行",
    branch="重庆渝北支行",
    account_number="3100 0210 0910 0123 456",
    reference="INV2026-00007-000042",
)
SOLD_AT = datetime(2026, 3, 1, 6, 5, tzinfo=UTC)  # 14:05 in Beijing


def confirmation(**kw: object) -> SaleConfirmation:
    base: dict[str, object] = {
        "number": "2026-00007-000042",
        "house": HOUSE,
        "buyer": BUYER,
        "seller": SELLER,
        "vehicle": VEHICLE,
        "hammer_minor": 12_345_600,
        "premium_minor": 370_368,
        "currency": "CNY",
        "sold_at": SOLD_AT,
        "session_title": "2026年3月网络专场",
        "lot_number": "A-017",
        "paddle": "P0042",
        "deposit_minor": 1_000_000,
        "payment_due": date(2026, 3, 4),
        "via": "online",
    }
    base.update(kw)
    return SaleConfirmation(**base)  # type: ignore[arg-type]


def invoice(**kw: object) -> BuyerInvoice:
    base: dict[str, object] = {
        "number": "2026-00007-000042",
        "house": HOUSE,
        "buyer": BUYER,
        "vehicle": VEHICLE,
        "lines": (
            Line("车辆价款（落槌价）", "Hammer price", 12_345_600),
            Line("买受人佣金", "Buyer's premium", 370_368, note="3.00%"),
            Line("手续费", "Document fee", 50_000),
        ),
        "total_minor": 12_765_968,
        "deposit_applied_minor": 1_000_000,
        "paid_minor": 1_000_000,
        "currency": "CNY",
        "issued_at": SOLD_AT,
        "due_date": date(2026, 3, 4),
        "bank": BANK,
        "reference_code": "INV2026-00007-000042",
    }
    base.update(kw)
    return BuyerInvoice(**base)  # type: ignore[arg-type]


def payout(**kw: object) -> PayoutStatement:
    base: dict[str, object] = {
        "number": "PO-2026-00007-000011",
        "house": HOUSE,
        "seller": SELLER,
        "vehicle": VEHICLE,
        "hammer_minor": 12_345_600,
        "deductions": (
            Line("委托人佣金", "Seller's commission", 246_912, note="2.00%"),
            Line("停车费", "Storage", 30_000),
        ),
        "currency": "CNY",
        "issued_at": SOLD_AT,
        "sale_invoice_number": "2026-00007-000042",
        "paid_on": date(2026, 3, 10),
        "payee_bank": BankInstructions(
            account_name=SELLER.name, bank_name="中国建设银行", account_number="5000 1234 5678"
        ),
        "reference": "B20260310-778899",
    }
    base.update(kw)
    return PayoutStatement(**base)  # type: ignore[arg-type]


def gate_pass(**kw: object) -> GatePass:
    base: dict[str, object] = {
        "number": "GP-2026-000042",
        "house": HOUSE,
        "buyer": BUYER,
        "vehicle": VEHICLE,
        "issued_at": SOLD_AT,
        "valid_until": datetime(2026, 3, 8, 9, 0, tzinfo=UTC),
        "code": "GP7K2Q-9XW4M",
        "collector_name": "王小明",
        "collector_id_number": "330203199001011234",
        "yard": "两江新区 3 号停车场",
        "invoice_number": "2026-00007-000042",
    }
    base.update(kw)
    return GatePass(**base)  # type: ignore[arg-type]


def contract(**kw: object) -> SaleContract:
    base: dict[str, object] = {
        "number": "HT-2026-00007-000042",
        "seller": SELLER,
        "buyer": BUYER,
        "vehicle": VEHICLE,
        "price_minor": 12_345_600,
        "currency": "CNY",
        "signed_on": date(2026, 3, 1),
        "fees": (Line("买受人佣金（乙方承担）", "Buyer's premium (buyer)", 370_368),),
        "intermediary": Party(name=HOUSE.name, name_en=HOUSE.name_en),
        "deposit_minor": 1_000_000,
        "delivery_place": "重庆市两江新区 3 号停车场",
        "dispute_body": "重庆仲裁委员会",
        "place_of_signing": "重庆",
    }
    base.update(kw)
    return SaleContract(**base)  # type: ignore[arg-type]


EXPORTER = Party(
    name="宁波甬城汽车出口有限公司", name_en="Yongcheng Auto Export Co., Ltd.", id_number="91330200MA2CCCCC3Z"
)
CONSIGNEE = Party(
    name="Nairobi Motors Ltd", name_en="Nairobi Motors Ltd", address="Mombasa Road, Nairobi", country="KE"
)
EXPORT_LINES = (
    ExportLine(VEHICLE, "8703.23", 1_650_000),
    ExportLine(Vehicle(vin="LFV2A21K6M4000002", make="Toyota", model="Corolla", model_year=2019), "8703.22", 980_050),
)


def commercial_invoice(**kw: object) -> CommercialInvoice:
    base: dict[str, object] = {
        "number": "CI-2026-0007",
        "exporter": EXPORTER,
        "consignee": CONSIGNEE,
        "lines": EXPORT_LINES,
        "currency": "USD",
        "incoterm": "CIF",
        "named_place": "Mombasa",
        "issued_on": date(2026, 4, 2),
        "contract_number": "EC-2026-0007",
        "port_of_loading": "Ningbo",
        "port_of_discharge": "Mombasa",
        "freight_minor": 120_000,
        "insurance_minor": 8_000,
    }
    base.update(kw)
    return CommercialInvoice(**base)  # type: ignore[arg-type]


def packing_list(**kw: object) -> PackingList:
    base: dict[str, object] = {
        "number": "PL-2026-0007",
        "exporter": EXPORTER,
        "consignee": CONSIGNEE,
        "packages": (
            Package(VEHICLE, gross_kg=1_615, net_kg=1_540, length_mm=4_948, width_mm=1_836, height_mm=1_469),
            Package(
                EXPORT_LINES[1].vehicle, gross_kg=1_380, net_kg=1_310, length_mm=4_635, width_mm=1_780, height_mm=1_435
            ),
        ),
        "issued_on": date(2026, 4, 2),
        "invoice_number": "CI-2026-0007",
        "vessel": "HOEGH TRIGGER V.112",
        "shipping_mode": "滚装 ro-ro",
        "port_of_loading": "Ningbo",
        "port_of_discharge": "Mombasa",
    }
    base.update(kw)
    return PackingList(**base)  # type: ignore[arg-type]


def export_contract(**kw: object) -> ExportContract:
    base: dict[str, object] = {
        "number": "EC-2026-0007",
        "seller": EXPORTER,
        "buyer": CONSIGNEE,
        "lines": EXPORT_LINES,
        "currency": "USD",
        "incoterm": "CIF",
        "named_place": "Mombasa",
        "signed_on": date(2026, 3, 20),
        "payment_terms_zh": "买方于装运前支付 30% 预付款，余款凭提单副本电汇支付。",
        "payment_terms_en": "30% in advance before shipment, the balance by T/T against a copy of the bill of lading.",
        "delivery_by": date(2026, 4, 30),
        "port_of_loading": "Ningbo",
        "port_of_discharge": "Mombasa",
    }
    base.update(kw)
    return ExportContract(**base)  # type: ignore[arg-type]


def dossier(**kw: object) -> ExportDossier:
    base: dict[str, object] = {
        "number": "ED-2026-0007-1",
        "exporter": EXPORTER,
        "vehicle": VEHICLE,
        "generated_at": datetime(2026, 4, 3, 2, 0, tzinfo=UTC),
        "order_number": "EO-2026-0007",
        "consignee": CONSIGNEE,
        "destination": "肯尼亚 Kenya (KE)",
        "batch": "B-2026-03",
        "licence_number": "26-33-123456",
        "hs_code": "8703.23",
        "steps": (
            DossierStep("bought", "购车", "Bought", done_on=date(2026, 3, 2), state="done"),
            DossierStep(
                "transfer_registered",
                "转让登记待出口",
                "Transfer (awaiting export)",
                done_on=date(2026, 3, 5),
                state="done",
            ),
            DossierStep(
                "inspected", "检验", "Inspected", due_on=date(2026, 5, 3), state="due_soon", note="临牌 5月3日到期"
            ),
            DossierStep("licensed", "出口许可证", "Export licence", state="pending"),
        ),
        "documents": (
            DossierDocument("registration", "机动车登记证书", "Registration certificate", reference="渝A123456"),
            DossierDocument(
                "temporary_plate",
                "临时号牌",
                "Temporary plate",
                reference="渝A·临1234",
                issued_on=date(2026, 3, 5),
                expires_on=date(2026, 5, 3),
            ),
            DossierDocument("inspection", "检验报告", "Inspection report", present=False),
        ),
    }
    base.update(kw)
    return ExportDossier(**base)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> list[str]:
    """Each page's extracted text, read back by pypdf (an independent reader, not the writer)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """All text with whitespace removed: a figure or a phrase is found wherever a line broke."""
    return re.sub(r"\s+", "", "".join(text_of(pdf)))


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)
