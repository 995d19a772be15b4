"""The export documents as sheets: commercial invoice, packing list, the export contract (Chinese prevails,
English beside it) with its after-sales terms, and the per-vehicle export dossier. Export papers are
bilingual by default: customs and the buyer abroad read the English, the licence office the Chinese."""

from __future__ import annotations

from marketplace.documents.common import PREVAILS, bi, party_rows, vehicle_rows
from marketplace.documents.layout import Block, Fields, Heading, Paragraph, Sheet, Signatures, Table
from marketplace.documents.model import (
    CommercialInvoice,
    ExportContract,
    ExportDossier,
    ExportLine,
    Letterhead,
    PackingList,
    Party,
)
from marketplace.documents.text import beijing, day, day_en, money

STEP_STATE = {
    "done": "已完成 done",
    "due_soon": "即将到期 due soon",
    "overdue": "已逾期 OVERDUE",
    "pending": "未开始 pending",
}


def _letterhead(p: Party) -> Letterhead:
    return Letterhead(name=p.name, name_en=p.name_en, address=p.address, phone=p.phone)


def _description(x: ExportLine) -> str:
    v = x.vehicle
    if x.description:
        return x.description
    year = f" {v.model_year}" if v.model_year else ""
    return f"旧 USED {v.title}{year}"


def _day(d: object, on: bool) -> str:
    from datetime import date

    if not isinstance(d, date):
        return ""
    return f"{day(d)} {day_en(d)}" if on else day(d)


def commercial_invoice(doc: CommercialInvoice) -> Sheet:
    on, c = doc.bilingual, doc.currency
    head = [
        (bi("发票号", "Invoice No.", on), doc.number),
        (bi("日期", "Date", on), _day(doc.issued_on, on)),
        (bi("贸易术语", "Incoterms® 2020", on), f"{doc.incoterm} {doc.named_place}"),
    ]
    if doc.contract_number:
        head.append((bi("合同号", "Contract No.", on), doc.contract_number))
    if doc.port_of_loading or doc.port_of_discharge:
        head.append((bi("起运港 / 目的港", "From / to", on), f"{doc.port_of_loading} → {doc.port_of_discharge}"))
    if doc.payment_terms:
        head.append((bi("付款条件", "Payment terms", on), doc.payment_terms))
    extra = []
    if doc.freight_minor:
        extra.append((bi("运费", "Freight", on), "", "", "", money(doc.freight_minor, c)))
    if doc.insurance_minor:
        extra.append((bi("保险费", "Insurance", on), "", "", "", money(doc.insurance_minor, c)))
    blocks: list[Block] = [
        Fields(tuple(head)),
        Heading("出口商", "Exporter" if on else ""),
        Fields(party_rows("出口商", "Exporter", doc.exporter, on)),
        Heading("收货人", "Consignee" if on else ""),
        Fields(party_rows("收货人", "Consignee", doc.consignee, on)),
        Heading("货物", "Goods" if on else ""),
        Table(
            headers=(
                bi("货物描述", "Description", on),
                bi("车辆识别代号", "VIN", on),
                bi("HS 编码", "HS code", on),
                bi("单价", "Unit price", on),
                bi("金额", "Amount", on),
            ),
            rows=tuple(
                (
                    _description(x) + (f" ×{x.quantity}" if x.quantity != 1 else ""),
                    x.vehicle.vin,
                    x.hs_code,
                    money(x.unit_price_minor, c),
                    money(x.unit_price_minor * x.quantity, c),
                )
                for x in doc.lines
            )
            + tuple(extra),
            footer=(
                bi("合计", "Total", on),
                f"{sum(x.quantity for x in doc.lines)} 辆 units",
                "",
                "",
                money(doc.total_minor, c),
            ),
            widths=(0.30, 0.24, 0.12, 0.17, 0.17),
            align=("L", "L", "L", "R", "R"),
        ),
    ]
    if doc.bank is not None:
        from marketplace.documents.common import bank_rows

        blocks += [Heading("收款银行", "Beneficiary bank" if on else ""), Fields(bank_rows(doc.bank, on))]
    blocks.append(Signatures((bi("出口商（签章）", "Exporter", on),)))
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="商业发票",
        title_en="Commercial Invoice" if on else "",
        number=doc.number,
        letterhead=_letterhead(doc.exporter),
        blocks=tuple(blocks),
        subject=doc.contract_number,
    )


