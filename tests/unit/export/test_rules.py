"""Every export gate and clock on its boundary (docs/export.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from export.domain import clocks, destinations, hs, steps, vat
from export.domain.destinations import SHIPPED, Car, check


@pytest.mark.parametrize(
    ("energy", "fuel", "ml", "code"),
    [
        ("ice", "petrol", 1000, "8703.21"), ("ice", "petrol", 1001, "8703.22"), ("ice", "petrol", 1500, "8703.22"),
        ("ice", "petrol", 1501, "8703.23"), ("ice", "petrol", 3000, "8703.23"), ("ice", "petrol", 3001, "8703.24"),
        ("ice", "diesel", 1500, "8703.31"), ("ice", "diesel", 1501, "8703.32"), ("ice", "diesel", 2500, "8703.32"),
        ("ice", "diesel", 2501, "8703.33"), ("hev", "petrol", 1998, "8703.40"), ("hev", "diesel", 1998, "8703.50"),
        ("phev", "petrol", 1498, "8703.60"), ("phev", "diesel", 1998, "8703.70"), ("bev", "petrol", None, "8703.80"),
        ("fcev", "petrol", None, "8703.90"),
    ],
)  # fmt: skip
def test_hs_heading_on_every_boundary(energy: str, fuel: str, ml: int | None, code: str) -> None:
    assert hs.heading(energy, fuel, ml).code == code  # type: ignore[arg-type]


def test_hs_needs_a_displacement_and_an_override_needs_a_reason() -> None:
    with pytest.raises(hs.HsError):
        hs.heading("ice", "petrol", None)
    assert hs.override("8703.23", "declared engine is 2.0 L per the maker's certificate").derived is False
    with pytest.raises(ValueError, match="reason"):
        hs.override("8703.23", " ")
    with pytest.raises(ValueError, match="8703"):
        hs.override("8704.21", "a truck")


def test_temporary_plate_60_days_and_never_past_the_insurance() -> None:
    assert clocks.plate_expires(date(2026, 3, 1), date(2027, 1, 1)) == date(2026, 4, 29)  # day 60
    assert clocks.plate_expires(date(2026, 3, 1), date(2026, 4, 10)) == date(2026, 4, 10)


@pytest.mark.parametrize(
    ("first", "applied", "needed"),
    [
        (date(2025, 7, 5), date(2026, 1, 1), True),  # 180 days: still needs it
        (date(2025, 7, 4), date(2026, 1, 1), False),  # 181 days
        (date(2025, 12, 1), date(2025, 12, 31), False),  # before the rule was in force
    ],
)
def test_after_sales_confirmation_for_cars_180_days_old_or_less(first: date, applied: date, needed: bool) -> None:
    assert clocks.needs_after_sales_confirmation(first, applied) is needed


def test_licence_six_months_never_across_a_year_end() -> None:
    assert clocks.licence_expires(date(2026, 3, 1)) == date(2026, 8, 31)
    assert clocks.licence_expires(date(2026, 8, 31)) == date(2026, 12, 31)  # cut at the year end
    assert clocks.licence_expires(date(2026, 6, 30)) == date(2026, 12, 29)
    assert clocks.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_deregistration_within_two_months_of_clearance_and_deadline_states() -> None:
    due = clocks.deregistration_due(date(2026, 12, 31))
    assert due == date(2027, 2, 28)
    d = clocks.Deadline("deregistration", due)
    assert d.state(date(2027, 2, 20)) == "ok"
    assert d.state(date(2027, 2, 21)) == "due_soon"
    assert d.state(date(2027, 2, 28)) == "due_soon"
    assert d.state(date(2027, 3, 1)) == "overdue"


REG = steps.Registration("丰田", "凯美瑞", date(2023, 5, 1), pending_export_on=date(2026, 3, 1))
FACTS = steps.VehicleFacts(
    registration=REG, plate_issued=date(2026, 3, 1), insurance_ends=date(2027, 3, 1), inspection=True,
    licence_data=REG, licence_issued=date(2026, 3, 10), hs_code="8703.23", cleared=date(2026, 4, 1),
)  # fmt: skip


def test_steps_move_one_forward_at_a_time() -> None:
    today = date(2026, 3, 20)
    assert steps.refusals("bought", "transfer_registered", FACTS, today) == []
    assert steps.refusals("bought", "inspected", FACTS, today) == ["illegal_transition"]
    assert steps.refusals("licensed", "inspected", FACTS, today) == ["illegal_transition"]
    assert steps.refusals("deregistered", "vat_not_applicable", FACTS, today) == []
    assert steps.refusals("vat_refund_filed", "deregistered", FACTS, today) == ["illegal_transition"]


def test_an_expired_temporary_plate_blocks_the_inspection() -> None:
    assert steps.refusals("transfer_registered", "inspected", FACTS, date(2026, 4, 29)) == []
    assert steps.refusals("transfer_registered", "inspected", FACTS, date(2026, 4, 30)) == ["plate_expired"]


def test_a_new_car_without_the_makers_confirmation_cannot_be_licensed() -> None:
    young = replace(FACTS, registration=replace(REG, first_registration=date(2025, 12, 1)))
    young = replace(young, licence_data=young.registration)
    assert steps.refusals("inspected", "licensed", young, date(2026, 3, 20)) == ["after_sales_confirmation_required"]
    assert (
        steps.refusals("inspected", "licensed", replace(young, after_sales_confirmation=True), date(2026, 3, 20)) == []
    )


def test_licence_data_must_match_the_registration_certificate_and_the_filing_be_valid() -> None:
    wrong = replace(FACTS, licence_data=replace(REG, model="卡罗拉"))
    assert steps.refusals("inspected", "licensed", wrong, date(2026, 3, 20)) == ["licence_data_mismatch"]
    lapsed = replace(FACTS, filing_valid=False)
    assert steps.refusals("inspected", "licensed", lapsed, date(2026, 3, 20)) == ["filing_invalid"]


def test_declaring_needs_a_licence_in_force_and_an_hs_code() -> None:
    assert steps.refusals("licensed", "declared", FACTS, date(2026, 9, 9)) == []
    assert steps.refusals("licensed", "declared", FACTS, date(2026, 9, 10)) == ["licence_expired"]
    assert "hs_code_missing" in steps.refusals("licensed", "declared", replace(FACTS, hs_code=None), date(2026, 4, 1))


def test_one_licence_one_batch() -> None:
    assert steps.batch_refusals(3, ["A", "B", "C"]) == []
    assert steps.batch_refusals(3, ["A", "B"]) == ["licence_quantity_mismatch"]
    assert steps.batch_refusals(2, ["A", "A"]) == ["duplicate_vin_in_batch"]


def test_deadlines_shown_per_step() -> None:
    assert [d.what for d in steps.deadlines("transfer_registered", FACTS)] == ["plate"]
    assert [d.what for d in steps.deadlines("licensed", FACTS)] == ["licence"]
    assert [(d.what, d.due) for d in steps.deadlines("arrived", FACTS)] == [("deregistration", date(2026, 6, 1))]
    assert steps.deadlines("deregistered", FACTS) == []


def test_vat_refund_never_above_the_invoice_tax() -> None:
    assert vat.refundable("special_vat", 10_000_000, 1_300_000, 1300) == 1_300_000
    assert vat.refundable("special_vat", 10_000_000, 500_000, 1300) == 500_000  # capped at the invoice's tax
    assert vat.refundable("special_vat", 10_000_001, 2_000_000, 1300) == 1_300_000  # rounded down to the fen
    assert vat.refundable("ordinary", 10_000_000, 1_300_000, 1300) == 0
    assert vat.refundable("private_seller", 10_000_000, 0, 1300) == 0


def test_kenya_takes_right_hand_drive_under_eight_years_counted_at_arrival() -> None:
    rhd = Car("rhd", date(2018, 6, 1))
    assert check(SHIPPED, "KE", rhd, shipped=date(2026, 5, 1), arrival=date(2026, 5, 31)) == []
    late = check(SHIPPED, "KE", rhd, shipped=date(2026, 5, 1), arrival=date(2026, 6, 1))
    assert [v.code for v in late] == ["destination_too_old"]  # eight years old on the day it arrives
    lhd = check(SHIPPED, "KE", Car("lhd", date(2022, 1, 1)), shipped=date(2026, 5, 1))
    assert [v.code for v in lhd] == ["destination_steering"]
    assert "KS 1515" in lhd[0].rule.source


def test_countries_that_ban_right_hand_drive() -> None:
    for country in ("AE", "UZ"):
        assert [v.code for v in check(SHIPPED, country, Car("rhd", date(2022, 1, 1)), shipped=date(2026, 1, 1))] == [
            "destination_steering"
        ]


def test_eaeu_papers_by_age_and_kazakhstans_euro_4() -> None:
    young = Car("lhd", date(2024, 6, 1), euro=6, certificates=frozenset({"era_glonass"}))
    codes = [(v.code, v.detail) for v in check(SHIPPED, "RU", young, shipped=date(2026, 5, 31))]
    assert codes == [("destination_certificate", "type_approval")]
    older = Car("lhd", date(2023, 5, 31), euro=6, certificates=frozenset({"era_glonass"}))
    assert [v.detail for v in check(SHIPPED, "RU", older, shipped=date(2026, 5, 31))] == ["single_vehicle_certificate"]
    euro3 = Car("lhd", date(2019, 1, 1), euro=3, certificates=frozenset({"single_vehicle_certificate"}))
    assert [v.code for v in check(SHIPPED, "KZ", euro3, shipped=date(2026, 1, 1))] == ["destination_emission"]


def test_a_rule_applies_from_its_effective_date_only() -> None:
    base = destinations.Rule("XX", date(2020, 1, 1), "test", steering="lhd")
    newer = destinations.Rule("XX", date(2026, 7, 1), "test v2")
    rules = [base, newer]
    car = Car("rhd", date(2022, 1, 1))
    assert [v.code for v in check(rules, "XX", car, shipped=date(2026, 6, 30))] == ["destination_steering"]
    assert check(rules, "XX", car, shipped=date(2026, 7, 1)) == []
    assert check(rules, "YY", car, shipped=date(2026, 7, 1)) == []
    assert destinations.years_between(date(2020, 2, 29), date(2021, 2, 28)) == 0


def test_shipping_csv_rows_errors_and_eta() -> None:
    from datetime import UTC, datetime

    from export.domain import shipping

    header = ",".join(shipping.COLUMNS) + "\n"
    rows, errors = shipping.parse_csv(
        header + "E1,VIN1,,arrived,EST,2027-01-10T08:00:00+03:00,Asia/Almaty,KZAAU,,,\n"
        ",VIN1,,arrived,EST,9999-01-10T08:00:00+03:00,Asia/Almaty,,,,\n"
        ",,,arrived,EST,2027-01-10T08:00:00,UTC,kz,,,\n"
    )
    assert [(r.line, r.key) for r in rows] == [(2, "csv:E1")]
    assert {(e.line, e.column, e.code) for e in errors} == {
        (3, "event_time", "csv_bad_time"), (4, "vin", "csv_required"), (4, "event_time", "csv_bad_time"),
        (4, "location_code", "csv_bad_locode"),
    }  # fmt: skip
    assert shipping.parse_csv(header + "x" * 200_000 + "\n")[1][0].code == "csv_malformed"  # past csv's field limit
    t1, t2 = datetime(2027, 1, 10, tzinfo=UTC), datetime(2027, 1, 12, tzinfo=UTC)
    est1 = shipping.Seen(1, "arrived", "EST", t1, None)
    est2 = shipping.Seen(2, "arrived", "EST", t2, 1)  # a correction retracting the first
    assert shipping.eta([est1]) == ("estimated", t1)
    assert shipping.eta([est1, est2]) == ("estimated", t2)
    withdrawn = shipping.Seen(3, "retraction", "EST", t2, 2)
    assert shipping.eta([est1, est2, withdrawn]) is None  # the first stays retracted by the second
    actual = shipping.Seen(4, "arrived", "ACT", t1, None)
    assert shipping.eta([est1, actual]) == ("actual", t1)


def test_filing_validity_renewal_and_desk_colours() -> None:
    from export.domain import desk, filings

    assert filings.valid_until(date(2026, 3, 1)) == date(2027, 2, 28)
    assert filings.in_force("verified", date(2026, 3, 1), date(2027, 2, 28), date(2027, 2, 28))
    assert not filings.in_force("verified", date(2026, 3, 1), date(2027, 2, 28), date(2027, 3, 1))
    assert not filings.in_force("pending", date(2026, 3, 1), date(2027, 2, 28), date(2026, 6, 1))
    assert filings.renewal_refusal("verified", date(2027, 2, 28), date(2027, 2, 28)) is None
    assert filings.renewal_refusal("verified", date(2027, 2, 28), date(2027, 3, 1)) == "filing_renewal_late"
    assert filings.appraiser_problems([("甲", ""), ("乙", ""), ("甲", "")]) == ["filing_needs_three_appraisers"]
    plate = clocks.Deadline("plate", date(2026, 4, 29))
    assert desk.status("transfer_registered", [plate], date(2026, 4, 21)).colour == "green"
    assert desk.status("transfer_registered", [plate], date(2026, 4, 22)).colour == "amber"
    red = desk.status("transfer_registered", [plate], date(2026, 4, 30))
    assert (red.colour, red.todo) == ("red", "renew_temporary_plate")
    assert desk.status("arrived", [], date(2026, 4, 30), blocked=True).todo == "resolve_destination_rule"
