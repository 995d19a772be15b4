from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listings.domain import vin

ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
vins = st.text(alphabet=ALPHABET, min_size=17, max_size=17).map(vin.with_check_digit)


@pytest.mark.parametrize(
    "known",
    ["1M8GDM9AXKP042788", "11111111111111111"],  # the textbook example; all ones (check digit 1)
)
def test_known_valid_vins(known: str) -> None:
    assert vin.validate(known) == known


def test_decode_wmi_country_and_year() -> None:
    v = vin.with_check_digit("LBV5S1100MA000001")
    info = vin.decode(v.lower(), latest_year=2027)
    assert info.vin == v
    assert info.manufacturer == "BMW Brilliance"
    assert info.country == "China"
    assert info.model_year == 2021
    assert vin.decode(vin.with_check_digit("WBA5S1100YA000001"), latest_year=2027).model_year == 2000
    assert vin.decode(vin.with_check_digit("KMH5S11001A000001"), latest_year=2027).country == "South Korea"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("LBV5S1100MA00000", "17 characters"),
        ("LBV5S1100MA0000001", "17 characters"),
        ("LBV5S1I00MA000001", "never contains I, O or Q"),
        ("LBV5S1O00MA000001", "never contains I, O or Q"),
        ("LBV5S1100MA00000!", "only digits"),
    ],
)
def test_malformed(raw: str, message: str) -> None:
    with pytest.raises(vin.VinError, match=message):
        vin.validate(raw)


@given(vins)
def test_generated_vins_validate(v: str) -> None:
    assert vin.validate(v) == v


@given(vins, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_caught_or_harmless(v: str, pos: int, ch: str) -> None:
    changed = v[:pos] + ch + v[pos + 1 :]
    if changed == v or pos == 8:
        return
    # The check digit catches a change unless the two characters transliterate to values whose difference,
    # times the weight, is a multiple of 11 (weight 0 at position 9; equal values such as A/J).
    if vin.check_digit(changed) != changed[8]:
        with pytest.raises(vin.VinError, match="check digit"):
            vin.validate(changed)
    else:
        assert vin.validate(changed) == changed


@given(st.text(max_size=30))
def test_validate_never_raises_anything_but_vin_error(raw: str) -> None:
    with contextlib.suppress(vin.VinError):
        vin.validate(raw)


@given(st.sampled_from("ABCDEFGHJKLMNPRSTVWXY123456789"), st.integers(min_value=1990, max_value=2060))
def test_model_year_is_latest_cycle_not_after_latest(code: str, latest: int) -> None:
    year = vin.model_year(code, latest)
    assert year is not None
    assert year <= latest or year - 30 < 1980
    assert year + 30 > latest
