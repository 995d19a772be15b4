"""Request and response bodies of the listings API. Inputs forbid unknown fields; money is integer fen."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema

from listings.domain import plates, vin

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Energy = Literal["ice", "bev", "phev", "hev", "fcev"]
Body = Literal["sedan", "suv", "mpv", "hatchback", "coupe", "pickup", "wagon", ""]
Gearbox = Literal["manual", "automatic", "dct", "cvt", "single_speed", ""]
Usage = Literal["non_commercial", "commercial"]
MAX_PRICE_FEN = 100_000_000 * 100  # 1 亿元: beyond that it is a typo


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=5_000)


class VehicleIn(In):
    vin: str = Field(min_length=1, max_length=20)
    make: Short = Field(min_length=1)
    model: Short = Field(min_length=1)
    series: str = Field(default="", max_length=120)
    body_type: Body = ""
    energy_type: Energy
    transmission: Gearbox = ""
    displacement_ml: int | None = Field(default=None, ge=50, le=10_000)
    battery_kwh: float | None = Field(default=None, gt=0, le=300)
    emission_standard: str = Field(default="", max_length=20)
    colour: str = Field(default="", max_length=30)
    model_year: int | None = Field(default=None, ge=1980, le=2100)
    first_registration: date | None = None
    mileage_km: int = Field(default=0, ge=0, le=3_000_000)
    transfers: int = Field(default=0, ge=0, le=50)
    plate_prefix: str = Field(default="", max_length=10)
    registration_city: str = Field(default="", max_length=30)
    usage: Usage = "non_commercial"
    accident: bool = False
    flood: bool = False
    fire: bool = False

    @field_validator("vin")
    @classmethod
    def _vin(cls, v: str) -> str:
        return vin.validate(v)

    @field_validator("plate_prefix")
    @classmethod
    def _plate(cls, v: str) -> str:
        return plates.parse_prefix(v).prefix if v.strip() else ""

    @field_validator("first_registration")
    @classmethod
    def _first_registration(cls, v: date | None) -> date | None:
        if v is not None and not date(1980, 1, 1) <= v <= date(2100, 1, 1):
            raise ValueError("first registration date is out of range")
        return v


class ListingIn(In):
    dealer_org_id: int = Field(ge=1, le=2**31 - 1)
    vehicle: VehicleIn
    price_fen: int = Field(ge=100, le=MAX_PRICE_FEN)
    negotiable: bool = True
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5_000)
    location_city: str = Field(default="", max_length=30)


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may not be null: leave the field out to keep its value")
    return value


def _no_null_defaults(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        if prop.get("default", "") is None:
            del prop["default"]


class Patch(In):
    """A PATCH body: a field is left out (kept) or given a value. Null would mean "clear", and none of
    these can be empty in the database, so the schema offers no null and a null is refused (422)."""

    model_config = ConfigDict(json_schema_extra=_no_null_defaults)


# The constraints sit inside Annotated so that the schema of the value (not of the union) carries them.
Kept = SkipJsonSchema[None]


class VehiclePatch(Patch):
    series: Annotated[str, Field(max_length=120)] | Kept = None
    body_type: Body | Kept = None
    transmission: Gearbox | Kept = None
    colour: Annotated[str, Field(max_length=30)] | Kept = None
    mileage_km: Annotated[int, Field(ge=0, le=3_000_000)] | Kept = None
    transfers: Annotated[int, Field(ge=0, le=50)] | Kept = None
    emission_standard: Annotated[str, Field(max_length=20)] | Kept = None
    accident: bool | Kept = None
    flood: bool | Kept = None
    fire: bool | Kept = None

    _no_nulls = field_validator("*", mode="before")(_not_null)


class ListingPatch(Patch):
    price_fen: Annotated[int, Field(ge=100, le=MAX_PRICE_FEN)] | Kept = None
    negotiable: bool | Kept = None
    title: Annotated[str, Field(max_length=200)] | Kept = None
    description: Annotated[str, Field(max_length=5_000)] | Kept = None
    location_city: Annotated[str, Field(max_length=30)] | Kept = None
    vehicle: VehiclePatch | None = None  # null: no vehicle change, as when left out

    _no_nulls = field_validator("price_fen", "negotiable", "title", "description", "location_city", mode="before")(
        _not_null
    )


class ConditionItemIn(In):
    item: str = Field(min_length=1, max_length=60)
    grade: Literal["A", "B", "C", "D", "E"]
    note: str = Field(default="", max_length=500)
    photo_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ConditionIn(In):
    items: list[ConditionItemIn] = Field(max_length=100)


class VehicleOut(BaseModel):
    vin: str
    manufacturer: str
    country: str
    make: str
    make_en: str
    model: str
    model_en: str
    series: str
    body_type: str
    energy_type: str
    transmission: str
    displacement_ml: int | None
    battery_kwh: float | None
    emission_standard: str
    colour: str
    model_year: int | None
    first_registration: date | None
    mileage_km: int
    transfers: int
    plate_prefix: str
    registration_province: str
    registration_city: str
    usage: str
    accident: bool
    flood: bool
    fire: bool


class PhotoOut(BaseModel):
    id: int
    url: str
    thumb_url: str | None
    width: int
    height: int


class ConditionItemOut(BaseModel):
    item: str
    grade: str
    note: str
    photo_id: int | None


class DealerOut(BaseModel):
    id: int
    name: str
    verified: bool


class ListingOut(BaseModel):
    id: int
    status: str
    price_fen: int
    negotiable: bool
    title: str
    description: str
    location_province: str
    location_city: str
    version: int
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    dealer: DealerOut
    vehicle: VehicleOut
    photos: list[PhotoOut]
    condition: list[ConditionItemOut]
    watching: bool = False


class ListingSummary(BaseModel):
    # What an offer or an alert needs to show its car without fetching the listing.
    id: int
    title: str
    price_fen: int
    status: str
    thumb_url: str | None


ListingStatus = Literal["draft", "published", "reserved", "sold", "withdrawn", "expired"]


class InventoryFilter(In):
    q: str = Field(
        default="",
        max_length=100,
        description="words that must each appear in the VIN, make, model, series, colour or title (case-insensitive)",
    )
    status: ListingStatus | None = None
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=100)

    @field_validator("q")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ValueError("the search text has control characters")
        return value.strip()


class ListingPage(BaseModel):
    items: list[ListingOut]
    next_cursor: str | None


class InventoryPage(ListingPage):
    total: int = Field(description="the dealer's listings matching q and status, on every page")
    counts: dict[str, int] = Field(
        description="listings matching q by status (whatever status is asked), for the status filter"
    )


class SearchIn(In):
    q: str = Field(default="", max_length=200)
    make: str = Field(default="", max_length=400)
    model: str = Field(default="", max_length=400)
    energy_type: str = Field(default="", max_length=100)
    body_type: str = Field(default="", max_length=100)
    transmission: str = Field(default="", max_length=100)
    emission_standard: str = Field(default="", max_length=100)
    province: str = Field(default="", max_length=400)
    city: str = Field(default="", max_length=400)
    price_band: str = Field(default="", max_length=100)
    # Outer bounds only keep numbers sane for the document and the engines; the meaningful ranges are the search
    # rules' (domain.query.LIMITS), which refuse with `out_of_range` and their limits for the client to word.
    year_min: int | None = Field(default=None, ge=0, le=9_999)
    year_max: int | None = Field(default=None, ge=0, le=9_999)
    price_min_fen: int | None = Field(default=None, ge=0, le=10**15)
    price_max_fen: int | None = Field(default=None, ge=0, le=10**15)
    mileage_min_km: int | None = Field(default=None, ge=0, le=10**9)
    mileage_max_km: int | None = Field(default=None, ge=0, le=10**9)
    transfers_max: int | None = Field(default=None, ge=0, le=10**6)
    no_accident: bool = False
    sort: Literal["relevance", "price_asc", "price_desc", "mileage_asc", "year_desc", "newest"] = "relevance"
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


class FacetValue(BaseModel):
    value: str
    count: int


class SearchHit(BaseModel):
    id: int
    title: str
    make: str
    model: str
    series: str
    energy_type: str
    body_type: str
    year: int
    mileage_km: int
    price_fen: int
    city: str
    province: str
    thumb_url: str | None
    published_at: int


class SearchOut(BaseModel):
    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]


HIT_FIELDS = tuple(SearchHit.model_fields)  # read once: the class attribute is slow in pydantic 2.14


def hit_from_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """A SearchHit-shaped dict. Documents come from our own indexer (validated rows), and building 20
    pydantic models per request cost more than the search itself, so the hot path stays in plain dicts."""
    return {k: doc.get(k) for k in HIT_FIELDS}
