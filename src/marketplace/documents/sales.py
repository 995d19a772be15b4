"""The settlement documents as sheets: 成交确认书, the buyer's invoice / 结算单, the seller's payout statement and
the gate pass (the 二手车买卖合同 is contract.py). Chinese always; English beside it where `bilingual` (the buyer
abroad). The Chinese text prevails, and the documents say so."""

from __future__ import annotations

import re

from marketplace.documents.common import PREVAILS, bank_rows, bi, party_rows, vehicle_rows
from marketplace.documents.layout import (
    Barcode,
    Block,
    Fields,
    Heading,
    Paragraph,
    Sheet,
    Signatures,
    Table,
)
from marketplace.documents.model import (
    BuyerInvoice,
    GatePass,
    PayoutStatement,
    SaleConfirmation,
)
from marketplace.documents.text import beijing, capital, day, day_en, money, price, wan


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
