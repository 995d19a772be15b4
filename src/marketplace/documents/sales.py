"""The settlement documents as sheets: 成交确认书, the buyer's invoice / 结算单, the seller's payout statement,
the gate pass and the 二手车买卖合同. Chinese always; English beside it where `bilingual` (the buyer abroad).
The Chinese text prevails, and the documents say so."""

from __future__ import annotations

import re

from marketplace.documents.layout import (
    Barcode,
    Block,
    Fields,
    Heading,
    Paragraph,
    Sheet,
    Signatures,
    Spacer,
    Table,
)
from marketplace.documents.model import (
    BankInstructions,
    BuyerInvoice,
    GatePass,
    Letterhead,
    Party,
    PayoutStatement,
    SaleConfirmation,
    SaleContract,
    Vehicle,
)
from marketplace.documents.text import beijing, capital, day, day_en, money, percent_bp, price, wan

PREVAILS = "本文件以中文文本为准。 The Chinese text prevails."


def bi(zh: str, en: str, on: bool) -> str:
    return f"{zh} {en}" if on and en else zh


def party_rows(label_zh: str, label_en: str, p: Party, on: bool) -> tuple[tuple[str, str], ...]:
    name = p.name + (f"（{p.name_en}）" if on and p.name_en else "")
    rows = [(bi(label_zh, label_en, on), name)]
    if p.id_number:
        rows.append((bi("证件号码", "ID / registration no.", on), p.id_number))
    if p.address:
        rows.append((bi("地址", "Address", on), p.address))
    if p.phone:
        rows.append((bi("电话", "Phone", on), p.phone))
    if p.representative:
        rows.append((bi("代表人", "Represented by", on), p.representative))
    return tuple(rows)


def vehicle_rows(v: Vehicle, on: bool) -> tuple[tuple[str, str], ...]:
    rows = [
        (bi("车辆识别代号", "VIN", on), v.vin),
        (bi("品牌型号", "Make and model", on), v.title),
    ]
    optional = [
        ("号牌号码", "Plate", v.plate),
        ("年款", "Model year", str(v.model_year) if v.model_year else ""),
        ("初次登记日期", "First registered", day(v.first_registration) if v.first_registration else ""),
        ("表显里程", "Odometer", f"{v.mileage_km:,} km" if v.mileage_km is not None else ""),
        ("颜色", "Colour", v.colour),
        ("能源类型", "Energy", v.energy_type),
        ("登记地", "Registered in", v.registration_city),
        ("车况说明", "Condition statement", v.condition),
    ]
    rows += [(bi(zh, en, on), value) for zh, en, value in optional if value]
    return tuple(rows)


def bank_rows(b: BankInstructions, on: bool) -> tuple[tuple[str, str], ...]:
    rows = [
        (bi("户名", "Account name", on), b.account_name),
        (bi("开户银行", "Bank", on), b.bank_name + (f" {b.branch}" if b.branch else "")),
        (bi("账号", "Account number", on), b.account_number),
    ]
    if b.swift:
        rows.append(("SWIFT/BIC", b.swift))
    if b.reference:
        rows.append((bi("付款附言（必填）", "Payment reference (required)", on), b.reference))
    if b.note:
        rows.append((bi("说明", "Note", on), b.note))
    return tuple(rows)


