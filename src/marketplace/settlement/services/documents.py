"""Settlement's documents: gathers a sale's content from settlement's tables (and names from accounts, vehicle
facts through the platform's vehicle port) and hands it to marketplace.documents, rendered off the loop.

Who may download: whoever sees the invoice (the buyer, the buyer organisation's members, the house's staff and
platform staff); anyone else gets 404, as for a missing invoice. The house's payment instructions are its own
record here (organisations carry no bank details), set by its administrators.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from marketplace import documents, offload
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation, User
from marketplace.documents.model import (
    BankInstructions,
    BuyerInvoice,
    Content,
    GatePass,
    Letterhead,
    Line,
    Party,
    PayoutStatement,
    SaleConfirmation,
    SaleContract,
    SellerStatement,
    StatementRow,
    StatementTotal,
    Vehicle,
)
from marketplace.documents.text import BEIJING
from marketplace.errors import Forbidden, NotFound, PayloadTooLarge
from marketplace.settlement.domain import access
from marketplace.settlement.domain.fees import parse_rules
from marketplace.settlement.models import CreditNote, Invoice, PaymentInstructions, Sale
from marketplace.settlement.services import fees, handover, payouts
from marketplace.settlement.services.invoices import visible_invoice


class VehicleFacts(Protocol):
    async def describe(self, vehicle_id: int) -> Any | None: ...


# Invoice line kinds as the documents name them (zh, en); an unknown kind is shown by its code.
LINE_LABELS = {
    "hammer": ("车辆价款（落槌价）", "Hammer price"),
    "price": ("车辆价款", "Vehicle price"),
    "buyer_premium": ("买受人佣金", "Buyer's premium"),
    "document": ("手续费", "Document fee"),
    "online": ("网络竞价服务费", "Online bidding fee"),
    "storage": ("停车费", "Storage"),
    "late": ("逾期付款违约金", "Late payment fee"),
}


def line_label(kind: str) -> tuple[str, str]:
    return LINE_LABELS.get(kind, (kind, kind))


def payment_reference(invoice: Invoice) -> str:
    """What the buyer writes on the transfer (付款附言): the invoice number, which the receipts match by."""
    return f"INV{invoice.number}"


async def _party_for_org(org_id: int | None) -> Party | None:
    if org_id is None:
        return None
    org = await Organisation.get_or_none(id=org_id)
    if org is None:
        return None
    return Party(name=org.name, id_number=org.business_licence_no or "")


async def _buyer(invoice: Invoice) -> Party:
    org = await _party_for_org(invoice.buyer_org_id)
    if org is not None:
        return org
    user = await User.get_or_none(id=invoice.buyer_user_id)
    return Party(name=user.display_name if user is not None else f"#{invoice.buyer_user_id}")


async def _letterhead(house_org_id: int) -> Letterhead:
    org = await Organisation.get_or_none(id=house_org_id)
    return Letterhead(name=org.name if org is not None else f"#{house_org_id}")


async def _vehicle(sale: Sale, port: VehicleFacts | None) -> Vehicle:
    summary = await port.describe(sale.vehicle_id) if port is not None and sale.vehicle_id is not None else None
    if summary is None:
        return Vehicle(vin=f"#{sale.vehicle_id}" if sale.vehicle_id is not None else "—")
    return Vehicle(
        vin=summary.vin,
        make=summary.make,
        model=summary.model,
        series=summary.series,
        model_year=summary.model_year,
        first_registration=summary.first_registration,
        mileage_km=summary.mileage_km,
        colour=summary.colour,
        energy_type=summary.energy_type,
        registration_city=summary.registration_city,
    )


async def bank_for(house_org_id: int, reference: str) -> BankInstructions | None:
    row = await PaymentInstructions.get_or_none(house_org_id=house_org_id)
    if row is None:
        return None
    return BankInstructions(
        account_name=row.account_name,
        bank_name=row.bank_name,
        branch=row.branch,
        account_number=row.account_number,
        swift=row.swift,
        reference=reference,
        note=row.note,
    )


def is_bilingual(asked: bool | None, currency: str) -> bool:
    """English beside the Chinese when asked, else when the buyer is abroad: a sale not in CNY."""
    return asked if asked is not None else currency != "CNY"


async def _loaded(principal: Principal, invoice_id: int) -> tuple[Invoice, Sale]:
    invoice = await visible_invoice(principal, invoice_id)
    sale = await Sale.get(id=invoice.sale_id)
    return invoice, sale


async def invoice_content(
    principal: Principal, invoice_id: int, port: VehicleFacts | None, *, bilingual: bool | None
) -> BuyerInvoice:
    invoice, sale = await _loaded(principal, invoice_id)
    note = await CreditNote.get_or_none(invoice_id=invoice.id)
    reference = payment_reference(invoice)
    lines = tuple(
        Line(
            *line_label(str(x["kind"])),
            int(x["amount_fen"]),
            note="已付清 paid" if x["paid_fen"] == x["amount_fen"] else "",
        )
        for x in invoice.lines
    )
    return BuyerInvoice(
        number=invoice.number,
        house=await _letterhead(invoice.house_org_id),
        buyer=await _buyer(invoice),
        vehicle=await _vehicle(sale, port),
        lines=lines,
        total_minor=invoice.total_fen,
        deposit_applied_minor=invoice.deposit_applied_fen,
        paid_minor=invoice.paid_fen,
        currency=invoice.currency,
        issued_at=invoice.issued_at,
        due_date=invoice.due_date,
        bank=await bank_for(invoice.house_org_id, reference),
        reference_code=reference,
        status=invoice.status,
        due_date_provisional=invoice.due_date_provisional,
        credit_note_number=note.number if note is not None else "",
        bilingual=is_bilingual(bilingual, invoice.currency),
    )


def _named(title: str, ref: int | None) -> str:
    """A title with its id (`演示拍卖会 #12`); the id alone when an older sale event carried no title."""
    number = f"#{ref}" if ref is not None else ""
    return f"{title} {number}".strip() if title else number


async def confirmation_content(
    principal: Principal, invoice_id: int, port: VehicleFacts | None, *, bilingual: bool | None
) -> SaleConfirmation:
    """The 成交确认书 of an auction sale (a listing sale has none: 404)."""
    invoice, sale = await _loaded(principal, invoice_id)
    if sale.source != "auction":
        raise NotFound("a listing sale has no sale confirmation", code="document_not_found")
    premium = sale.reported_premium_fen
    if premium is None:
        premium = sum(int(x["amount_fen"]) for x in invoice.lines if x["kind"] == "buyer_premium")
    return SaleConfirmation(
        number=invoice.number,
        house=await _letterhead(sale.house_org_id),
        buyer=await _buyer(invoice),
        seller=await _party_for_org(sale.seller_org_id),
        vehicle=await _vehicle(sale, port),
        hammer_minor=sale.hammer_fen,
        premium_minor=premium,
        currency=sale.currency,
        sold_at=sale.sold_at,
        session_title=_named(sale.session_title, sale.session_id),
        lot_number=f"#{sale.lot_id}" if sale.lot_id is not None else "",
        lot_title=sale.lot_title,
        paddle=sale.paddle,
        deposit_minor=sale.deposit_fen,
        payment_due=invoice.due_date,
        bilingual=is_bilingual(bilingual, invoice.currency),
    )


async def contract_content(
    principal: Principal, invoice_id: int, port: VehicleFacts | None, *, bilingual: bool | None
) -> SaleContract:
    """The 二手车买卖合同 between the seller and the buyer, the house named where it is an auction sale."""
    invoice, sale = await _loaded(principal, invoice_id)
    seller = await _party_for_org(sale.seller_org_id) or Party(name=f"#{sale.seller_org_id}")
    auction = sale.source == "auction"
    payment_days = parse_rules(sale.rules).payment_days if sale.rules else 3
    fee_lines = tuple(
        Line(*line_label(str(x["kind"])), int(x["amount_fen"])) for x in invoice.lines if x.get("category") != "price"
    )
    return SaleContract(
        number=f"HT-{invoice.number}",
        seller=seller,
        buyer=await _buyer(invoice),
        vehicle=await _vehicle(sale, port),
        price_minor=sale.hammer_fen,
        currency=sale.currency,
        signed_on=invoice.issued_at.astimezone(BEIJING).date(),
        fees=fee_lines,
        intermediary=await _party_for_org(sale.house_org_id) if auction else None,
        deposit_minor=min(invoice.deposit_applied_fen, sale.hammer_fen),
        payment_days_after_transfer=payment_days,
        bilingual=is_bilingual(bilingual, invoice.currency),
    )


async def payout_content(
    principal: Principal, sale_id: int, port: VehicleFacts | None, now: datetime, *, bilingual: bool | None
) -> PayoutStatement:
    """The consignor's payout statement of one sale (卖方结算单): for the house's staff and the seller, as the JSON
    payout is (`payouts.sale_payout`: 404 `sale_not_found` to the buyer and everyone else). The figures are the
    recorded payout's once paid, else what it would be now; the reference is the house's bank reference."""
    st = await payouts.sale_payout(principal, sale_id, now)
    sale = await Sale.get(id=sale_id)
    invoice = await Invoice.get_or_none(sale_id=sale_id)
    p = st.payout
    f = st.figures
    commission, seller_fees, adjustments = f.commission_fen, f.seller_fees_fen, f.adjustments_fen
    set_off = f.set_off_fen
    if p is not None:
        commission, seller_fees, adjustments, set_off = (
            p.commission_fen,
            p.seller_fees_fen,
            p.adjustments_fen,
            p.set_off_fen,
        )
    hammer = p.hammer_fen if p is not None else f.hammer_fen
    deductions = tuple(
        Line(zh, en, amount)
        for zh, en, amount in (
            ("卖方佣金", "Seller's commission", commission),
            ("卖方手续费", "Seller's fees", seller_fees),
            ("争议退款（卖方承担）", "Refund to the buyer after a dispute", adjustments),
            ("抵扣应付本拍卖行的其他费用", "Other fees owed to the house, set off", set_off),
        )
        if amount
    )
    seller = await _party_for_org(sale.seller_org_id) or Party(name=f"#{sale.seller_org_id}")
    return PayoutStatement(
        number=f"PO-{invoice.number if invoice is not None else sale.id}",
        house=await _letterhead(sale.house_org_id),
        seller=seller,
        vehicle=await _vehicle(sale, port),
        hammer_minor=hammer,
        deductions=deductions,
        currency=sale.currency,
        issued_at=now,
        sale_invoice_number=invoice.number if invoice is not None else "",
        paid_on=p.paid_on if p is not None else None,
        reference=p.bank_reference if p is not None else "",
        bilingual=is_bilingual(bilingual, sale.currency),
    )


async def gate_pass_content(
    principal: Principal, sale_id: int, port: VehicleFacts | None, *, bilingual: bool | None
) -> GatePass:
    """The gate pass (车辆出门证) for the buyer and the house, as the JSON pass is (`handover.gate_pass_for`); 404
    `gate_pass_not_issued` until the invoice is paid in full. The pass has no expiry: it is good for one exit."""
    await handover.gate_pass_for(principal, sale_id)
    doc = await handover.gate_pass_document(sale_id)
    if doc is None:  # pragma: no cover - gate_pass_for found it a moment ago; passes are never deleted
        raise NotFound("the gate pass is issued when the invoice is paid in full", code="gate_pass_not_issued")
    sale = await Sale.get(id=sale_id)
    invoice = await Invoice.get(sale_id=sale_id)
    # number, house, buyer, vehicle, issued_at, valid_until, code: positional, so the error-code collector does not
    # read the pass code (`code=`) as an error code
    return GatePass(
        f"GP-{doc.invoice_number}",
        await _letterhead(doc.house_org_id),
        await _buyer(invoice),
        await _vehicle(sale, port),
        doc.issued_at,
        None,
        doc.pass_code,
        invoice_number=doc.invoice_number,
        bilingual=is_bilingual(bilingual, doc.currency),
    )


async def seller_statement_content(
    principal: Principal,
    house_org_id: int,
    seller_org_id: int,
    port: VehicleFacts | None,
    now: datetime,
    *,
    bilingual: bool | None,
) -> SellerStatement:
    """The consignor's statement with one house (every sale), from `payouts.payout_statement`: for the house's staff
    and the seller, 404 `not_found` to anyone else (as the JSON statement)."""
    data = await payouts.payout_statement(principal, house_org_id, seller_org_id, now)
    rows = []
    for line in data.lines:
        vin = f"#{line.vehicle_id}" if line.vehicle_id is not None else "—"
        summary = await port.describe(line.vehicle_id) if port is not None and line.vehicle_id is not None else None
        name = f"#{line.sale_id}" + (f" 拍品 #{line.lot_id}" if line.lot_id is not None else "")
        rows.append(
            StatementRow(
                sale=name, vehicle=summary.vin if summary is not None else vin, sold_at=line.sold_at,
                currency=line.currency, hammer_minor=line.hammer_fen,
                deductions_minor=line.commission_fen + line.seller_fees_fen + line.adjustments_fen,
                net_minor=line.net_fen, state=line.state, paid_minor=line.paid_fen,
                reference=line.bank_reference or "",
            )
        )  # fmt: skip
    totals = tuple(
        StatementTotal(
            currency=t.currency, hammer_minor=t.hammer_fen,
            deductions_minor=t.commission_fen + t.seller_fees_fen + t.adjustments_fen, paid_minor=t.paid_fen,
            outstanding_minor=t.outstanding_fen,
        )
        for t in data.totals
    )  # fmt: skip
    seller = await _party_for_org(seller_org_id) or Party(name=f"#{seller_org_id}")
    foreign = any(t.currency != "CNY" for t in totals)
    return SellerStatement(
        number=f"ST-{house_org_id}-{seller_org_id}-{now.astimezone(BEIJING).date():%Y%m%d}",
        house=await _letterhead(house_org_id),
        seller=seller,
        as_of=now,
        rows=tuple(rows),
        totals=totals,
        bilingual=bilingual if bilingual is not None else foreign,
    )


async def render(content: Content) -> bytes:
    try:
        return await documents.render_offloaded(content)
    except (documents.DocumentTooLarge, MemoryError, offload.CpuBudgetExceeded):
        raise PayloadTooLarge("the document would be too large to produce", code="document_too_large") from None


async def instructions(principal: Principal, house_org_id: int) -> PaymentInstructions:
    fees.require_books(principal, house_org_id)
    row = await PaymentInstructions.get_or_none(house_org_id=house_org_id)
    if row is None:
        raise NotFound("the house has not set its payment instructions", code="payment_instructions_not_found")
    return row


async def set_instructions(
    principal: Principal, house_org_id: int, values: dict[str, str], at: datetime
) -> PaymentInstructions:
    fees.require_books(principal, house_org_id)
    if not access.sets_fees(principal, house_org_id):
        raise Forbidden("only the house's administrators set its payment instructions", code="insufficient_role")
    row, _ = await PaymentInstructions.update_or_create(
        defaults={**values, "updated_by_user_id": principal.user_id, "updated_at": at}, house_org_id=house_org_id
    )
    return row
