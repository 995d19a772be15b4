"""Files as rows in the database: every app process behind the load balancer sees them, no shared disk."""

from __future__ import annotations

from marketplace.ports.files.base import StoredObject, check_key
from marketplace.storage.models import StoredFile


class DatabaseFileStorage:
    name = "database"

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        check_key(key)
        updated = await StoredFile.filter(key=key).update(data=data, content_type=content_type, size=len(data))
        if not updated:
            await StoredFile.create(key=key, data=data, content_type=content_type, size=len(data))

    async def load(self, key: str) -> StoredObject | None:
        row = await StoredFile.get_or_none(key=check_key(key))
        return None if row is None else StoredObject(bytes(row.data), row.content_type)

    async def delete(self, key: str) -> None:
        await StoredFile.filter(key=check_key(key)).delete()
