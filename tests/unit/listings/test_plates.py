from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listings.domain import plates


@pytest.mark.parametrize(
    ("raw", "province", "city"),
    [
        ("浙B", "Zhejiang", "Ningbo"),
        ("浙A·12345", "Zhejiang", "Hangzhou"),
        ("粤b", "Guangdong", "Shenzhen"),
        ("沪C", "Shanghai", "Shanghai"),
        ("京N", "Beijing", "Beijing"),
        ("渝A", "Chongqing", "Chongqing"),
        ("苏E", "Jiangsu", "Suzhou"),
        ("鲁B", "Shandong", "Qingdao"),
        ("川A", "Sichuan", "Chengdu"),
        ("闽D", "Fujian", "Xiamen"),
        ("新Z", "Xinjiang", ""),  # the province even when the city letter is not in our table
    ],
)
def test_prefixes(raw: str, province: str, city: str) -> None:
    region = plates.parse_prefix(raw)
    assert (region.province_en, region.city_en) == (province, city)


def test_every_province_has_its_capital_or_is_a_municipality() -> None:
    assert len(plates.PROVINCES) == 31
    for char in plates.PROVINCES:
        assert plates.parse_prefix(char + "A").city, char


@pytest.mark.parametrize("raw", ["", "浙", "X1", "浙1", "浙I", "浙O", "港A"])
def test_bad_prefixes(raw: str) -> None:
    with pytest.raises(plates.PlateError):
        plates.parse_prefix(raw)


def test_city_lookup_round_trip() -> None:
    assert plates.plate_for_city("宁波") == "浙B"
    assert plates.province_of_city("深圳") == "广东"
    assert plates.province_of_city("上海") == "上海"
    assert plates.province_of_city("Atlantis") is None


@given(st.text(max_size=12))
def test_parse_never_raises_anything_else(raw: str) -> None:
    with contextlib.suppress(plates.PlateError):
        plates.parse_prefix(raw)