def sale_confirmation(doc: SaleConfirmation) -> Sheet:
    on, c = doc.bilingual, doc.currency
    blocks: list[Block] = [
        Paragraph(
            bi(
                f"买受人于 {beijing(doc.sold_at)} 以下列价格竞得下列车辆，双方确认成交。",
                "The buyer won the vehicle below at the price below; both parties confirm the sale.",
                on,
            )
        ),
        Heading("拍卖信息", "Auction" if on else ""),
        Fields(
            tuple(
                (bi(zh, en, on), value)
                for zh, en, value in (
                    ("拍卖场次", "Session", doc.session_title),
                    ("拍品号", "Lot", doc.lot_number),
                    ("拍品", "Lot title", doc.lot_title),
                    ("竞买号牌", "Paddle", doc.paddle),
                    ("成交方式", "Sold via", doc.via),
                    ("成交时间", "Sold at", beijing(doc.sold_at)),
                )
                if value
            )
        ),
        Heading("买受人", "Buyer" if on else ""),
        Fields(party_rows("买受人", "Buyer", doc.buyer, on)),
    ]
    if doc.seller is not None:
        blocks += [
            Heading("委托人", "Consignor" if on else ""),
            Fields(party_rows("委托人", "Consignor", doc.seller, on)),
        ]
    total = doc.hammer_minor + doc.premium_minor
    blocks += [
        Heading("车辆", "Vehicle" if on else ""),
        Fields(vehicle_rows(doc.vehicle, on)),
        Heading("成交价款", "Price" if on else ""),
        Table(
            headers=(bi("项目", "Item", on), bi("金额", "Amount", on)),
            rows=(
                (
                    bi("落槌价（成交价）", "Hammer price", on),
                    price(doc.hammer_minor) if c == "CNY" else money(doc.hammer_minor, c),
                ),
                (bi("买受人佣金", "Buyer's premium", on), money(doc.premium_minor, c)),
            ),
            footer=(bi("合计", "Total", on), money(total, c)),
            widths=(0.6, 0.4),
            align=("L", "R"),
        ),
    ]
    if c == "CNY":
        blocks.append(Paragraph(f"合计金额（大写）：人民币{capital(total)}"))
    if doc.deposit_minor:
        blocks.append(
            Paragraph(
                bi(
                    f"已交保证金 {money(doc.deposit_minor, c)} 将抵作价款。",
                    "The deposit paid is applied to the price.",
                    on,
                )
            )
        )
    if doc.payment_due is not None:
        blocks.append(
            Paragraph(
                bi(
                    f"买受人应于 {day(doc.payment_due)} 前付清全部款项。",
                    f"Pay in full by {day_en(doc.payment_due)}.",
                    on,
                )
            )
        )
    blocks += [
        Paragraph(
            bi(
                "买受人逾期未付款的，拍卖人可按拍卖规则没收保证金并重新拍卖。",
                "If the buyer does not pay in time, the auctioneer may keep the deposit and re-auction the vehicle.",
                on,
            ),
            muted=True,
        ),
        Signatures((bi("买受人（签章）", "Buyer", on), bi("拍卖人（签章）", "Auctioneer", on))),
    ]
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="成交确认书",
        title_en="Sale Confirmation" if on else "",
        number=doc.number,
        letterhead=doc.house,
        blocks=tuple(blocks),
        subject=doc.vehicle.vin,
    )


def buyer_invoice(doc: BuyerInvoice) -> Sheet:
    on, c = doc.bilingual, doc.currency
    status = {"open": "待付款 Open", "paid": "已付清 Paid", "void": "已作废 Void"}.get(doc.status, doc.status)
    rows: list[tuple[str, str]] = [
        (bi("结算单号", "Invoice number", on), doc.number),
        (bi("开具时间", "Issued", on), beijing(doc.issued_at)),
        (bi("付款期限", "Due date", on), day(doc.due_date) + ("（暂定）" if doc.due_date_provisional else "")),
        (bi("状态", "Status", on), status if on else status.split(" ")[0]),
    ]
    if doc.credit_note_number:
        rows.append((bi("红字冲销单号", "Credit note", on), doc.credit_note_number))
    blocks: list[Block] = [
        Fields(tuple(rows)),
        Heading("买受人", "Buyer" if on else ""),
        Fields(party_rows("买受人", "Buyer", doc.buyer, on)),
        Heading("车辆", "Vehicle" if on else ""),
        Fields(vehicle_rows(doc.vehicle, on)[:2]),
        Heading("费用明细", "Charges" if on else ""),
        Table(
            headers=(bi("项目", "Item", on), bi("说明", "Note", on), bi("金额", "Amount", on)),
            rows=tuple((bi(x.label_zh, x.label_en, on), x.note, money(x.amount_minor, c)) for x in doc.lines),
            footer=(bi("应付合计", "Total", on), wan(doc.total_minor) if c == "CNY" else "", money(doc.total_minor, c)),
            widths=(0.42, 0.28, 0.30),
            align=("L", "L", "R"),
        ),
        Table(
            headers=(bi("结算", "Settlement", on), bi("金额", "Amount", on)),
            rows=(
                (bi("应付合计", "Total", on), money(doc.total_minor, c)),
                (bi("其中：保证金抵扣", "of which deposit applied", on), money(doc.deposit_applied_minor, c)),
                (bi("已付（含保证金）", "Paid (deposit included)", on), money(doc.paid_minor, c)),
            ),
            footer=(bi("尚欠金额", "Balance due", on), money(doc.balance_due_minor, c)),
            widths=(0.6, 0.4),
            align=("L", "R"),
        ),
    ]
    if c == "CNY":
        blocks.append(Paragraph(f"尚欠金额（大写）：人民币{capital(max(doc.balance_due_minor, 0))}"))
    blocks.append(Heading("付款方式", "How to pay" if on else ""))
    if doc.bank is not None:
        blocks += [
            Paragraph(
                bi(
                    "请以对公转账方式汇入拍卖人自有账户，并在附言中填写下列付款参考号，以便核对入账。",
                    "Pay by bank transfer to the house's own account below and quote the reference, so the payment "
                    "is matched to this invoice.",
                    on,
                )
            ),
            Fields(bank_rows(doc.bank, on)),
        ]
    else:
        blocks.append(Paragraph(bi("收款账户请向拍卖人索取。", "Ask the house for its bank account.", on)))
    blocks += [
        Fields(((bi("付款参考号", "Reference code", on), doc.reference_code),)),
        Paragraph(
            bi(
                "款项先抵扣佣金及各项费用，再抵扣车款；多付部分记为您的余额，可申请退还。",
                "A payment pays the fees first, then the vehicle price; any excess is kept as your credit, refundable.",
                on,
            ),
            muted=True,
        ),
    ]
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="结算单",
        title_en="Invoice" if on else "",
        number=doc.number,
        letterhead=doc.house,
        blocks=tuple(blocks),
        subject=doc.reference_code,
    )


