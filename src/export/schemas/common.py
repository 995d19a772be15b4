"""What the export API's models share: bounded types and the strict base of every request body."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Str = Annotated[str, Field(min_length=1, max_length=200)]
# Dates and times a person or a forwarder sends: within the years the trade can be about (the legal clocks add
# months and days to them; an unbounded year would overflow).
FIRST_YEAR, LAST_YEAR = 1980, 2100


def _year_in_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_year_in_range)]
Moment = Annotated[datetime, AfterValidator(_year_in_range)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Minor = Annotated[int, Field(ge=0, le=10**13)]  # times a rate of at most 1,000, still a BIGINT in fen
Fen = Annotated[int, Field(ge=0, le=10**15)]
# The papers a step records (uploaded first, to the vehicle or its batch): kept with the step's record.
DocumentIds = Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=50)]
Incoterm = Literal["FOB", "CFR", "CIF", "FCA", "CPT", "CIP"]
Currency = Literal["USD", "EUR", "GBP", "JPY", "AED", "RUB", "KZT", "HKD", "AUD", "CNY"]
Step = Literal[
    "transfer_registered", "inspected", "loaded", "departed", "arrived", "delivered", "deregistered",
    "vat_refund_filed", "vat_not_applicable", "licensed", "declared",
]  # fmt: skip
EventType = Literal["received", "gate_in", "loaded", "departed", "arrived", "discharged", "gate_out", "delivered"]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")
