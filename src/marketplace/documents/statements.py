"""The consignor's statement with one house (委托人对账单) as a sheet: every sale in order, its hammer, deductions,
net and payout, then the totals per currency. Chinese always; English beside it where `bilingual`."""

from __future__ import annotations

from marketplace.documents.common import PREVAILS, bi, party_rows
from marketplace.documents.layout import Block, Fields, Heading, Paragraph, Sheet, Signatures, Table
from marketplace.documents.model import SellerStatement
from marketplace.documents.text import beijing, day, money

STATES = {
    "paid": ("已付", "paid"),
    "due": ("应付", "due"),
    "waiting": ("未到期", "waiting"),
    "unwound": ("已撤销", "unwound"),
}


def seller_statement(doc: SellerStatement) -> Sheet:
    on = doc.bilingual
    blocks: list[Block] = [
        Fields(((bi("对账单号", "Statement number", on), doc.number), (bi("截至", "As of", on), beijing(doc.as_of)))),
        Heading("委托人", "Consignor" if on else ""),
        Fields(party_rows("委托人", "Consignor", doc.seller, on)),
        Heading("成交明细", "Sales" if on else ""),
    ]
    if doc.rows:
        rows = []
        for r in doc.rows:
            zh, en = STATES.get(r.state, (r.state, r.state))
            paid = money(r.paid_minor, r.currency) if r.paid_minor is not None else ""
            rows.append(
                (
                    f"{r.sale} {day(r.sold_at.date())}",
                    r.vehicle,
                    money(r.hammer_minor, r.currency),
                    money(-r.deductions_minor, r.currency),
                    money(r.net_minor, r.currency),
                    " ".join(x for x in (bi(zh, en, on), paid, r.reference) if x),
                )
            )
        blocks.append(
            Table(
                headers=(
                    bi("成交", "Sale", on),
                    bi("车架号", "VIN", on),
                    bi("成交价", "Hammer", on),
                    bi("扣减", "Deductions", on),
                    bi("净额", "Net", on),
                    bi("付款", "Payout", on),
                ),
                rows=tuple(rows),
                widths=(0.18, 0.19, 0.15, 0.14, 0.15, 0.19),
                align=("L", "L", "R", "R", "R", "L"),
            )  # fmt: skip
        )
    else:
        blocks.append(Paragraph(bi("本期无成交。", "No sales.", on)))
    if doc.totals:
        blocks += [
            Heading("合计", "Totals" if on else ""),
            Table(
                headers=(
                    bi("币种", "Currency", on), bi("成交价", "Hammer", on), bi("扣减", "Deductions", on),
                    bi("已付", "Paid", on), bi("待付", "Outstanding", on),
                ),
                rows=tuple(
                    (t.currency, money(t.hammer_minor, t.currency), money(-t.deductions_minor, t.currency),
                     money(t.paid_minor, t.currency), money(t.outstanding_minor, t.currency))
                    for t in doc.totals
                ),
                widths=(0.12, 0.22, 0.22, 0.22, 0.22),
                align=("L", "R", "R", "R", "R"),
            ),
        ]  # fmt: skip
    blocks.append(Signatures((bi("拍卖人（签章）", "Auctioneer", on),)))
    if on:
        blocks.append(Paragraph(PREVAILS, muted=True))
    return Sheet(
        title="委托人对账单",
        title_en="Consignor Statement" if on else "",
        number=doc.number,
        letterhead=doc.house,
        blocks=tuple(blocks),
        subject=doc.seller.name,
    )
