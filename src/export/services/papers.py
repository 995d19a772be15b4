"""The export papers as PDFs: the commercial invoice and the export contract of an order, and one vehicle's export
dossier, gathered from export's own rows and rendered by `marketplace.documents` in the offload workers.

Who may download: whoever reads the order or the vehicle (`access.order` / `access.vehicle`): its dealer's members
and platform staff; another exporter gets the same 404 as for a missing id. Amounts are the order currency's minor
units as stored (`price_minor`), never converted.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from export.domain import clocks, steps
from export.models import Batch, Document, Order, OrderVehicle, StepRecord
from export.services import access, present
from marketplace import documents, offload
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation
from marketplace.documents.model import (
    CommercialInvoice,
    Content,
    DossierDocument,
    DossierStep,
    ExportContract,
    ExportDossier,
    ExportLine,
    Party,
    Vehicle,
)
from marketplace.errors import PayloadTooLarge

STEP_LABELS = {
    "bought": ("收购", "Bought"),
    "transfer_registered": ("转让登记（待出口）", "Transfer registered (pending export)"),
    "inspected": ("出口检验", "Inspected"),
    "licensed": ("出口许可证", "Export licence"),
    "declared": ("报关", "Declared to customs"),
    "loaded": ("装运", "Loaded"),
    "departed": ("离港", "Departed"),
    "arrived": ("到港", "Arrived"),
    "delivered": ("交付收货人", "Delivered to the consignee"),
    "deregistered": ("注销登记", "Deregistered"),
    "vat_refund_filed": ("出口退税申报", "VAT refund filed"),
    "vat_not_applicable": ("不适用退税", "No VAT refund"),
}
DOC_LABELS = {
    "registration_certificate": ("机动车登记证书", "Registration certificate"),
    "pending_export_transfer": ("转让登记（待出口）证明", "Pending-export transfer"),
    "temporary_plate": ("临时号牌", "Temporary plate"),
    "compulsory_insurance": ("交强险保单", "Compulsory insurance"),
    "inspection_report": ("出口检验报告", "Inspection report"),
    "standard_declaration": ("符合目的国标准声明", "Standard declaration"),
    "after_sales_confirmation": ("售后服务确认书", "After-sales confirmation"),
    "export_licence": ("出口许可证", "Export licence"),
    "customs_declaration": ("出口报关单", "Customs declaration"),
    "bill_of_lading": ("提单", "Bill of lading"),
    "deregistration_certificate": ("注销证明", "Deregistration certificate"),
    "purchase_invoice": ("购车发票", "Purchase invoice"),
    "commercial_invoice": ("商业发票", "Commercial invoice"),
    "packing_list": ("装箱单", "Packing list"),
    "export_contract": ("出口合同", "Export contract"),
    "other": ("其他", "Other"),
}
# The papers every exported vehicle ends up with; the dossier marks those not uploaded yet MISSING.
REQUIRED_PAPERS = (
    "registration_certificate", "pending_export_transfer", "temporary_plate", "inspection_report", "export_licence",
    "customs_declaration", "bill_of_lading", "deregistration_certificate",
)  # fmt: skip
# Which clock a step is due by (`export.domain.steps.deadlines`): the plate runs out before the inspection, the
# licence before the declaration, the deregistration deadline counts from clearance.
DUE_BY = {"inspected": "plate", "declared": "licence", "deregistered": "deregistration"}


async def exporter_party(org_id: int) -> Party:
    org = await Organisation.get_or_none(id=org_id)
    if org is None:
        return Party(name=f"#{org_id}")
    return Party(name=org.name, id_number=org.business_licence_no or "")


WITHHELD = "收货人信息仅出口商可见 (withheld: the exporter's own data)"


def consignee_party(order: Order, principal: Principal) -> Party:
    """The consignee as the papers name them; platform staff, who oversee the order but not the consignee's personal
    data (`access.sees_consignee`), get the papers with it withheld (the country stays: it is the destination)."""
    if not access.sees_consignee(principal, order.exporter_org_id):
        return Party(name=WITHHELD, country=order.consignee_country)
    return Party(
        name=order.consignee_name, address=order.consignee_address, phone=order.consignee_contact,
        country=order.consignee_country,
    )  # fmt: skip


def vehicle_of(v: OrderVehicle) -> Vehicle:
    return Vehicle(
        vin=v.vin, make=v.reg_make or v.make, model=v.reg_model or v.model,
        first_registration=v.reg_first_registration, energy_type=v.energy, plate=v.plate_no,
    )  # fmt: skip


async def _lines(order: Order) -> tuple[ExportLine, ...]:
    cars = await OrderVehicle.filter(order_id=order.id).order_by("id")
    return tuple(ExportLine(vehicle=vehicle_of(v), hs_code=v.hs_code, unit_price_minor=v.price_minor) for v in cars)


async def commercial_invoice(principal: Principal, order_id: int, today: date) -> CommercialInvoice:
    order = await access.order(principal, order_id)
    return CommercialInvoice(
        number=f"CI-{order.reference}",
        exporter=await exporter_party(order.exporter_org_id),
        consignee=consignee_party(order, principal),
        lines=await _lines(order),
        currency=order.currency,
        incoterm=order.incoterm,
        named_place=order.named_place,
        issued_on=today,
        contract_number=order.contract_no,
        payment_terms="T/T",
    )


async def export_contract(principal: Principal, order_id: int, today: date) -> ExportContract:
    order = await access.order(principal, order_id)
    return ExportContract(
        number=order.contract_no,
        seller=await exporter_party(order.exporter_org_id),
        buyer=consignee_party(order, principal),
        lines=await _lines(order),
        currency=order.currency,
        incoterm=order.incoterm,
        named_place=order.named_place,
        signed_on=order.created_at.date() if order.created_at else today,
        # Orders are paid by bank transfer (export records each as a `Payment` by its bank reference).
        payment_terms_zh=f"买方以银行电汇（T/T）支付合同总价，付款附言注明合同号 {order.contract_no}。",
        payment_terms_en=f"The buyer pays the price by bank transfer (T/T) quoting contract {order.contract_no}.",
        delivery_by=order.planned_shipment,
    )


def _step_rows(done: dict[str, date], found: list[clocks.Deadline], today: date) -> list[DossierStep]:
    due = {d.what: d for d in found}
    rows = []
    final = [s for s in steps.FINAL if s in done] or [steps.FINAL[0]]
    for code in (*steps.STEPS, *final):
        zh, en = STEP_LABELS.get(code, (code, code))
        deadline = due.get(DUE_BY.get(code, ""))
        state = "pending"
        if code in done:
            state = "done"
        elif deadline is not None and deadline.state(today) != "ok":
            state = deadline.state(today)  # due_soon | overdue
        rows.append(
            DossierStep(code, zh, en, done_on=done.get(code), due_on=deadline.due if deadline else None, state=state)
        )
    return rows


async def dossier(principal: Principal, vehicle_id: int, now: datetime, today: date) -> ExportDossier:
    v = await access.vehicle(principal, vehicle_id)
    order = await Order.get(id=v.order_id)
    batch = await Batch.get_or_none(id=v.batch_id) if v.batch_id else None
    papers = await Document.filter(vehicle_id=v.id).order_by("id")
    if batch is not None:
        papers += await Document.filter(batch_id=batch.id, vehicle_id__isnull=True).order_by("id")
    kinds = frozenset(d.doc_type for d in papers)
    done: dict[str, date] = {}
    for r in await StepRecord.filter(vehicle_id=v.id).order_by("id"):
        done[r.step] = r.on
    if "bought" not in done:
        done["bought"] = v.created_at.date() if v.created_at else today
    facts = present.facts(v, kinds, batch)
    found = steps.deadlines(v.step, facts) if v.step in steps.STEPS else []
    docs = [
        DossierDocument(
            d.doc_type, *DOC_LABELS.get(d.doc_type, (d.doc_type, d.doc_type)), reference=d.number, issued_on=d.issued_on
        )  # fmt: skip
        for d in papers
    ]
    docs += [DossierDocument(k, *DOC_LABELS[k], present=False) for k in REQUIRED_PAPERS if k not in kinds]
    if "packing_list" not in kinds:
        docs.append(_packing_row(order, v))
    return ExportDossier(
        number=f"DS-{order.reference}-{v.id}",
        exporter=await exporter_party(v.exporter_org_id),
        vehicle=vehicle_of(v),
        generated_at=now,
        order_number=order.reference,
        consignee=consignee_party(order, principal),
        destination=order.destination_country,
        batch=batch.reference if batch else "",
        licence_number=batch.licence_no if batch else "",
        hs_code=v.hs_code,
        steps=tuple(_step_rows(done, found, today)),
        documents=tuple(docs),
    )


def _packing_row(order: Order, v: OrderVehicle) -> DossierDocument:
    # The order's packing list (GET …/orders/{id}/packing-list.pdf) holds this car once its details are recorded.
    recorded = v.packing if isinstance(v.packing, dict) else None
    if recorded is None:
        return DossierDocument("packing_list", *DOC_LABELS["packing_list"], present=False)
    at = recorded.get("recorded_at")
    on = datetime.fromisoformat(at).astimezone(ZoneInfo("Asia/Shanghai")).date() if at else None
    return DossierDocument("packing_list", *DOC_LABELS["packing_list"], reference=f"PL-{order.reference}", issued_on=on)


async def render(content: Content) -> bytes:
    try:
        return await documents.render_offloaded(content)
    except (documents.DocumentTooLarge, MemoryError, offload.CpuBudgetExceeded):
        raise PayloadTooLarge("the document would be too large to produce", code="document_too_large") from None
