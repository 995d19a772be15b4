"""HTTP handlers of the statistics: the annual report, the release calendar, publishing, submissions."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.responses import Response
from starlette.routing import BaseRoute

from marketplace.errors import Forbidden, NotFound
from marketplace.stats.domain.access import is_analyst
from marketplace.stats.domain.periods import Period
from marketplace.stats.services import feeds, reports
from marketplace.stats.services.imports import Upload, import_submission
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.responses import FastJSONResponse

TAG = "stats"


def _analyst(call: Call[Any, Any]) -> int:
    if not is_analyst(call.principal):
        raise Forbidden("only the association's analysts may do this", code="not_analyst")
    return call.user.user_id


class AnnualQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    preview: bool = False


@endpoint(
    "GET",
    "/api/stats/annual/{year:int}",
    summary="The annual report (latest published version; ?version=N for an older one; analysts: ?preview=1 for "
    "approved, unpublished data). Money in fen, ratios as fractions, unrounded",
    tag=TAG,
    auth="public",
    query=AnnualQuery,
    errors=(403, 404),
)
async def annual(call: Call[Any, AnnualQuery]) -> Response:
    year = int(call.request.path_params["year"])
    if not 1900 <= year <= 9999:
        raise NotFound("no published release for this period", code="release_not_found")
    period = Period.whole_year(year)
    if call.query.preview:
        _analyst(call)
        return FastJSONResponse({**await reports.document(period), "version": None, "preview": True})
    release = await reports.visible_release(
        period, call.query.version, analyst=is_analyst(call.principal), now=datetime.now(UTC)
    )
    body = {**release.document, "version": release.version, "embargo_until": release.embargo_until.isoformat(),
            "revision_note": release.note}  # fmt: skip
    return FastJSONResponse(body, headers={"Cache-Control": "public, max-age=60"})


class CalendarEntry(BaseModel):
    period: str
    version: int
    embargo_until: datetime
    published: bool
    comment: str
    changes: int


class Calendar(BaseModel):
    items: list[CalendarEntry]


@endpoint("GET", "/api/stats/releases", summary="The release calendar, newest first", tag=TAG, auth="public",
          response=Calendar)  # fmt: skip
async def release_calendar(call: Call[Any, Any]) -> Calendar:
    items = await reports.calendar(analyst=is_analyst(call.principal), now=datetime.now(UTC))
    return Calendar(items=[CalendarEntry(**i) for i in items])


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2]|H[12]))?$", description="2023, 2023-H1 or 2023-05")
    embargo_until: AwareDatetime | None = Field(default=None, description="publish at once when omitted")
    comment: str = Field(default="", max_length=2000)


@endpoint("POST", "/api/stats/releases", summary="Publish or schedule a release (a revision when one exists)",
          tag=TAG, body=ReleaseIn, response=CalendarEntry, status=201, errors=(403, 409))  # fmt: skip
async def publish(call: Call[ReleaseIn, Any]) -> CalendarEntry:
    by = _analyst(call)
    now = datetime.now(UTC)
    embargo = call.body.embargo_until or now
    release = await reports.publish(Period.parse(call.body.period), embargo, call.body.comment, by)
    return CalendarEntry(period=release.period, version=release.version, embargo_until=release.embargo_until,
                         published=release.embargo_until <= now, comment=release.comment,
                         changes=len(release.note))  # fmt: skip


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
    by = _analyst(call)
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


class VersionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, le=1_000_000)


async def _published(call: Call[Any, Any]) -> tuple[Period, Any]:
    year = int(call.request.path_params["year"])
    if not 1900 <= year <= 9999:
        raise NotFound("no published release for this period", code="release_not_found")
    period = Period.whole_year(year)
    release = await reports.visible_release(
        period, call.query.version, analyst=is_analyst(call.principal), now=datetime.now(UTC)
    )
    return period, release


def _table(call: Call[Any, Any], doc: dict[str, Any]) -> feeds.Table:
    name = call.request.path_params["table"]
    if name not in feeds.TABLES:
        raise NotFound(f"no such table; tables: {', '.join(feeds.TABLES)}", code="table_not_found")
    return feeds.table(doc, name)


_DOWNLOAD = {"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"}


@endpoint("GET", "/api/stats/annual/{year:int}/{table}.csv", tag=TAG, auth="public", query=VersionQuery,
          summary="One table of a published annual report as CSV (UTF-8 with BOM): headline, price_bands, energy, "
          "provinces, top30_units, top30_turnover, monthly", errors=(404,))  # fmt: skip
async def table_csv(call: Call[Any, VersionQuery]) -> Response:
    period, release = await _published(call)
    t = _table(call, release.document)
    name = f"stats-{period.key}-v{release.version}-{t.name}.csv"
    headers = {**_DOWNLOAD, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(feeds.to_csv(t), media_type="text/csv; charset=utf-8", headers=headers)


@endpoint("GET", "/api/stats/annual/{year:int}/{table}.csv-metadata.json", tag=TAG, auth="public",
          query=VersionQuery, summary="CSV on the Web metadata (table schema) of one CSV table",
          errors=(404,))  # fmt: skip
async def table_metadata(call: Call[Any, VersionQuery]) -> Response:
    period, release = await _published(call)
    t = _table(call, release.document)
    url = f"/api/stats/annual/{period.year}/{t.name}.csv?version={release.version}"
    meta = feeds.csvw_metadata(t, url, f"{period.key} v{release.version} {t.name}")
    return FastJSONResponse(meta, media_type="application/csvm+json", headers=_DOWNLOAD)


@endpoint("GET", "/api/stats/annual/{year:int}.xlsx", tag=TAG, auth="public", query=VersionQuery,
          summary="A published annual report as one XLSX workbook (typed cells, one sheet per table)",
          errors=(404,))  # fmt: skip
async def workbook(call: Call[Any, VersionQuery]) -> Response:
    period, release = await _published(call)
    data = await asyncio.to_thread(feeds.to_xlsx, release.document)
    name = f"stats-{period.key}-v{release.version}.xlsx"
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        data, media_type=media, headers={**_DOWNLOAD, "Content-Disposition": f'attachment; filename="{name}"'}
    )


@endpoint("GET", "/api/stats/feed.atom", tag=TAG, auth="public", summary="An Atom feed of releases and revisions")
async def atom_feed(call: Call[Any, Any]) -> Response:
    now = datetime.now(UTC)
    entries = [
        feeds.FeedEntry(
            e["period"],
            e["version"],
            e["embargo_until"],
            e["comment"],
            e["changes"],
            f"/api/stats/annual/{e['period']}?version={e['version']}",
        )  # fmt: skip
        for e in await reports.calendar(analyst=False, now=now)
        if e["published"] and len(e["period"]) == 4
    ]
    body = feeds.atom(entries, feed_url="/api/stats/feed.atom", updated=entries[0].published if entries else now)
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=_DOWNLOAD)


routes: list[BaseRoute] = [annual, workbook, table_csv, table_metadata, atom_feed, release_calendar, publish, submit]
