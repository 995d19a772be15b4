"""The packing list's rules on every boundary: weights, dimensions, packages, the shipping mode, ISO 6346
container numbers (the check digit by hand) and seals, the list's totals (docs/export.md, "Packing list")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from export.domain import packing
from export.domain.packing import Packing

RO_RO = Packing(
    gross_kg=1_650, net_kg=1_520, length_mm=4_948, width_mm=1_836, height_mm=1_469, packages=1, mode="ro_ro"
)
BOXED = replace(RO_RO, mode="container", container_no="CSQU3054383", seal_no="SL-001234")


def codes(p: Packing, batch_mode: str | None = None) -> list[tuple[str, str]]:
    return [(x.field, x.code) for x in packing.problems(p, batch_mode)]


def test_letter_values_skip_the_multiples_of_eleven() -> None:
    values = packing.LETTER_VALUES
    assert (values["A"], values["B"], values["K"], values["L"], values["U"], values["V"], values["Z"]) == (
        10, 12, 21, 23, 32, 34, 38,
    )  # fmt: skip
    assert not {11, 22, 33} & set(values.values())
    assert len(set(values.values())) == 26


def test_the_standard_example_by_hand() -> None:
    # C13·1 + S30·2 + Q28·4 + U32·8 + 3·16 + 0·32 + 5·64 + 4·128 + 3·256 + 8·512 = 6185; 6185 mod 11 = 3
    assert packing.check_digit("CSQU305438") == 3
    assert packing.container_problem("CSQU3054383") is None


def test_a_remainder_of_ten_is_written_as_zero() -> None:
    # C13 + S60 + Q112 + U256 + 7·512 = 4025 = 365·11 + 10
    assert packing.check_digit("CSQU000007") == 0
    assert packing.container_problem("CSQU0000070") is None
    assert packing.container_problem("CSQU0000071") == "packing_container_check_digit"


@pytest.mark.parametrize("digit", [d for d in "0123456789" if d != "3"])
def test_every_other_check_digit_is_refused(digit: str) -> None:
    assert packing.container_problem("CSQU305438" + digit) == "packing_container_check_digit"


@pytest.mark.parametrize(
    "number",
    [
        "CSQU305438",  # ten characters
        "CSQU30543830",  # twelve
        "CSQX3054383",  # category X: only U, J, Z
        "CS1U3054383",  # a digit in the owner code
        "CSQU30S4383",  # a letter in the serial
        "csqu3054383",  # not normalised
        "",
    ],
)
def test_malformed_container_numbers(number: str) -> None:
    assert packing.container_problem(number) == "packing_container_number_invalid"


@pytest.mark.parametrize("category", "UJZ")
def test_every_category_is_accepted_with_its_own_check_digit(category: str) -> None:
    first = f"ABC{category}123456"
    assert packing.container_problem(first + str(packing.check_digit(first))) is None


def test_check_digit_needs_four_letters_and_six_digits() -> None:
    with pytest.raises(ValueError, match="letters"):
        packing.check_digit("CSQU30543")


def test_normalise_drops_spaces_and_uppercases() -> None:
    assert packing.normalise(" csqu 305438 3 ") == "CSQU3054383"


def test_valid_records_have_no_problems() -> None:
    assert codes(RO_RO) == []
    assert codes(replace(RO_RO, mode="rail")) == []
    assert codes(BOXED) == []
    assert codes(BOXED, batch_mode="container") == []


@pytest.mark.parametrize("name", ["gross_kg", "net_kg"])
def test_weight_bounds(name: str) -> None:
    light = replace(RO_RO, gross_kg=1, net_kg=1)
    assert codes(light) == []
    assert codes(replace(light, **{name: 0})) == [(name, "packing_weight_out_of_range")]
    assert codes(replace(light, **{name: -5})) == [(name, "packing_weight_out_of_range")]
    heavy = replace(RO_RO, gross_kg=packing.MAX_WEIGHT_KG, net_kg=packing.MAX_WEIGHT_KG)
    assert codes(heavy) == []
    assert codes(replace(heavy, **{name: 60_001})) == [(name, "packing_weight_out_of_range")]


def test_net_never_exceeds_gross() -> None:
    assert codes(replace(RO_RO, net_kg=RO_RO.gross_kg)) == []
    assert codes(replace(RO_RO, net_kg=RO_RO.gross_kg + 1)) == [("net_kg", "packing_net_exceeds_gross")]


@pytest.mark.parametrize("name", ["length_mm", "width_mm", "height_mm"])
def test_dimension_bounds(name: str) -> None:
    assert codes(replace(RO_RO, **{name: 1})) == []
    assert codes(replace(RO_RO, **{name: 20_000})) == []
    assert codes(replace(RO_RO, **{name: 0})) == [(name, "packing_dimension_out_of_range")]
    assert codes(replace(RO_RO, **{name: 20_001})) == [(name, "packing_dimension_out_of_range")]


def test_package_bounds() -> None:
    assert codes(replace(RO_RO, packages=99)) == []
    assert codes(replace(RO_RO, packages=0)) == [("packages", "packing_packages_out_of_range")]
    assert codes(replace(RO_RO, packages=100)) == [("packages", "packing_packages_out_of_range")]


def test_the_mode_is_one_of_the_batch_modes_and_matches_the_batch() -> None:
    assert codes(replace(RO_RO, mode="air")) == [("mode", "packing_mode_unknown")]
    assert codes(RO_RO, batch_mode="container") == [("mode", "packing_mode_mismatch")]
    assert codes(RO_RO, batch_mode="ro_ro") == []


def test_a_container_needs_its_number_and_seal() -> None:
    assert codes(replace(BOXED, container_no="", seal_no="")) == [
        ("container_no", "packing_container_required"),
        ("seal_no", "packing_seal_required"),
    ]
    assert codes(replace(BOXED, container_no="CSQU3054384")) == [("container_no", "packing_container_check_digit")]
    assert codes(replace(BOXED, container_no="CSQ3054383")) == [("container_no", "packing_container_number_invalid")]
    assert codes(replace(BOXED, seal_no="A" * 20)) == []
    assert codes(replace(BOXED, seal_no="A" * 21)) == [("seal_no", "packing_seal_invalid")]
    assert codes(replace(BOXED, seal_no="-12")) == [("seal_no", "packing_seal_invalid")]
    assert codes(replace(BOXED, seal_no="12/3")) == [("seal_no", "packing_seal_invalid")]


def test_ro_ro_and_rail_carry_no_container() -> None:
    for mode in ("ro_ro", "rail"):
        assert codes(replace(BOXED, mode=mode)) == [
            ("container_no", "packing_container_not_applicable"),
            ("seal_no", "packing_container_not_applicable"),
        ]


def test_every_problem_is_reported_at_once() -> None:
    bad = Packing(gross_kg=0, net_kg=70_000, length_mm=0, width_mm=1, height_mm=30_000, packages=0, mode="air")
    assert [c for _, c in codes(bad)] == [
        "packing_weight_out_of_range", "packing_weight_out_of_range", "packing_dimension_out_of_range",
        "packing_dimension_out_of_range", "packing_packages_out_of_range", "packing_mode_unknown",
    ]  # fmt: skip


def test_totals_of_the_list() -> None:
    second = replace(BOXED, gross_kg=1_480, net_kg=1_390, length_mm=4_635, width_mm=1_780, height_mm=1_435, packages=2)
    third = replace(second, packages=1)
    t = packing.totals([RO_RO, second, third])
    # 4948×1836×1469 mm = 13,345 dm³; 4635×1780×1435 mm = 11,839 dm³ (half up)
    assert (RO_RO.volume_dm3, second.volume_dm3) == (13_345, 11_839)
    assert t == packing.Totals(
        vehicles=3, packages=4, gross_kg=4_610, net_kg=4_300, volume_dm3=37_023, containers=("CSQU3054383",)
    )
    assert packing.totals([]) == packing.Totals(0, 0, 0, 0, 0, ())


def test_volume_rounds_half_up() -> None:
    assert replace(RO_RO, length_mm=1, width_mm=1, height_mm=500_000).volume_dm3 == 1
    assert replace(RO_RO, length_mm=1, width_mm=1, height_mm=499_999).volume_dm3 == 0


def test_missing_names_the_vehicles_without_details() -> None:
    assert packing.missing([RO_RO, None, BOXED, None]) == [1, 3]
    assert packing.missing([RO_RO]) == []
