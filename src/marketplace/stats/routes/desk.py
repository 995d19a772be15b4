"""The analyst's desk: submitting houses' files, publishing and scheduling releases."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.errors import ValidationFailed
from marketplace.stats.domain.periods import MAX_YEAR, Period
from marketplace.stats.routes._common import TAG, require_analyst
from marketplace.stats.schemas import CalendarEntry
from marketplace.stats.services import imports, reports
from marketplace.stats.services.imports import Upload, import_submission
from marketplace.web.endpoint import Call, endpoint

# Clocks differ by seconds: an embargo "now" set on the analyst's machine may arrive a little in the past.
BACKDATE_TOLERANCE = timedelta(minutes=5)


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2]|H[12]))?$", description="2023, 2023-H1 or 2023-05")

    @field_validator("period")
    @classmethod
    def _known_year(cls, value: str) -> str:
        # A report compares with the year before: years before 1900 (or 0000) are no period of ours.
        if not 1900 <= int(value[:4]) <= MAX_YEAR:
            raise ValueError(f"the year is between 1900 and {MAX_YEAR}")
        return value

    embargo_until: AwareDatetime | None = Field(default=None, description="publish at once when omitted")
    comment: str = Field(default="", max_length=2000)


@endpoint("POST", "/api/stats/releases", summary="Publish or schedule a release (a revision when one exists)",
          tag=TAG, body=ReleaseIn, response=CalendarEntry, status=201, errors=(403, 409))  # fmt: skip
async def publish(call: Call[ReleaseIn, Any]) -> Response:
    by = require_analyst(call)
    now = datetime.now(UTC)
    embargo = call.body.embargo_until
    if embargo is not None and embargo < now - BACKDATE_TOLERANCE:
        # A time already past is a typo or a wish to rewrite the calendar: the calendar says when a release went
        # out, so it is refused rather than stored as if it had gone out then.
        raise ValidationFailed("the embargo time is in the past; omit it to publish at once", details=[
            {"loc": ["body", "embargo_until"], "msg": "is in the past", "type": "embargo_in_past"}])  # fmt: skip
    k = call.services.settings.stats_small_cell_k
    release = await reports.publish(Period.parse(call.body.period), embargo, call.body.comment, by, k, now=now)
    published = release.embargo_until <= now
    entry = CalendarEntry(period=release.period, version=release.version, embargo_until=release.embargo_until,
                          published=published, comment=release.comment, changes=len(release.note))  # fmt: skip
    # A scheduled release is the association's until its embargo: its answer is not to be kept anywhere.
    headers = {} if published else {"Cache-Control": "private, no-store"}
    return JSONResponse(entry.model_dump(mode="json"), status_code=201, headers=headers)


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: Literal["sessions", "sales"]
    format: Literal["csv", "xlsx"] = "csv"
    good_rows_only: bool = False
    approve: bool = False


class RowErrorOut(BaseModel):
    line: int
    column: str
    reason: str
    value: str


class WarningOut(BaseModel):
    code: str
    subject: str
    detail: str


class ImportOut(BaseModel):
    rows_read: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    warning_count: int
    errors: list[RowErrorOut]
    warnings: list[WarningOut]
    imported: bool
    submission_id: int | None
    status: str | None


@endpoint(
    "POST",
    "/api/stats/imports",
    summary="Submit a sessions or sales file for houses (the raw CSV or XLSX as the body; a sales file uses the "
    "sessions already submitted). Every bad row is reported with line, column and reason; nothing is imported "
    "unless all rows are good or good_rows_only is set",
    tag=TAG,
    query=ImportQuery,
    response=ImportOut,
    errors=(403, 413),
)
async def submit(call: Call[Any, ImportQuery]) -> ImportOut:
    by = require_analyst(call)
    data = await call.request.body()
    q = call.query
    upload = Upload(lambda: io.BytesIO(data), q.format)
    report = await import_submission(
        upload if q.file == "sessions" else None,
        upload if q.file == "sales" else None,
        submitted_by=by,
        good_rows_only=q.good_rows_only,
        approve=q.approve,
        source="api",
    )
    return ImportOut(
        rows_read=report.sessions_read + report.sales_read,
        created=report.created, updated=report.updated, unchanged=report.unchanged,
        error_count=report.error_count, warning_count=report.warning_count,
        errors=[RowErrorOut(line=e.line, column=e.column, reason=e.reason, value=e.value) for e in report.errors],
        warnings=[WarningOut(code=w.code, subject=w.subject, detail=w.detail) for w in report.warnings],
        imported=report.imported, submission_id=report.submission_id, status=report.status,
    )  # fmt: skip


class SubmissionOut(BaseModel):
    id: int
    source: str
    status: str
    sessions_rows: int
    sales_rows: int
    rows_unchanged: int
    warnings: list[WarningOut]
    comment: str
    created_at: datetime
    decided_at: datetime | None


class SubmissionPage(BaseModel):
    items: list[SubmissionOut]


class SubmissionsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["received", "approved", "correction_requested"] | None = None


def _submission_out(sub: Any) -> SubmissionOut:
    return SubmissionOut(
        id=sub.id, source=sub.source, status=sub.status, sessions_rows=sub.sessions_rows, sales_rows=sub.sales_rows,
        rows_unchanged=sub.rows_unchanged, warnings=[WarningOut(**w) for w in sub.warnings], comment=sub.comment,
        created_at=sub.created_at, decided_at=sub.decided_at,
    )  # fmt: skip


@endpoint("GET", "/api/stats/submissions", summary="Submissions to review, newest first (analysts)", tag=TAG,
          query=SubmissionsQuery, response=SubmissionPage, errors=(403,))  # fmt: skip
async def submissions(call: Call[Any, SubmissionsQuery]) -> SubmissionPage:
    require_analyst(call)
    return SubmissionPage(items=[_submission_out(s) for s in await imports.submissions(call.query.status)])


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "request_correction"]
    comment: str = Field(default="", max_length=2000)


@endpoint("POST", "/api/stats/submissions/{id:int}/decision", tag=TAG, body=DecisionIn, response=SubmissionOut,
          summary="Approve a submission (its rows count from the next release) or send it back for correction",
          errors=(403, 404, 409))  # fmt: skip
async def decide(call: Call[DecisionIn, Any]) -> SubmissionOut:
    by = require_analyst(call)
    sub = await imports.decide(call.path_id(), call.body.decision, call.body.comment, by)
    return _submission_out(sub)


routes: list[BaseRoute] = [
    publish,
    submit,
    submissions,
    decide,
]
