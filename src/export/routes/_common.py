"""What every export route module shares."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.responses import Response

TAG = "export"


def today() -> date:
    # The legal clocks count calendar days in China.
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


def now() -> datetime:
    return datetime.now(UTC)


def pdf_response(data: bytes, filename: str) -> Response:
    # An exporter's papers are private: never kept by a shared cache.
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