def packing_list(doc: PackingList) -> Sheet:
    on = doc.bilingual
    head = [(bi("装箱单号", "Packing list No.", on), doc.number), (bi("日期", "Date", on), _day(doc.issued_on, on))]
    for zh, en, value in (
        ("发票号", "Invoice No.", doc.invoice_number),
        ("运输方式", "Mode", doc.shipping_mode),
        ("船名航次 / 车次", "Vessel / voyage", doc.vessel),
        ("集装箱号", "Container", doc.container),
        ("起运港", "Port of loading", doc.port_of_loading),
        ("目的港", "Port of discharge", doc.port_of_discharge),
    ):
        if value:
            head.append((bi(zh, en, on), value))
    gross = sum(p.gross_kg for p in doc.packages)
    net = sum(p.net_kg for p in doc.packages)
    volume = sum(p.volume_dm3 for p in doc.packages)
    blocks: list[Block] = [
        Fields(tuple(head)),
        Heading("出口商 / 收货人", "Exporter / consignee" if on else ""),
        Fields(
            party_rows("出口商", "Exporter", doc.exporter, on)[:2]
            + party_rows("收货人", "Consignee", doc.consignee, on)[:2]
        ),
        Heading("装运明细", "Packages" if on else ""),
        Table(
            headers=(
                "#",
                bi("车辆", "Vehicle", on),
                bi("车辆识别代号", "VIN", on),
                bi("毛重 kg", "Gross kg", on),
                bi("净重 kg", "Net kg", on),
                bi("体积 m³", "Volume m³", on),
                bi("唛头", "Marks", on),
            ),
            rows=tuple(
                (
                    str(i),
                    p.vehicle.title,
                    p.vehicle.vin,
                    f"{p.gross_kg:,}",
                    f"{p.net_kg:,}",
                    _m3(p.volume_dm3),
                    p.marks,
                )
                for i, p in enumerate(doc.packages, 1)
            ),
            footer=(
                bi("合计", "Total", on),
                f"{len(doc.packages)} 辆 units",
                "",
                f"{gross:,}",
                f"{net:,}",
                _m3(volume),
                "",
            ),
            widths=(0.05, 0.22, 0.23, 0.11, 0.11, 0.11, 0.17),
            align=("L", "L", "L", "R", "R", "R", "L"),
        ),
        Paragraph(
            bi("每车为一件，裸装滚装或按集装箱装载。", "Each vehicle is one package (unpacked).", on), muted=True
        ),
        Signatures((bi("出口商（签章）", "Exporter", on),)),
    ]
    return Sheet(
        title="装箱单",
        title_en="Packing List" if on else "",
        number=doc.number,
        letterhead=_letterhead(doc.exporter),
        blocks=tuple(blocks),
        subject=doc.invoice_number,
    )


def _m3(dm3: int) -> str:
    whole, rest = divmod(dm3, 1000)
    return f"{whole}.{rest // 10:02d}"


EXPORT_CONTRACT_SECTIONS = (
    ("一、货物", "1. Goods"),
    ("二、价格与贸易术语", "2. Price and Incoterms"),
    ("三、付款", "3. Payment"),
    ("四、交货与运输", "4. Delivery and shipment"),
    ("五、检验与单据", "5. Inspection and documents"),
    ("六、售后服务", "6. After-sales service"),
    ("七、违约与不可抗力", "7. Breach and force majeure"),
    ("八、争议解决与适用法律", "8. Disputes and governing law"),
    ("九、文本", "9. Language"),
)

