"""Demo data for the export desk: the demo dealer's verified filing and one order to Kazakhstan with three of its
cars at different steps (one still bought, one with its temporary plate running, one inspected), so the desk
shows its clocks from the first login."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tortoise.transactions import in_transaction

from export.domain import filings, hs
from export.models import Filing, Order, OrderVehicle, StepRecord
from export.services.orders import cny_fen
from listings import vehicles

RATE = "7.1025"


async def create(dealer_org_id: int, user_id: int, vehicle_ids: list[int], today: date) -> int:
    """The filing and the order; returns the order's id. Vehicles that cannot be described are skipped."""
    approved = today - timedelta(days=200)
    async with in_transaction() as conn:
        await Filing.create(
            exporter_org_id=dealer_org_id, filing_no="浙商务出口备〔2026〕017号", province="浙江",
            approved_on=approved, valid_until=filings.valid_until(approved), customs_code="3302960ABC",
            appraisers=[{"name": n, "certificate_no": f"ZJPG-{i:04d}"} for i, n in
                        enumerate(("张评估 Zhang", "李评估 Li", "王评估 Wang"), start=1)],
            status="verified", decided_at=datetime.now(UTC), created_by=user_id, using_db=conn,
        )  # fmt: skip
        order = await Order.create(
            exporter_org_id=dealer_org_id, reference="EX-2026-DEMO-01", consignee_name="Astana Motors LLP",
            consignee_country="KZ", consignee_address="12 Abay Avenue, Astana 010000, Kazakhstan",
            consignee_contact="Aigerim N., +7 701 000 0000", contract_no="YC-KZ-2026-017", destination_country="KZ",
            incoterm="CIF", named_place="Aktau", currency="USD", fx_rate=RATE, fx_source="PBOC central parity",
            fx_date=today - timedelta(days=3), planned_shipment=today + timedelta(days=20), created_by=user_id,
            using_db=conn,
        )  # fmt: skip
        for n, vehicle_id in enumerate(vehicle_ids[:3]):
            car = await vehicles.get(vehicle_id)
            if car is None:
                continue
            try:
                heading = hs.heading(car.energy_type, "petrol", car.displacement_ml).code  # type: ignore[arg-type]
            except ValueError:
                heading = ""
            price = 1_850_000 + 250_000 * n  # USD 18,500.00 and up
            v = await OrderVehicle.create(
                order_id=order.id, exporter_org_id=dealer_org_id, vehicle_id=car.id, vin=car.vin, make=car.make,
                model=car.model, energy=car.energy_type, displacement_ml=car.displacement_ml, steering="lhd", euro=6,
                certificates=["type_approval", "single_vehicle_certificate"], price_minor=price,
                price_cny_fen=cny_fen(price, "USD", RATE), reg_make=car.make, reg_model=car.model,
                reg_first_registration=car.first_registration or date(2022, 1, 1), hs_code=heading, using_db=conn,
            )  # fmt: skip
            if n == 0:
                continue
            issued = today - timedelta(days=54)  # the plate runs out within the week: amber
            await OrderVehicle.filter(id=v.id).using_db(conn).update(
                step="transfer_registered" if n == 1 else "inspected", pending_export_on=issued,
                plate_no=f"浙B临{4100 + n}", plate_issued=issued, insurance_ends=today + timedelta(days=300),
                inspection_standard="" if n == 1 else "WM/T 8-2022", version=2 if n == 1 else 3,
            )  # fmt: skip
            await StepRecord.create(vehicle_id=v.id, step="transfer_registered", on=issued,
                                    data={"plate_issued": issued.isoformat()}, recorded_by=user_id,
                                    recorded_at=datetime.now(UTC), using_db=conn)  # fmt: skip
            if n == 2:
                await StepRecord.create(vehicle_id=v.id, step="inspected", on=issued + timedelta(days=5),
                                        data={"inspection_standard": "WM/T 8-2022"}, recorded_by=user_id,
                                        recorded_at=datetime.now(UTC), using_db=conn)  # fmt: skip
    return order.id
