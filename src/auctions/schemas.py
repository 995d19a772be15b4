"""Request and response bodies for auctions. Inputs forbid unknown fields; money is integer fen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from auctions.domain.increments import Ladder, LadderError, PremiumTable

Fen = Annotated[int, Field(ge=0, le=10**13)]
PositiveFen = Annotated[int, Field(gt=0, le=10**13)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ClientBidId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,64}$")]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class LadderBandIn(In):
    start: Fen
    step: PositiveFen


class PremiumBandIn(In):
    start: Fen
    percent_bp: int = Field(ge=0, le=10_000, description="percentage in basis points: 5 % = 500")
    fixed: Fen = 0


class TermsIn(In):
    ladder: list[LadderBandIn] = Field(min_length=1, max_length=50)
    deposit: Fen
    buying_limit: PositiveFen = Field(description="buying limit per deposit, across leading and won lots")
    premium: list[PremiumBandIn] = Field(min_length=1, max_length=50)
    soft_close_seconds: int = Field(default=120, ge=0, le=3_600)
    extension_cap_seconds: int | None = Field(default=None, ge=0, le=86_400)
    lot_duration_seconds: int = Field(default=600, ge=30, le=30 * 86_400)
    stagger_seconds: int = Field(default=30, ge=0, le=3_600)
    conditional_window_seconds: int = Field(default=86_400, ge=60, le=14 * 86_400)
    live_countdown_seconds: int = Field(default=30, ge=3, le=600)
    allow_individuals: bool = False

    @field_validator("ladder")
    @classmethod
    def _ladder(cls, bands: list[LadderBandIn]) -> list[LadderBandIn]:
        _table_check(lambda: Ladder.build([(b.start, b.step) for b in bands]), bands)
        return bands

    @field_validator("premium")
    @classmethod
    def _premium(cls, bands: list[PremiumBandIn]) -> list[PremiumBandIn]:
        _table_check(lambda: PremiumTable.build([(b.start, b.percent_bp, b.fixed) for b in bands]), bands)
        return bands


def _table_check(build: Callable[[], object], bands: Sequence[BaseModel]) -> None:
    """Run a table's rules; a broken one is reported on its band and field (terms.ladder.2.step), so a
    form marks that cell rather than the whole table."""
    try:
        build()
    except LadderError as exc:
        loc: tuple[int | str, ...] = exc.where or ()
        given = getattr(bands[exc.where[0]], exc.where[1]) if exc.where else None
        error = InitErrorDetails(type=PydanticCustomError("terms_table", str(exc)), loc=loc, input=given)
        raise ValidationError.from_exception_data("terms", [error]) from None


class SessionIn(In):
    house_org_id: int = Field(ge=1, le=2**31 - 1)
    title: Title
    kind: Literal["online", "onsite", "hybrid"]
    starts_at: AwareDatetime
    terms: TermsIn


class LotIn(In):
    vehicle_id: int = Field(ge=1, le=2**31 - 1)
    starting_price: PositiveFen
    reserve_price: PositiveFen | None = None
    buy_now_price: PositiveFen | None = None
    condition_report: str = Field(default="", max_length=5_000)


class RegistrationIn(In):
    org_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class BidIn(In):
    amount: PositiveFen
    proxy: bool = False


class DecisionIn(In):
    action: Literal["accept", "decline", "counter"]
    amount: PositiveFen | None = None


class ControlIn(In):
    action: Literal["open", "warn", "pause", "resume", "hammer", "pass", "retract", "floor_bid"]
    level: int | None = Field(default=None, ge=1, le=2)
    reason: str | None = Field(default=None, max_length=500)
    paddle: str | None = Field(default=None, pattern=r"^[0-9]{1,6}$", description="floor bidder's card number")
    amount: PositiveFen | None = None


class SessionOut(BaseModel):
    id: int
    house_org_id: int
    title: str
    kind: str
    mode: str
    starts_at: datetime
    status: str
    phase: Literal["draft", "upcoming", "live", "ended"] = Field(description="where the session stands now")
    results: dict[str, int] | None = Field(
        description="lots, sold, unsold, pending (below reserve, seller deciding), turnover (fen, hammer prices), "
        "sell_through_bp (sold / lots, basis points); null for a draft"
    )
    terms: dict[str, Any]
    lots: list[dict[str, Any]] = []


class RegistrationOut(BaseModel):
    id: int
    session_id: int
    paddle: str
    org_id: int | None
    deposit_amount: int
    deposit_status: str
    payment_reference: str
    instructions: str


class ResultOut(BaseModel):
    """A bid or control outcome, as committed (the same body the WebSocket sends)."""

    model_config = ConfigDict(extra="allow")
    status: Literal["accepted", "rejected"]


class Page(BaseModel):
    items: list[dict[str, Any]]


class MaterialChangeIn(In):
    condition_report: str = Field(min_length=1, max_length=5_000)


class ConsignmentIn(In):
    vehicle_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    vin: str | None = Field(default=None, min_length=17, max_length=17, description="instead of vehicle_id")
    house_org_id: int = Field(ge=1, le=2**31 - 1)
    suggested_reserve: PositiveFen | None = Field(default=None, description="the seller's wish for the reserve (fen)")
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _one_vehicle(self) -> ConsignmentIn:
        if (self.vehicle_id is None) == (self.vin is None):
            raise ValueError("give exactly one of vehicle_id and vin")
        return self


class ConsignmentOut(BaseModel):
    id: int
    vehicle_id: int
    seller_org_id: int
    seller_name: str
    house_org_id: int
    house_name: str
    status: Literal["active", "used", "withdrawn"]
    suggested_reserve: int | None
    note: str
    lot_id: int | None
    created_at: datetime
    updated_at: datetime
    vehicle: dict[str, Any] | None = Field(description="make, series, VIN, year … of the consigned vehicle")


class AuctionHouseOut(BaseModel):
    id: int
    name: str
