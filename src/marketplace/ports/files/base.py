"""File storage: photos, documents, exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    content_type: str


class FileStorage(Protocol):
    name: str

    async def save(self, key: str, data: bytes, content_type: str) -> None: ...

    async def load(self, key: str) -> StoredObject | None: ...

    async def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Keys are relative, slash-separated names; refuse anything that could escape the store."""
    parts = key.split("/")
    if not key or len(key) > 255 or any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
        raise ValueError(f"invalid storage key {key!r}")
    return key
