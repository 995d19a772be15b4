"""The packing list (装箱单) of an export order: each vehicle's packing details as the dealer records them, and the
list as a bilingual PDF once every vehicle has them.

Recording: the dealer's selling staff, from the purchase until the car departs (what left is what it shipped as);
another exporter gets the 404 of a missing vehicle. The rules are `export.domain.packing`; a record that breaks one
is refused 422 with the first rule's code and every problem in the details. The list: whoever reads the order;
refused 409 `packing_incomplete` while any vehicle of the order lacks its details (never a line of zeros), or with
the rule's code when a vehicle's mode no longer matches its batch's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from export.domain import packing, steps
from export.models import Batch, Order, OrderVehicle
from export.schemas import PackingIn
from export.services import access, papers
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.documents.model import Package, PackingList, Party
from marketplace.errors import ApiError, Conflict

# The rules' codes as the API answers them (each has its words in frontend/src/features/export/i18n.ts).
PACKING_CODES = {
    "packing_weight_out_of_range": "packing_weight_out_of_range",
    "packing_net_exceeds_gross": "packing_net_exceeds_gross",
    "packing_dimension_out_of_range": "packing_dimension_out_of_range",
    "packing_packages_out_of_range": "packing_packages_out_of_range",
    "packing_mode_unknown": "packing_mode_unknown",
    "packing_mode_mismatch": "packing_mode_mismatch",
    "packing_container_required": "packing_container_required",
    "packing_container_number_invalid": "packing_container_number_invalid",
    "packing_container_check_digit": "packing_container_check_digit",
    "packing_seal_required": "packing_seal_required",
    "packing_seal_invalid": "packing_seal_invalid",
    "packing_container_not_applicable": "packing_container_not_applicable",
}
# Recorded until the car departs: from then on the details are what it shipped with.
RECORDABLE_UNTIL = "departed"
MODE_WORDS = {"ro_ro": "滚装 Ro-Ro", "container": "集装箱 Container", "rail": "铁路 Rail"}
FIELDS = ("gross_kg", "net_kg", "length_mm", "width_mm", "height_mm", "packages", "mode", "container_no", "seal_no")


def from_body(body: PackingIn) -> packing.Packing:
    return packing.Packing(
        gross_kg=body.gross_kg, net_kg=body.net_kg, length_mm=body.length_mm, width_mm=body.width_mm,
        height_mm=body.height_mm, packages=body.packages, mode=body.mode,
        container_no=packing.normalise(body.container_no), seal_no=packing.normalise(body.seal_no),
    )  # fmt: skip


def from_row(data: Any) -> packing.Packing | None:
    if not isinstance(data, dict):
        return None
    return packing.Packing(**{k: data[k] for k in FIELDS})


def _refused(found: list[packing.Problem], *, status: int = 422, vin: str | None = None) -> ApiError:
    code = PACKING_CODES.get(found[0].code, "packing_invalid")
    problems = [{"field": p.field, "code": p.code} for p in found]
    details: dict[str, Any] = {"refusals": [p.code for p in found], "problems": problems}
    if vin is not None:
        details["vehicles"] = {vin: [p.code for p in found]}
    return ApiError(f"refused: {', '.join(p.code for p in found)}", code=code, status=status, details=details)


async def _batch_mode(v: OrderVehicle) -> str | None:
    if v.batch_id is None:
        return None
    batch = await Batch.get_or_none(id=v.batch_id)
    return batch.mode if batch else None


async def record(principal: Principal, vehicle_id: int, body: PackingIn) -> OrderVehicle:
    v = await access.vehicle(principal, vehicle_id, write=True)
    if v.step in steps.FINAL or steps.STEPS.index(v.step) >= steps.STEPS.index(RECORDABLE_UNTIL):
        raise Conflict("the car has departed: its packing is what it shipped with", code="packing_locked")
    p = from_body(body)
    found = packing.problems(p, await _batch_mode(v))
    if found:
        raise _refused(found)
    data = {k: getattr(p, k) for k in FIELDS}
    data |= {"recorded_by": principal.user_id, "recorded_at": datetime.now(UTC).isoformat()}
    async with in_transaction() as conn:
        changed = (
            await OrderVehicle.filter(id=v.id, version=v.version)
            .using_db(conn)
            .update(packing=data, version=v.version + 1)
        )
        if changed != 1:
            raise Conflict("the vehicle changed meanwhile; reload and retry", code="stale")
        await audit(
            "export.packing_recorded",
            actor=principal.user_id,
            target=f"export_vehicle:{v.id}",
            details={k: data[k] for k in ("gross_kg", "net_kg", "packages", "mode", "container_no")},
            conn=conn,
        )
    return await OrderVehicle.get(id=v.id)


def _marks(p: packing.Packing) -> str:
    marks = f"{p.packages} 件 pkg; {p.length_mm:,}×{p.width_mm:,}×{p.height_mm:,} mm"
    if p.mode == "container":
        marks += f"; 箱号 {p.container_no} 封号 seal {p.seal_no}"
    return marks


async def packing_list(principal: Principal, order_id: int, today: date) -> PackingList:
    order = await access.order(principal, order_id)
    cars = await OrderVehicle.filter(order_id=order.id).order_by("id")
    records = [from_row(v.packing) for v in cars]
    lacking = packing.missing(records)
    if not cars or lacking:
        raise ApiError(
            "every vehicle of the order needs its packing details first",
            code="packing_incomplete",
            status=409,
            details={"vehicles": [{"id": cars[i].id, "vin": cars[i].vin} for i in lacking]},
        )
    batches = {b.id: b for b in await Batch.filter(id__in=[v.batch_id for v in cars if v.batch_id])}
    items: list[packing.Packing] = []
    for v, p in zip(cars, records, strict=True):
        assert p is not None
        batch = batches.get(v.batch_id or 0)
        found = packing.problems(p, batch.mode if batch else None)
        if found:  # the car joined a batch shipped otherwise after its details were recorded
            raise _refused(found, status=409, vin=v.vin)
        items.append(p)
    exporter = await papers.exporter_party(order.exporter_org_id)
    consignee = papers.consignee_party(order, principal)
    return _content(order, cars, items, list(batches.values()), exporter, consignee, today)


def _content(
    order: Order, cars: list[OrderVehicle], items: list[packing.Packing], batches: list[Batch], exporter: Party,
    consignee: Party, today: date,
) -> PackingList:  # fmt: skip
    totals = packing.totals(items)
    bl = batches[0].bill_of_lading if len(batches) == 1 and isinstance(batches[0].bill_of_lading, dict) else {}
    vessel = " ".join(x for x in (bl.get("vessel", ""), bl.get("voyage", "")) if x)
    modes = dict.fromkeys(p.mode for p in items)
    return PackingList(
        number=f"PL-{order.reference}",
        exporter=exporter,
        consignee=consignee,
        packages=tuple(
            Package(
                vehicle=papers.vehicle_of(v),
                gross_kg=p.gross_kg,
                net_kg=p.net_kg,
                length_mm=p.length_mm,
                width_mm=p.width_mm,
                height_mm=p.height_mm,
                marks=_marks(p),
            )  # fmt: skip
            for v, p in zip(cars, items, strict=True)
        ),
        issued_on=today,
        invoice_number=f"CI-{order.reference}",
        vessel=vessel,
        container=", ".join(totals.containers),
        port_of_loading=bl.get("port_of_loading", ""),
        port_of_discharge=bl.get("port_of_discharge", ""),
        shipping_mode=f"{' / '.join(MODE_WORDS[m] for m in modes)}; {totals.packages} 件 packages",
    )
