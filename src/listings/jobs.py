"""Job functions of the listings package: thin, idempotent, re-reading state before acting."""

from __future__ import annotations

from typing import Any

from listings.services import indexing, saved
from marketplace.ports.files.base import FileStorage
from marketplace.ports.mail.base import Mailer
from marketplace.ports.search.base import SearchIndex

ALERTING_CHANGES = frozenset({"published", "price_changed"})


def index_job(index: SearchIndex, mailer: Mailer) -> Any:
    async def run(message: dict[str, Any]) -> None:
        payload = message["payload"]
        listing_id = int(payload["listing_id"])
        await indexing.sync(index, [listing_id])
        if payload.get("change") in ALERTING_CHANGES:
            await saved.raise_alerts(index, mailer, listing_id)

    return run


def thumbnail_job(files: FileStorage) -> Any:
    async def run(message: dict[str, Any]) -> None:
        from listings.services import photos

        await photos.make_thumbnail(files, int(message["payload"]["photo_id"]))

    return run
