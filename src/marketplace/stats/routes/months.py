"""Monthly returns (月报) from houses, and the desk's view of one house's month (analysts; a house its own)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from starlette.responses import Response
from starlette.routing import BaseRoute

from marketplace.errors import Forbidden, NotFound
from marketplace.stats.domain.access import is_analyst, reporting_orgs
from marketplace.stats.domain.periods import MAX_YEAR
from marketplace.stats.domain.review import BANDS
from marketplace.stats.domain.review import MonthlyReturn as Figures
from marketplace.stats.models import ReportingHouse
from marketplace.stats.routes._common import TAG, require_analyst
from marketplace.stats.services import returns, review
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.responses import FastJSONResponse

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
COUNT = Field(ge=0, le=10_000_000)
FEN = Field(ge=0, le=10**15)


def _month_ok(value: str) -> str:
    if not 1900 <= int(value[:4]) <= MAX_YEAR:
        raise ValueError(f"the year is between 1900 and {MAX_YEAR}")
    return value


class ReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    house_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="analysts: the reporting house; a house's admin omits it (their own)",
    )
    month: str = Field(pattern=MONTH, description="2023-05")
    sessions_online: StrictInt = COUNT
    sessions_onsite: StrictInt = Field(ge=0, le=10_000_000, description="on-site (现场) and hybrid sessions")
    units: StrictInt = COUNT
    turnover_fen: StrictInt = FEN
    bev_units: StrictInt = COUNT
    bev_turnover_fen: StrictInt = FEN
    transfer_in_province: StrictInt = COUNT
    transfer_cross_province: StrictInt = COUNT
    units_by_band: dict[Literal["<5万", "5-10万", "10-20万", "≥20万"], StrictInt] = Field(
        description="units in each price band: <5万, 5-10万, 10-20万, ≥20万 (all four, summing to units)"
    )

    @field_validator("month")
    @classmethod
    def _known_year(cls, value: str) -> str:
        return _month_ok(value)

    @field_validator("units_by_band")
    @classmethod
    def _bands(cls, value: dict[str, int]) -> dict[str, int]:
        if any(v < 0 or v > 10_000_000 for v in value.values()):
            raise ValueError("units in a band are between 0 and 10,000,000")
        return {name: value.get(name, 0) for name in BANDS} if set(value) == set(BANDS) else value


class ReturnOut(BaseModel):
    id: int
    house_id: int
    house: str
    month: str
    sessions_online: int
    sessions_onsite: int
    units: int
    turnover_fen: int
    bev_units: int
    bev_turnover_fen: int
    transfer_in_province: int
    transfer_cross_province: int
    units_by_band: dict[str, int]
    submission_id: int
    status: str
    comment: str
    updated_at: datetime
    changed: bool = True


class ReturnPage(BaseModel):
    items: list[ReturnOut]


def _scope(call: Call[Any, Any]) -> set[int] | None:
    """None for an analyst (every house); else the houses the caller administers (maybe none)."""
    return None if is_analyst(call.principal) else reporting_orgs(call.principal)


@endpoint("POST", "/api/stats/returns", tag=TAG, body=ReturnIn, response=ReturnOut, status=201,
          summary="Submit a house's monthly return (月报): aggregated figures instead of rows for the month; "
          "refused when its parts disagree (return_inconsistent) or the month has rows (month_has_rows)",
          errors=(403, 404, 409, 422))  # fmt: skip
async def submit_return(call: Call[ReturnIn, Any]) -> ReturnOut:
    b = call.body
    orgs = _scope(call)
    if orgs is None:
        if b.house_id is None:
            raise NotFound("name the reporting house", code="house_not_found")
        house = await review.house_of(b.house_id, None)
    else:
        if not orgs:
            raise Forbidden("only a house's admin or the association's analysts submit returns", code="not_reporter")
        if b.house_id is not None:
            house = await review.house_of(b.house_id, orgs)
        elif len(orgs) == 1:
            house = await returns.house_for_org(next(iter(orgs)))
        else:
            raise NotFound("you administer several houses: name the house", code="house_not_found")
    figures = Figures(b.month, b.sessions_online, b.sessions_onsite, b.units, b.turnover_fen, b.bev_units,
                      b.bev_turnover_fen, b.transfer_in_province, b.transfer_cross_province,
                      {str(k): v for k, v in b.units_by_band.items()})  # fmt: skip
    row, changed = await returns.submit(house, figures, call.user.user_id)
    await row.fetch_related("house", "submission")
    return ReturnOut(**returns.out(row), changed=changed)


class ReturnsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str | None = Field(default=None, pattern=MONTH)


@endpoint("GET", "/api/stats/returns", tag=TAG, query=ReturnsQuery, response=ReturnPage,
          summary="Monthly returns with their review status: an analyst sees every house's, a house's admin only "
          "their own", errors=(403,))  # fmt: skip
async def list_returns(call: Call[Any, ReturnsQuery]) -> ReturnPage:
    orgs = _scope(call)
    if orgs is not None and not orgs:
        raise Forbidden("only a house's admin or the association's analysts see returns", code="not_reporter")
    house_ids = None
    if orgs is not None:
        house_ids = {h.id for h in await ReportingHouse.filter(organisation_id__in=orgs)}
    return ReturnPage(items=[ReturnOut(**r) for r in await returns.listing(house_ids, call.query.month)])


def _month_of(call: Call[Any, Any]) -> str:
    month = str(call.request.path_params["month"])
    if not re.match(MONTH, month) or not 1900 <= int(month[:4]) <= MAX_YEAR:
        raise NotFound("no such month", code="house_not_found")
    return month


async def _house(call: Call[Any, Any]) -> tuple[Any, str]:
    orgs = _scope(call)
    return await review.house_of(call.path_id("house"), orgs), "analyst" if orgs is None else "house"


@endpoint("GET", "/api/stats/desk/houses/{house:int}/months/{month}", tag=TAG,
          summary="One house's month on the desk: its figures by source or its return, validation warnings, "
          "outliers against the same month a year earlier, its submissions and the comment thread (analysts; "
          "a house's admin their own house)", errors=(404,))  # fmt: skip
async def month_view(call: Call[Any, Any]) -> Response:
    house, _ = await _house(call)
    view = await review.month_view(house, _month_of(call), call.services.settings.stats_outlier_factor)
    return FastJSONResponse(view, headers={"Cache-Control": "no-store"})


class CommentOut(BaseModel):
    id: int
    author_user_id: int
    author_role: str
    text: str
    created_at: datetime


class DecisionOut(BaseModel):
    id: int
    status: str
    comment: str


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)


@endpoint("POST", "/api/stats/desk/houses/{house:int}/months/{month}/comments", tag=TAG, body=CommentIn,
          response=CommentOut, status=201, summary="Add a comment to a house's month (analysts; the house's admin)",
          errors=(404,))  # fmt: skip
async def add_comment(call: Call[CommentIn, Any]) -> CommentOut:
    house, role = await _house(call)
    c = await review.comment(house, _month_of(call), call.body.text, call.user.user_id, role)
    return CommentOut(id=c.id, author_user_id=c.author_user_id, author_role=c.author_role, text=c.text,
                      created_at=c.created_at)  # fmt: skip


class MonthDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    submission_id: int = Field(ge=1, le=2**31 - 1)
    decision: Literal["approve", "request_correction"]
    comment: str = Field(default="", max_length=2000)


@endpoint("POST", "/api/stats/desk/houses/{house:int}/months/{month}/decision", tag=TAG, body=MonthDecisionIn,
          response=DecisionOut, summary="Approve one of the month's submissions or request a correction from "
          "the house; the comment joins the month's thread (analysts)", errors=(403, 404, 409))  # fmt: skip
async def month_decision(call: Call[MonthDecisionIn, Any]) -> DecisionOut:
    by = require_analyst(call)
    house = await review.house_of(call.path_id("house"), None)
    b = call.body
    sub = await review.decide(house, _month_of(call), b.submission_id, b.decision, b.comment, by)
    return DecisionOut(id=sub.id, status=sub.status, comment=sub.comment)


routes: list[BaseRoute] = [submit_return, list_returns, month_view, add_comment, month_decision]
