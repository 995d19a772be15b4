"""HTTP handlers for a dealer's inventory as a whole: the list, spreadsheet import and export."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response
from starlette.routing import BaseRoute

from listings.routes._common import TAG, now
from listings.schemas import (
    InventoryFilter,
    InventoryPage,
)
from listings.services import inventory
from listings.services.imports import ImportReport, import_inventory
from marketplace.web.endpoint import Call, endpoint


@endpoint(
    "GET",
    "/api/dealers/{id:int}/inventory",
    summary="The dealer's inventory, every status, newest first, searched by q and filtered by status, with the "
    "total and the counts by status (members and platform staff only)",
    tag=TAG,
    query=InventoryFilter,
    response=InventoryPage,
    errors=(400, 403, 404, 422),
)
async def inventory_list(call: Call[Any, InventoryFilter]) -> InventoryPage:
    return await inventory.list_inventory(call.user, call.path_id(), call.query)


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "xlsx"] = "csv"


@endpoint(
    "GET",
    "/api/dealers/{id:int}/inventory/export",
    summary="Export the dealer's inventory as CSV or XLSX (the import's columns)",
    tag=TAG,
    query=ExportQuery,
    errors=(403, 404),
)
async def export(call: Call[Any, ExportQuery]) -> Response:
    from listings.services.imports import export_inventory

    fmt = call.query.format
    data = await export_inventory(call.user, call.path_id(), fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="inventory.{fmt}"', "Cache-Control": "no-store"}
    return Response(data, media_type=media, headers=headers)


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "xlsx"] = "csv"
    good_rows_only: bool = False


@endpoint(
    "POST",
    "/api/dealers/{id:int}/inventory/import",
    summary="Import inventory from CSV or XLSX (raw file as the body); every bad row is reported with line, "
    "column and reason; nothing is imported unless all rows are good or good_rows_only is set",
    tag=TAG,
    query=ImportQuery,
    response=ImportReport,
    errors=(403, 404, 409, 422),
)
async def import_rows(call: Call[Any, ImportQuery]) -> ImportReport:
    data = await call.request.body()
    q = call.query
    report = await import_inventory(call.user, call.path_id(), data, q.format, q.good_rows_only, now())
    call.services.relay.notify()
    return report


routes: list[BaseRoute] = [
    inventory_list,
    import_rows,
    export,
]
