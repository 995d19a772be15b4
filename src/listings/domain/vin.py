"""Vehicle identification numbers (ISO 3779 / GB 16735): shape, check digit, WMI and model year."""

from __future__ import annotations

import re
from dataclasses import dataclass

VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# The model-year code cycles every 30 years: A=1980/2010 … Y=2000/2030, 1=2001/2031 … 9=2009/2039.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"

# World manufacturer identifiers seen on the Chinese used-car market (first three characters).
WMI: dict[str, str] = {
    "LSV": "SAIC Volkswagen",
    "LFV": "FAW-Volkswagen",
    "LBV": "BMW Brilliance",
    "LE4": "Beijing Benz",
    "LVS": "Changan Ford",
    "LVG": "GAC Toyota",
    "LTV": "FAW Toyota",
    "LHG": "GAC Honda",
    "LVH": "Dongfeng Honda",
    "LGB": "Dongfeng Nissan",
    "LRW": "Tesla Shanghai",
    "LC0": "BYD",
    "LGX": "BYD",
    "LB3": "Geely",
    "LGW": "Great Wall",
    "LS5": "Changan",
    "LSG": "SAIC-GM",
    "LSJ": "SAIC Motor",
    "LDC": "Dongfeng Peugeot Citroën",
    "LVV": "Chery",
    "LFP": "FAW Car",
    "LNB": "BAIC",
    "WBA": "BMW",
    "WDD": "Mercedes-Benz",
    "WVW": "Volkswagen",
    "WAU": "Audi",
    "WP0": "Porsche",
    "JTD": "Toyota",
    "JHM": "Honda",
    "1HG": "Honda (USA)",
    "5YJ": "Tesla (USA)",
    "KMH": "Hyundai",
    "VF1": "Renault",
    "ZFA": "Fiat",
    "SAL": "Land Rover",
    "YV1": "Volvo",
}
# Region of manufacture from the first character (ISO 3780), with the common two-character exceptions.
_COUNTRY_1 = {
    "L": "China",
    "J": "Japan",
    "W": "Germany",
    "Z": "Italy",
    "1": "United States",
    "4": "United States",
    "5": "United States",
    "2": "Canada",
    "3": "Mexico",
}
_COUNTRY_2 = {"K": ("LMNPR", "South Korea"), "V": ("FGHJKLMNPR", "France"), "S": ("ABCDEFGHJKLM", "United Kingdom")}
_COUNTRY_2_Y = ("STUVW", "Sweden")


class VinError(ValueError):
    """A VIN that cannot be right; the message says why."""


@dataclass(frozen=True)
class VinInfo:
    vin: str
    wmi: str
    manufacturer: str | None
    country: str | None
    model_year: int | None


def check_digit(vin: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def normalise(vin: str) -> str:
    return vin.strip().upper()


def validate(raw: str) -> str:
    """Return the normalised VIN or raise VinError with a message a dealer can act on."""
    vin = normalise(raw)
    if len(vin) != 17:
        raise VinError(f"a VIN has 17 characters, this one has {len(vin)}")
    bad = sorted({ch for ch in vin if ch in "IOQ"})
    if bad:
        raise VinError(f"a VIN never contains I, O or Q (found {', '.join(bad)})")
    if not VIN_RE.match(vin):
        raise VinError("a VIN has only digits and the letters A-Z without I, O and Q")
    expected = check_digit(vin)
    if vin[8] != expected:
        raise VinError(f"check digit (position 9) is {vin[8]} but should be {expected}: a character is mistyped")
    return vin


def country(vin: str) -> str | None:
    first, second = vin[0], vin[1]
    if first in _COUNTRY_1:
        return _COUNTRY_1[first]
    if first in _COUNTRY_2:
        letters, name = _COUNTRY_2[first]
        return name if second in letters else None
    if first == "Y":
        return _COUNTRY_2_Y[1] if second in _COUNTRY_2_Y[0] else None
    return None


def model_year(code: str, latest: int) -> int | None:
    """The model year for position 10, the most recent cycle not later than `latest` (e.g. this year + 1)."""
    idx = _YEAR_CODES.find(code)
    if idx < 0:
        return None
    year = 1980 + idx
    while year + 30 <= latest:
        year += 30
    return year


def decode(raw: str, *, latest_year: int) -> VinInfo:
    vin = validate(raw)
    return VinInfo(
        vin=vin,
        wmi=vin[:3],
        manufacturer=WMI.get(vin[:3]),
        country=country(vin),
        model_year=model_year(vin[9], latest_year),
    )


def with_check_digit(vin17: str) -> str:
    """Put the right check digit into position 9 (demo data and tests)."""
    vin = normalise(vin17)
    return vin[:8] + check_digit(vin) + vin[9:]
