"""The 二手车买卖合同 (the used-car sale contract), after the common model contract's sections: vehicle, price and
taxes, payment after transfer, documents and delivery, risk passing on delivery, breach, disputes."""

from __future__ import annotations

from marketplace.documents.common import PREVAILS, bi, letterhead, party_rows, vehicle_rows
from marketplace.documents.layout import Block, Fields, Heading, Paragraph, Sheet, Signatures, Spacer, Table
from marketplace.documents.model import SaleContract
from marketplace.documents.text import capital, day, money, percent_bp, price

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
        letterhead=letterhead(doc.intermediary or doc.seller),
        blocks=tuple(blocks),
        subject=doc.vehicle.vin,
    )