def payout_statement(doc: PayoutStatement) -> Sheet:
    on, c = doc.bilingual, doc.currency
    rows = [
        (bi("对账单号", "Statement number", on), doc.number),
        (bi("出具时间", "Issued", on), beijing(doc.issued_at)),
    ]
    if doc.sale_invoice_number:
        rows.append((bi("对应结算单", "Sale invoice", on), doc.sale_invoice_number))
    rows.append((bi("付款日期", "Paid on", on), day(doc.paid_on) if doc.paid_on else bi("待付", "Not yet paid", on)))
    blocks: list[Block] = [
        Fields(tuple(rows)),
        Heading("委托人", "Consignor" if on else ""),
        Fields(party_rows("委托人", "Consignor", doc.seller, on)),
        Heading("车辆", "Vehicle" if on else ""),
        Fields(vehicle_rows(doc.vehicle, on)[:2]),
        Heading("结算明细", "Settlement" if on else ""),
        Table(
            headers=(bi("项目", "Item", on), bi("说明", "Note", on), bi("金额", "Amount", on)),
            rows=(
                (
                    bi("成交价", "Hammer price", on),
                    wan(doc.hammer_minor) if c == "CNY" else "",
                    money(doc.hammer_minor, c),
                ),
                *(
                    (bi("减：" + d.label_zh, "less " + d.label_en, on), d.note, money(-d.amount_minor, c))
                    for d in doc.deductions
                ),
            ),
            footer=(bi("应付委托人净额", "Net payable to the consignor", on), "", money(doc.net_minor, c)),
            widths=(0.42, 0.28, 0.30),
            align=("L", "L", "R"),
        ),
    ]
    if c == "CNY":
        blocks.append(Paragraph(f"净额（大写）：人民币{capital(max(doc.net_minor, 0))}"))
    if doc.payee_bank is not None:
        blocks += [Heading("收款账户", "Paid to" if on else ""), Fields(bank_rows(doc.payee_bank, on))]
    if doc.reference:
        blocks.append(Fields(((bi("付款流水号", "Payment reference", on), doc.reference),)))
    blocks.append(Signatures((bi("拍卖人（签章）", "Auctioneer", on),)))
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="委托人结算对账单",
        title_en="Payout Statement" if on else "",
        number=doc.number,
        letterhead=doc.house,
        blocks=tuple(blocks),
        subject=doc.vehicle.vin,
    )


GATE_CODE = re.compile(r"[0-9A-Z.\- ]{1,40}")  # what Code 39 encodes (without $ / + %, which scanners mangle)


