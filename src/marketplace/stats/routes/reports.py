"""What anyone reads: published reports (any period), the release calendar, CSV/CSVW/XLSX downloads, the Atom feed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response
from starlette.routing import BaseRoute

from marketplace.errors import NotFound
from marketplace.stats.domain.access import is_analyst
from marketplace.stats.domain.periods import MAX_YEAR, Period
from marketplace.stats.routes._common import TAG, require_analyst, year_of
from marketplace.stats.schemas import Calendar, CalendarEntry
from marketplace.stats.services import feeds, reports
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.responses import FastJSONResponse


class AnnualQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, le=1_000_000)
    preview: bool = False


# What is not yet public (an embargoed release an analyst reads, a preview) must not rest in a shared cache, nor in
# the analyst's browser once they log out: it would reach the public before the embargo.
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}
PUBLIC = {"Cache-Control": "public, max-age=60"}


def _caching(embargo_until: datetime, now: datetime) -> dict[str, str]:
    return PUBLIC if embargo_until <= now else PRIVATE


async def _report(call: Call[Any, AnnualQuery], period: Period) -> Response:
    if call.query.preview:
        require_analyst(call)
        return FastJSONResponse({**await reports.document(period), "version": None, "preview": True}, headers=PRIVATE)
    now = datetime.now(UTC)
    release = await reports.visible_release(period, call.query.version, analyst=is_analyst(call.principal), now=now)
    body = {**release.document, "version": release.version, "embargo_until": release.embargo_until.isoformat(),
            "revision_note": release.note}  # fmt: skip
    return FastJSONResponse(body, headers=_caching(release.embargo_until, now))


@endpoint(
    "GET",
    "/api/stats/annual/{year:int}",
    summary="The annual report (latest published version; ?version=N for an older one; analysts: ?preview=1 for "
    "approved, unpublished data). Money in fen, ratios as fractions, unrounded. Published versions suppress small "
    "cells: a province of fewer than k sales reads {units: null, turnover_fen: null, status: Q}, a house of fewer "
    "is not in the top-30 lists (docs/statistics.md, Small cells)",
    tag=TAG,
    auth="public",
    query=AnnualQuery,
    errors=(403, 404),
)
async def annual(call: Call[Any, AnnualQuery]) -> Response:
    return await _report(call, year_of(call))


@endpoint(
    "GET",
    "/api/stats/periods/{period}",
    summary="The report of any published period: a year (2023), a half-year (2024-H1) or a month (2023-05); the "
    "same document and parameters as the annual report",
    tag=TAG,
    auth="public",
    query=AnnualQuery,
    errors=(403, 404),
)
async def period_report(call: Call[Any, AnnualQuery]) -> Response:
    try:
        period = Period.parse(call.request.path_params["period"])
    except ValueError:
        raise NotFound("no published release for this period", code="release_not_found") from None
    if not 1900 <= period.year <= MAX_YEAR:  # as publishing allows: a report needs the year before it
        raise NotFound("no published release for this period", code="release_not_found")
    return await _report(call, period)


@endpoint("GET", "/api/stats/releases", summary="The release calendar, newest first", tag=TAG, auth="public",
          response=Calendar)  # fmt: skip
async def release_calendar(call: Call[Any, Any]) -> Response:
    now = datetime.now(UTC)
    items = await reports.calendar(analyst=is_analyst(call.principal), now=now)
    calendar = Calendar(items=[CalendarEntry(**i) for i in items])
    # An entry turns public by itself at its embargo: a calendar holding one that is not may not be kept.
    headers = PRIVATE if any(not i["published"] for i in items) else PUBLIC
    return FastJSONResponse(calendar.model_dump(mode="json"), headers=headers)


class VersionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, le=1_000_000)


async def _published(call: Call[Any, Any]) -> tuple[Period, Any, dict[str, str]]:
    """The release a download serves, and the headers it goes with: CORS and, while embargoed, no caching."""
    period = year_of(call)
    now = datetime.now(UTC)
    release = await reports.visible_release(period, call.query.version, analyst=is_analyst(call.principal), now=now)
    return period, release, {**_DOWNLOAD, **_caching(release.embargo_until, now)}


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
    period, release, caching = await _published(call)
    t = _table(call, release.document)
    name = f"stats-{period.key}-v{release.version}-{t.name}.csv"
    headers = {**caching, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(feeds.to_csv(t), media_type="text/csv; charset=utf-8", headers=headers)


@endpoint("GET", "/api/stats/annual/{year:int}/{table}.csv-metadata.json", tag=TAG, auth="public",
          query=VersionQuery, summary="CSV on the Web metadata (table schema) of one CSV table",
          errors=(404,))  # fmt: skip
async def table_metadata(call: Call[Any, VersionQuery]) -> Response:
    period, release, caching = await _published(call)
    t = _table(call, release.document)
    url = f"/api/stats/annual/{period.year}/{t.name}.csv?version={release.version}"
    meta = feeds.csvw_metadata(t, url, f"{period.key} v{release.version} {t.name}")
    return FastJSONResponse(meta, media_type="application/csvm+json", headers=caching)


@endpoint("GET", "/api/stats/annual/{year:int}.xlsx", tag=TAG, auth="public", query=VersionQuery,
          summary="A published annual report as one XLSX workbook (typed cells, one sheet per table)",
          errors=(404,))  # fmt: skip
async def workbook(call: Call[Any, VersionQuery]) -> Response:
    period, release, caching = await _published(call)
    data = await asyncio.to_thread(feeds.to_xlsx, release.document)
    name = f"stats-{period.key}-v{release.version}.xlsx"
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        data, media_type=media, headers={**caching, "Content-Disposition": f'attachment; filename="{name}"'}
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


routes: list[BaseRoute] = [
    annual,
    period_report,
    workbook,
    table_csv,
    table_metadata,
    atom_feed,
    release_calendar,
]
