"""Files in a local directory (the embedded default; fine for one host)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import anyio.to_thread

from marketplace.ports.files.base import StoredObject, check_key


class LocalFileStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        await anyio.to_thread.run_sync(self._save, key, data, content_type)

    def _save(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the new one, never half
        path.with_name(path.name + ".meta").write_text(json.dumps({"content_type": content_type}))

    async def load(self, key: str) -> StoredObject | None:
        return await anyio.to_thread.run_sync(self._load, key)

    def _load(self, key: str) -> StoredObject | None:
        path = self._path(key)
        if not path.is_file():
            return None
        meta = path.with_name(path.name + ".meta")
        ctype = json.loads(meta.read_text())["content_type"] if meta.exists() else "application/octet-stream"
        return StoredObject(path.read_bytes(), ctype)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".meta").unlink(missing_ok=True)