def gate_pass(doc: GatePass) -> Sheet:
    on = doc.bilingual
    if not GATE_CODE.fullmatch(doc.code.upper()):
        raise ValueError("a gate pass code is 1–40 of A–Z, 0–9, '-', '.', ' ' (Code 39)")
    rows = [
        (bi("出门证号", "Pass number", on), doc.number),
        (bi("签发时间", "Issued", on), beijing(doc.issued_at)),
        (
            bi("有效期至", "Valid until", on),
            beijing(doc.valid_until) if doc.valid_until else bi("提车出门前有效（一次）", "Until the one exit", on),
        ),
    ]
    if doc.yard:
        rows.append((bi("停车场", "Yard", on), doc.yard))
    if doc.invoice_number:
        rows.append((bi("结算单号（已付清）", "Invoice (paid)", on), doc.invoice_number))
    collector = [(bi("提车人", "Collected by", on), doc.collector_name or doc.buyer.name)]
    if doc.collector_id_number:
        collector.append((bi("提车人证件号", "Collector's ID", on), doc.collector_id_number))
    blocks: list[Block] = [
        Barcode(doc.code),
        Fields(tuple(rows)),
        Heading("车辆", "Vehicle" if on else ""),
        Fields(vehicle_rows(doc.vehicle, on)[:3]),
        Heading("买受人及提车人", "Buyer and collector" if on else ""),
        Fields(party_rows("买受人", "Buyer", doc.buyer, on)[:2] + tuple(collector)),
        Paragraph(
            bi(
                "凭本证及提车人身份证件放行，一车一证，一次有效；门卫须扫码核验后放行。",
                "One vehicle, one exit: the gate scans this code and checks the collector's ID before release.",
                on,
            )
        ),
        Signatures((bi("门卫（签字）", "Gate", on), bi("提车人（签字）", "Collector", on))),
    ]
    return Sheet(
        title="车辆出门证",
        title_en="Gate Pass" if on else "",
        number=doc.number,
        letterhead=doc.house,
        blocks=tuple(blocks),
        subject=doc.code,
    )


# The sections of the model contract, in order. Tests read them back in this order.
CONTRACT_SECTIONS = (
    ("第一条 车辆基本情况", "Article 1 The vehicle"),
    ("第二条 车辆价款及税费", "Article 2 Price, taxes and fees"),
    ("第三条 付款方式（过户后付款）", "Article 3 Payment after the transfer"),
    ("第四条 随车文件及交付", "Article 4 Documents and delivery"),
    ("第五条 风险转移", "Article 5 Passing of risk"),
    ("第六条 违约责任", "Article 6 Breach"),
    ("第七条 争议解决", "Article 7 Disputes"),
)


