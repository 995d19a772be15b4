"""Recording a vehicle's steps, and the batch-wide ones (licence, declaration, clearance, shipment).

Each step asks `export.domain.steps.refusals` first and refuses with its code; the vehicle's row moves by
compare-and-set on its version (two clerks recording at once cannot both move it), and the step's record is
unique per vehicle and step. A batch's licence, declaration and clearance move all its vehicles or none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from export.domain import clocks, hs, steps, vat
from export.models import Batch, Document, OrderVehicle, StepRecord
from export.schemas import (
    BatchStepIn,
    ClearanceIn,
    DeclarationIn,
    LicenceIn,
    RegistrationIn,
    StepIn,
)
from export.services import access, plates
from export.services.filings import licence_refusal_for
from export.services.present import facts
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, Conflict, ValidationFailed
from marketplace.outbox.events import record_event

BATCH_ONLY = ("licensed", "declared")


# Every refusal the gates give (export.domain.steps and this module), as the table of codes a client words.
GATE_CODES = {
    "illegal_transition": "illegal_transition",
    "pending_export_transfer_missing": "pending_export_transfer_missing",
    "temporary_plate_missing": "temporary_plate_missing",
    "plate_expired": "plate_expired",
    "inspection_missing": "inspection_missing",
    "filing_invalid": "filing_invalid",
    "filing_suspended": "filing_suspended",
    "after_sales_confirmation_required": "after_sales_confirmation_required",
    "licence_data_mismatch": "licence_data_mismatch",
    "licence_expired": "licence_expired",
    "hs_code_missing": "hs_code_missing",
    "customs_clearance_missing": "customs_clearance_missing",
    "licence_quantity_mismatch": "licence_quantity_mismatch",
    "duplicate_vin_in_batch": "duplicate_vin_in_batch",
    "registration_missing": "registration_missing",
    "not_in_batch": "not_in_batch",
    "licence_vehicles_mismatch": "licence_vehicles_mismatch",
    "vin_not_in_batch": "vin_not_in_batch",
    "declaration_missing": "declaration_missing",
}


def refused(codes: list[str], details: Any = None) -> ApiError:
    """409 with the first refusal as the code and all of them in the details."""
    code = GATE_CODES.get(codes[0], "illegal_transition")
    return ApiError(f"refused: {', '.join(codes)}", code=code, status=409, details=details or {"refusals": codes})


async def _papers(ids: list[int], *, vehicle_id: int | None = None, batch_id: int | None = None) -> list[int]:
    """The step's papers: each must be one of this vehicle's (or batch's), else 422 `document_not_found`."""
    if not ids:
        return []
    rows = await Document.filter(id__in=ids, vehicle_id=vehicle_id, batch_id=batch_id)
    found = {d.id for d in rows}
    if found != set(ids):
        raise ApiError("a paper named is not one of this record's", code="document_not_found", status=422)
    return sorted(found)


async def _doc_types(vehicle_id: int, conn: BaseDBAsyncClient | None = None) -> frozenset[str]:
    kinds = await Document.filter(vehicle_id=vehicle_id).using_db(conn).values_list("doc_type", flat=True)
    return frozenset(str(k) for k in kinds)


async def _move(
    conn: BaseDBAsyncClient,
    v: OrderVehicle,
    target: str,
    on: date,
    data: dict[str, Any],
    principal: Principal,
    changes: dict[str, Any],
) -> None:
    changed = (
        await OrderVehicle.filter(id=v.id, version=v.version)
        .using_db(conn)
        .update(step=target, version=v.version + 1, **changes)
    )
    if changed != 1:
        raise Conflict("the vehicle changed meanwhile; reload and retry", code="stale")
    await StepRecord.create(
        vehicle_id=v.id,
        step=target,
        on=on,
        data=data,
        recorded_by=principal.user_id,
        recorded_at=datetime.now(UTC),
        using_db=conn,
    )
    await audit(
        "export.step_recorded",
        actor=principal.user_id,
        target=f"export_vehicle:{v.id}",
        details={"from": v.step, "to": target, "on": on.isoformat()},
        conn=conn,
    )
    await record_event(
        conn,
        "export.step_recorded",
        {"order_vehicle_id": v.id, "order_id": v.order_id, "step": target, "on": on.isoformat()},
    )


def _when(on: date | None, today: date) -> date:
    when = on or today
    if when > today:
        raise ValidationFailed(
            "a step is recorded once it has happened",
            code="validation_error",
            details=[{"loc": ["body", "on"], "msg": "not in the future"}],
        )
    return when


async def record_registration(principal: Principal, vehicle_id: int, body: RegistrationIn) -> OrderVehicle:
    """What the registration certificate (登记证书) says: the licence application must match it."""
    v = await access.vehicle(principal, vehicle_id, write=True)
    if v.step not in ("bought", "transfer_registered", "inspected"):
        raise Conflict("the licence was applied for with the recorded certificate", code="illegal_transition")
    async with in_transaction() as conn:
        changed = (
            await OrderVehicle.filter(id=v.id, version=v.version)
            .using_db(conn)
            .update(
                reg_make=body.make,
                reg_model=body.model,
                reg_first_registration=body.first_registration,
                pending_export_on=body.pending_export_on or v.pending_export_on,
                version=v.version + 1,
            )
        )
        if changed != 1:
            raise Conflict("the vehicle changed meanwhile; reload and retry", code="stale")
        await audit("export.registration_recorded", actor=principal.user_id, target=f"export_vehicle:{v.id}", conn=conn)
    return await OrderVehicle.get(id=v.id)


async def record_step(principal: Principal, vehicle_id: int, body: StepIn, today: date) -> OrderVehicle:
    v = await access.vehicle(principal, vehicle_id, write=True)
    target = body.step
    if target in BATCH_ONLY:
        raise Conflict("the licence and the declaration are recorded for the whole batch", code="batch_step")
    on = _when(body.on, today)
    changes: dict[str, Any] = {}
    data: dict[str, Any] = {}
    if target == "transfer_registered":
        if v.reg_first_registration is None:
            raise refused(["registration_missing"])
        changes = {
            k: getattr(body, k)
            for k in ("pending_export_on", "plate_no", "plate_issued", "insurance_ends")
            if getattr(body, k) is not None
        }
    if target == "inspected" and body.inspection_standard:
        changes["inspection_standard"] = body.inspection_standard
    if target == "deregistered":
        changes["deregistered_on"] = on
    if target == "vat_refund_filed":
        if body.invoice is None:
            raise ValidationFailed(
                "the purchase invoice is needed for the refund",
                details=[{"loc": ["body", "invoice"], "msg": "required"}],
            )
        inv = body.invoice
        refund = vat.refundable(inv.kind, inv.net_fen, inv.tax_fen, inv.refund_rate_bp)
        changes.update(
            invoice_kind=inv.kind,
            invoice_net_fen=inv.net_fen,
            invoice_tax_fen=inv.tax_fen,
            refund_rate_bp=inv.refund_rate_bp,
            refund_fen=refund,
        )
    for k, value in changes.items():
        setattr(v, k, value)
        data[k] = value.isoformat() if isinstance(value, date) else value
    data["documents"] = await _papers(body.document_ids, vehicle_id=v.id)
    batch = await Batch.get_or_none(id=v.batch_id) if v.batch_id else None
    if target in ("loaded", "departed", "arrived", "delivered") and batch is None:
        raise refused(["not_in_batch"])
    f = facts(v, await _doc_types(v.id), batch)
    found = steps.refusals(v.step, target, f, on)
    if found:
        raise refused(found)
    async with in_transaction() as conn:
        await _move(conn, v, target, on, data, principal, changes)
        if "plate_issued" in changes and v.plate_issued and v.insurance_ends:
            # the first plate, issued with the 待出口 transfer, opens the vehicle's plate history
            await plates.add_record(conn, v.id, v.plate_no, v.plate_issued, v.insurance_ends, principal.user_id)
    return await OrderVehicle.get(id=v.id)


async def _batch_vehicles(batch: Batch, conn: BaseDBAsyncClient | None = None) -> list[OrderVehicle]:
    return list(await OrderVehicle.filter(batch_id=batch.id).using_db(conn).order_by("id"))


async def record_licence(principal: Principal, batch_id: int, body: LicenceIn, today: date) -> Batch:
    """One licence for the whole batch (一批一证), goods state 旧: every vehicle passes its gates or none moves."""
    batch = await access.batch(principal, batch_id, write=True)
    if batch.licence_no:
        raise Conflict("this batch holds its licence", code="licence_recorded")
    issued = _when(body.issued_on, today)
    vehicles = await _batch_vehicles(batch)
    stated = {x.order_vehicle_id: x for x in body.vehicles}
    if set(stated) != {v.id for v in vehicles} or len(stated) != len(body.vehicles):
        raise refused(["licence_vehicles_mismatch"])
    if body.quantity != len(vehicles):
        raise refused(["licence_quantity_mismatch"])
    papers = await _papers(body.document_ids, batch_id=batch.id)
    filing_refusal = await licence_refusal_for(batch.exporter_org_id, issued)
    problems: dict[str, list[str]] = {}
    for v in vehicles:
        x = stated[v.id]
        data = {
            "make": x.make,
            "model": x.model,
            "first_registration": x.first_registration.isoformat(),
            "pending_export_on": x.pending_export_on.isoformat(),
        }
        v.licence_data = data
        if v.reg_first_registration is None:
            problems[v.vin] = ["registration_missing"]
            continue
        found = steps.refusals(
            v.step,
            "licensed",
            facts(
                v,
                await _doc_types(v.id),
                None,
                filing_valid=filing_refusal is None,
                filing_suspended=filing_refusal == "filing_suspended",
            ),
            issued,
        )
        if found:
            problems[v.vin] = found
    if problems:
        first = next(iter(problems.values()))
        raise refused(first, {"refusals": first, "vehicles": problems})
    async with in_transaction() as conn:
        changed = (
            await Batch.filter(id=batch.id, licence_no="")
            .using_db(conn)
            .update(licence_no=body.licence_no, licence_issued=issued, licensed_quantity=body.quantity)
        )
        if changed != 1:
            raise Conflict("this batch holds its licence", code="licence_recorded")
        for v in vehicles:
            await _move(
                conn,
                v,
                "licensed",
                issued,
                {"licence_no": body.licence_no, "goods_state": body.goods_state, "documents": papers, **v.licence_data},
                principal,
                {"licence_data": v.licence_data},
            )
        await audit(
            "export.licence_recorded",
            actor=principal.user_id,
            target=f"export_batch:{batch.id}",
            details={"licence_no": body.licence_no, "expires": clocks.licence_expires(issued).isoformat()},
            conn=conn,
        )
    return await Batch.get(id=batch.id)


async def record_declaration(principal: Principal, batch_id: int, body: DeclarationIn, today: date) -> Batch:
    batch = await access.batch(principal, batch_id, write=True)
    if batch.declaration_no:
        raise Conflict("this batch is declared", code="declaration_recorded")
    declared = _when(body.declared_on, today)
    vehicles = await _batch_vehicles(batch)
    by_vin = {v.vin: v for v in vehicles}
    vins = [x.strip().upper() for x in body.vins]
    if any(x not in by_vin for x in vins):
        raise refused(["vin_not_in_batch"])
    found_batch = steps.batch_refusals(batch.licensed_quantity or 0, vins)
    if found_batch:
        raise refused(found_batch)
    papers = await _papers(body.document_ids, batch_id=batch.id)
    overrides = {o.order_vehicle_id: o for o in body.hs_overrides}
    problems: dict[str, list[str]] = {}
    hs_changes: dict[int, dict[str, Any]] = {}
    for v in vehicles:
        o = overrides.get(v.id)
        if o is not None:
            try:
                h = hs.override(o.code, o.reason)
            except ValueError as exc:
                raise ApiError(str(exc), code="hs_override_invalid", status=422) from None
            hs_changes[v.id] = {"hs_code": h.code, "hs_derived": False, "hs_reason": h.reason}
            v.hs_code = h.code
        found = steps.refusals(v.step, "declared", facts(v, frozenset(), batch), declared)
        if found:
            problems[v.vin] = found
    if problems:
        first = next(iter(problems.values()))
        raise refused(first, {"refusals": first, "vehicles": problems})
    async with in_transaction() as conn:
        changed = (
            await Batch.filter(id=batch.id, declaration_no="")
            .using_db(conn)
            .update(declaration_no=body.declaration_no, declared_on=declared)
        )
        if changed != 1:
            raise Conflict("this batch is declared", code="declaration_recorded")
        for v in vehicles:
            await _move(
                conn,
                v,
                "declared",
                declared,
                {"declaration_no": body.declaration_no, "hs_code": v.hs_code, "documents": papers},
                principal,
                hs_changes.get(v.id, {}),
            )
        await audit(
            "export.declaration_recorded", actor=principal.user_id, target=f"export_batch:{batch.id}", conn=conn
        )
    return await Batch.get(id=batch.id)


async def record_clearance(principal: Principal, batch_id: int, body: ClearanceIn, today: date) -> Batch:
    """Customs clears the batch at once: the deregistration clock (2 months) starts for every vehicle."""
    batch = await access.batch(principal, batch_id, write=True)
    cleared = _when(body.cleared_on, today)
    if batch.declared_on is None:
        raise refused(["declaration_missing"])
    if batch.cleared_on is not None:
        raise Conflict("customs clearance is recorded", code="clearance_recorded")
    if cleared < batch.declared_on:
        raise ValidationFailed(
            "clearance comes after the declaration",
            details=[{"loc": ["body", "cleared_on"], "msg": "on or after the declaration"}],
        )
    async with in_transaction() as conn:
        changed = await Batch.filter(id=batch.id, cleared_on=None).using_db(conn).update(cleared_on=cleared)
        if changed != 1:
            raise Conflict("customs clearance is recorded", code="clearance_recorded")
        await audit(
            "export.clearance_recorded",
            actor=principal.user_id,
            target=f"export_batch:{batch.id}",
            details={"deregister_by": clocks.deregistration_due(cleared).isoformat()},
            conn=conn,
        )
    return await Batch.get(id=batch.id)


async def record_batch_step(principal: Principal, batch_id: int, body: BatchStepIn, today: date) -> Batch:
    batch = await access.batch(principal, batch_id, write=True)
    on = _when(body.on, today)
    vehicles = await _batch_vehicles(batch)
    problems = {}
    for v in vehicles:
        found = steps.refusals(v.step, body.step, facts(v, frozenset(), batch), on)
        if found:
            problems[v.vin] = found
    if problems:
        first = next(iter(problems.values()))
        raise refused(first, {"refusals": first, "vehicles": problems})
    async with in_transaction() as conn:
        for v in vehicles:
            await _move(conn, v, body.step, on, {"batch_id": batch.id}, principal, {})
    return batch