DEFAULT_AFTER_SALES = (
    (
        "卖方提供车辆的维修保养资料，并协助买方联系品牌在目的国的授权服务网点；",
        "The seller provides the service records and helps the buyer reach the make's authorised service network "
        "in the destination country;",
    ),
    (
        "自到港之日起 90 日内，车辆存在交付前已有且未告知的重大缺陷的，卖方负责修复或赔偿；",
        "For 90 days from arrival, the seller repairs or compensates a major defect that existed before delivery "
        "and was not disclosed;",
    ),
    (
        "备件供应：卖方按买方订单在 30 日内供应常用备件。",
        "Spare parts: the seller supplies common parts within 30 days of the buyer's order.",
    ),
)


def export_contract(doc: ExportContract) -> Sheet:
    c = doc.currency
    s = EXPORT_CONTRACT_SECTIONS
    after = list(zip(doc.after_sales_zh, doc.after_sales_en, strict=False)) or list(DEFAULT_AFTER_SALES)

    def clause(zh: str, en: str) -> list[Block]:
        return [Paragraph(zh), Paragraph(en, size=8.5, muted=True)]

    blocks: list[Block] = [
        Fields(
            (
                (bi("合同号", "Contract No.", True), doc.number),
                (bi("签订日期", "Date", True), _day(doc.signed_on, True)),
            )
            + party_rows("卖方（出口商）", "Seller (exporter)", doc.seller, True)
            + party_rows("买方", "Buyer", doc.buyer, True)
        ),
        Heading(*s[0]),
        Table(
            headers=("货物描述 Description", "车辆识别代号 VIN", "HS", "数量 Qty", "单价 Unit price", "金额 Amount"),
            rows=tuple(
                (
                    _description(x),
                    x.vehicle.vin,
                    x.hs_code,
                    str(x.quantity),
                    money(x.unit_price_minor, c),
                    money(x.unit_price_minor * x.quantity, c),
                )
                for x in doc.lines
            ),
            footer=("合计 Total", "", "", str(sum(x.quantity for x in doc.lines)), "", money(doc.total_minor, c)),
            widths=(0.27, 0.22, 0.1, 0.09, 0.16, 0.16),
            align=("L", "L", "L", "R", "R", "R"),
        ),
        *clause(
            "货物为旧车（二手车），按现状出售，车况以检验报告为准。",
            "The goods are used vehicles sold as they are; the inspection report states their condition.",
        ),
        Heading(*s[1]),
        *clause(
            f"总价 {money(doc.total_minor, c)}，{doc.incoterm} {doc.named_place}（国际贸易术语解释通则 2020）。",
            f"Total price {money(doc.total_minor, c)}, {doc.incoterm} {doc.named_place} (Incoterms® 2020).",
        ),
        Heading(*s[2]),
        *clause(doc.payment_terms_zh, doc.payment_terms_en),
        Heading(*s[3]),
        *clause(
            f"装运港：{doc.port_of_loading or '—'}；目的港：{doc.port_of_discharge or '—'}；"
            f"最迟装运日：{day(doc.delivery_by) if doc.delivery_by else '双方另行约定'}。风险按所选贸易术语转移。",
            f"Port of loading: {doc.port_of_loading or '—'}; port of discharge: {doc.port_of_discharge or '—'}; "
            f"latest shipment: {day_en(doc.delivery_by) if doc.delivery_by else 'as agreed'}. Risk passes as the "
            "Incoterm says.",
        ),
        Heading(*s[4]),
        *clause(
            "卖方提供第三方检验报告（WM/T 8-2022 或 WM/T 9-2022）、商业发票、装箱单、提单、出口许可证及注销登记证明。",
            "The seller provides the third-party inspection report (WM/T 8-2022 or WM/T 9-2022), commercial "
            "invoice, packing list, bill of lading, export licence and the deregistration certificate.",
        ),
        Heading(*s[5]),
        *(b for i, (zh, en) in enumerate(after, 1) for b in clause(f"{i}. {zh}", f"{i}. {en}")),
        Heading(*s[6]),
        *clause(
            "任何一方违约的，应赔偿对方因此遭受的直接损失；因不可抗力不能履行的，受影响方及时通知并提供证明后免责。",
            "A party in breach compensates the other's direct loss; a party prevented by force majeure is excused "
            "once it gives prompt notice and proof.",
        ),
        Heading(*s[7]),
        *clause(
            f"本合同适用中华人民共和国法律。争议提交{doc.dispute_body}按其规则仲裁，裁决为终局。",
            f"This contract is governed by the law of the PRC. Disputes go to {doc.dispute_body_en} under its rules; "
            "the award is final.",
        ),
        Heading(*s[8]),
        *clause(
            "本合同以中文和英文书就，两种文本具有同等效力；如有不一致，以中文文本为准。",
            "This contract is made in Chinese and English; if they differ, the Chinese text prevails.",
        ),
        Signatures(("卖方（签章） Seller", "买方（签章） Buyer")),
    ]
    return Sheet(
        title="出口合同",
        title_en="Export Contract",
        number=doc.number,
        letterhead=_letterhead(doc.seller),
        blocks=tuple(blocks),
        subject=doc.number,
    )