def sale_contract(doc: SaleContract) -> Sheet:
    on, c = doc.bilingual, doc.currency
    s = CONTRACT_SECTIONS

    def clause(zh: str, en: str) -> list[Block]:
        out: list[Block] = [Paragraph(zh)]
        if on:
            out.append(Paragraph(en, size=8.5, muted=True))
        return out

    parties: list[tuple[str, str]] = [*party_rows("出卖人（甲方）", "Seller (Party A)", doc.seller, on)]
    parties += party_rows("买受人（乙方）", "Buyer (Party B)", doc.buyer, on)
    if doc.intermediary is not None:
        parties += party_rows("居间方 / 拍卖人", "Auction house", doc.intermediary, on)
    total_fees = sum(f.amount_minor for f in doc.fees)
    blocks: list[Block] = [
        Fields(tuple(parties)),
        *clause(
            "甲乙双方根据《中华人民共和国民法典》及二手车流通管理的有关规定，就下列车辆买卖事宜，在平等、自愿、协商一致的基础上订立本合同。",
            "The parties make this contract under the Civil Code of the PRC and the rules on used-vehicle trading.",
        ),
        Heading(*(s[0] if on else (s[0][0], ""))),
        Fields(vehicle_rows(doc.vehicle, on)),
        *clause(
            "甲方保证对该车享有完全的所有权或处分权，车辆无抵押、无查封、无未处理的交通违法记录，并如实告知车况。",
            "The seller warrants full title, no mortgage, seizure or unpaid traffic violation, and a true "
            "condition statement.",
        ),
        Heading(*(s[1] if on else (s[1][0], ""))),
        Table(
            headers=(bi("项目", "Item", on), bi("金额", "Amount", on)),
            rows=(
                (
                    bi("车辆价款（不含税费）", "Vehicle price (no taxes or fees)", on),
                    price(doc.price_minor) if c == "CNY" else money(doc.price_minor, c),
                ),
                *((bi(f.label_zh, f.label_en, on), money(f.amount_minor, c)) for f in doc.fees),
            ),
            footer=(bi("合计", "Total", on), money(doc.price_minor + total_fees, c)),
            widths=(0.6, 0.4),
            align=("L", "R"),
        ),
        *clause(
            f"车辆价款大写：人民币{capital(doc.price_minor)}。过户、转籍所需税费按上表及国家规定由各方承担。"
            if c == "CNY"
            else "过户、转籍所需税费按上表及国家规定由各方承担。",
            "Transfer taxes and fees are borne as in the table above and by law.",
        ),
        Heading(*(s[2] if on else (s[2][0], ""))),
        *clause(
            (f"乙方已付定金 {money(doc.deposit_minor, c)}，抵作价款。" if doc.deposit_minor else "")
            + f"乙方应于车辆办妥过户（转籍）登记手续后 {doc.payment_days_after_transfer} 个工作日内付清全部余款。",
            (f"The deposit of {money(doc.deposit_minor, c)} is applied to the price. " if doc.deposit_minor else "")
            + f"The buyer pays the balance within {doc.payment_days_after_transfer} working days after the "
            "registration transfer.",
        ),
        Heading(*(s[3] if on else (s[3][0], ""))),
        *clause(
            f"甲方应于收到全部价款后 {doc.documents_within_days} 个工作日内交付车辆及下列随车文件："
            + "、".join(doc.documents)
            + (f"。交付地点：{doc.delivery_place}。" if doc.delivery_place else "。")
            + f"乙方应于交付之日起 {doc.transfer_within_days} 日内申请办理转移登记；"
            "车辆有抵押或未处理的违法记录的，甲方负责处理。",
            f"The seller hands over the vehicle and its documents within {doc.documents_within_days} working days "
            f"of full payment. The buyer applies for the transfer within {doc.transfer_within_days} days of delivery.",
        ),
        Heading(*(s[4] if on else (s[4][0], ""))),
        *clause(
            "车辆毁损、灭失的风险自车辆交付乙方时起由乙方承担；交付前由甲方承担。",
            "Risk of loss or damage passes to the buyer when the vehicle is delivered; before that it is the seller's.",
        ),
        Heading(*(s[5] if on else (s[5][0], ""))),
        *clause(
            f"乙方逾期付款的，每逾期一日按未付款项的 {percent_bp(doc.late_payment_bp_per_day)} 向甲方支付违约金；"
            f"甲方逾期交付车辆或文件的，每逾期一日按车辆价款的 "
            f"{percent_bp(doc.late_documents_bp_per_day)} 向乙方支付违约金。"
            "甲方隐瞒车况或车辆存在权利瑕疵的，乙方有权解除合同并要求赔偿损失。",
            f"Late payment: {percent_bp(doc.late_payment_bp_per_day)} of the unpaid sum a day. Late vehicle or "
            f"documents: {percent_bp(doc.late_documents_bp_per_day)} of the price a day. A concealed defect or a "
            "defect of title lets the buyer rescind and claim damages.",
        ),
        Heading(*(s[6] if on else (s[6][0], ""))),
        *clause(
            "因本合同发生的争议，由双方协商解决；协商不成的，可向当地二手车行业协会申请调解；调解不成的，"
            + (f"提交{doc.dispute_body}仲裁。" if doc.dispute_body else "依法向车辆所在地人民法院起诉。"),
            "Disputes are settled by negotiation, then mediation by the local used-car trade association, then "
            + ("arbitration as named above." if doc.dispute_body else "the court where the vehicle is."),
        ),
        Spacer(2),
        Paragraph(
            bi(
                f"本合同一式三份，甲乙双方及交易市场（拍卖人）各执一份，自双方签字（盖章）之日起生效。签订日期：{day(doc.signed_on)}"
                + (f"，签订地点：{doc.place_of_signing}" if doc.place_of_signing else ""),
                "In three counterparts; effective when signed by both parties.",
                on,
            )
        ),
        Signatures(
            (bi("出卖人（甲方）", "Seller", on), bi("买受人（乙方）", "Buyer", on))
            + ((bi("拍卖人 / 市场", "Auction house", on),) if doc.intermediary is not None else ())
        ),
    ]
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="二手车买卖合同",
        title_en="Used Vehicle Sale Contract" if on else "",
        number=doc.number,
        letterhead=_letterhead(doc.intermediary or doc.seller),
        blocks=tuple(blocks),
        subject=doc.vehicle.vin,
    )


def _letterhead(p: Party) -> Letterhead:
    return Letterhead(name=p.name, name_en=p.name_en, address=p.address, phone=p.phone)