def export_dossier(doc: ExportDossier) -> Sheet:
    on = doc.bilingual
    head = [(bi("档案号", "Dossier No.", on), doc.number), (bi("生成时间", "Generated", on), beijing(doc.generated_at))]
    for zh, en, value in (
        ("出口订单", "Export order", doc.order_number),
        ("目的国", "Destination", doc.destination),
        ("批次", "Batch", doc.batch),
        ("出口许可证号", "Export licence", doc.licence_number),
        ("HS 编码", "HS code", doc.hs_code),
    ):
        if value:
            head.append((bi(zh, en, on), value))
    blocks: list[Block] = [
        Fields(tuple(head)),
        Heading("车辆", "Vehicle" if on else ""),
        Fields(vehicle_rows(doc.vehicle, on)),
        Heading("出口商 / 收货人", "Exporter / consignee" if on else ""),
        Fields(
            party_rows("出口商", "Exporter", doc.exporter, on)[:2]
            + (party_rows("收货人", "Consignee", doc.consignee, on)[:2] if doc.consignee else ())
        ),
        Heading("步骤", "Steps" if on else ""),
        Table(
            headers=(
                bi("步骤", "Step", on),
                bi("完成日期", "Done", on),
                bi("期限", "Due", on),
                bi("状态", "State", on),
                bi("备注", "Note", on),
            ),
            rows=tuple(
                (
                    bi(st.label_zh, st.label_en, on),
                    day_en(st.done_on) if st.done_on else "",
                    day_en(st.due_on) if st.due_on else "",
                    STEP_STATE.get(st.state, st.state) if on else STEP_STATE.get(st.state, st.state).split(" ")[0],
                    st.note,
                )
                for st in doc.steps
            ),
            widths=(0.28, 0.15, 0.15, 0.17, 0.25),
        ),
        Heading("单据", "Documents" if on else ""),
        Table(
            headers=(
                bi("单据", "Document", on),
                bi("编号", "Reference", on),
                bi("日期", "Issued", on),
                bi("有效期至", "Expires", on),
                bi("状态", "State", on),
            ),
            rows=tuple(
                (
                    bi(d.label_zh, d.label_en, on),
                    d.reference,
                    day_en(d.issued_on) if d.issued_on else "",
                    day_en(d.expires_on) if d.expires_on else "",
                    bi("已存档", "on file", on) if d.present else bi("缺失", "MISSING", on),
                )
                for d in doc.documents
            ),
            widths=(0.3, 0.25, 0.15, 0.15, 0.15),
        ),
        *(Paragraph(n, muted=True) for n in doc.notes),
    ]
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="车辆出口档案",
        title_en="Export Dossier" if on else "",
        number=doc.number,
        letterhead=_letterhead(doc.exporter),
        blocks=tuple(blocks),
        subject=doc.vehicle.vin,
    )
