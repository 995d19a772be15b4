"""The embedded search engine: a durable SQLite document store plus an in-memory columnar index.

Why not SQLite FTS5 alone: facet counts over a filtered set of 100k documents are GROUP BY scans,
as slow as the naive baseline; see docs/search.md. The store is the index's source of truth and
is shared by every process on the node (app and worker): each write bumps a sequence number,
and before answering a query a process applies the rows written since the sequence it last saw.

Writes are conditional on the document's version (`excluded.version >= docs.version`), so a late
or duplicated event can never roll a document back; removals are tombstones carrying a version.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from marketplace.ports.search._memory import MemoryIndex
from marketplace.ports.search.analysis import Synonyms
from marketplace.ports.search.base import Document, SearchQuery, SearchResult

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, version INTEGER NOT NULL, seq INTEGER NOT NULL, deleted INTEGER NOT NULL, body TEXT
);
CREATE INDEX IF NOT EXISTS docs_seq ON docs(seq);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('seq', 0);
"""
FREEZE_AFTER = 5_000
_UPSERT = """
INSERT INTO docs (id, version, seq, deleted, body) VALUES (?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET version = excluded.version, seq = excluded.seq, deleted = excluded.deleted,
    body = excluded.body
WHERE excluded.version >= docs.version
"""


class EmbeddedSearch:
    name = "embedded"

    def __init__(self, path: Path, synonyms: Sequence[Sequence[str]] = ()) -> None:
        self.path = path
        self._synonyms = Synonyms(synonyms)
        self._index = MemoryIndex(self._synonyms)
        self._seq = 0
        self._reader: sqlite3.Connection | None = None
        self._write_lock = asyncio.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # the index is rebuilt from the database, not money
        return conn

    async def start(self) -> None:
        if self._reader is None:
            conn = self._connect()
            conn.executescript(_SCHEMA)
            self._reader = conn
            await asyncio.to_thread(self._refresh)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _conn(self) -> sqlite3.Connection:
        if self._reader is None:
            raise RuntimeError("search index not started")
        return self._reader

    def _refresh(self) -> None:
        conn = self._conn()
        (seq,) = conn.execute("SELECT v FROM meta WHERE k = 'seq'").fetchone()
        if seq == self._seq:
            return
        if seq < self._seq:  # the store was replaced: start over
            self._index, self._seq = MemoryIndex(self._synonyms), 0
        rows = conn.execute("SELECT id, deleted, body FROM docs WHERE seq > ? ORDER BY seq", (self._seq,)).fetchall()
        for doc_id, deleted, body in rows:
            if deleted:
                self._index.remove(doc_id)
            else:
                self._index.put(json.loads(body))
        self._seq = seq
        if len(rows) >= FREEZE_AFTER:
            # Millions of long-lived objects (documents, token sets) would make every full garbage
            # collection walk them all, a pause of tens of milliseconds in the middle of some query.
            gc.freeze()

    def _write(self, rows: list[tuple[int, int, int, str | None]]) -> None:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            (seq,) = conn.execute("UPDATE meta SET v = v + 1 WHERE k = 'seq' RETURNING v").fetchone()
            conn.executemany(_UPSERT, [(i, v, seq, d, b) for i, v, d, b in rows])
            conn.execute("COMMIT")
        finally:
            conn.close()

    async def upsert(self, docs: Sequence[Document]) -> None:
        rows: list[tuple[int, int, int, str | None]] = [
            (int(d["id"]), int(d["version"]), 0, json.dumps(dict(d), ensure_ascii=False, default=str)) for d in docs
        ]
        if rows:
            async with self._write_lock:
                await asyncio.to_thread(self._write, rows)

    async def delete(self, items: Sequence[tuple[int, int]]) -> None:
        if items:
            async with self._write_lock:
                await asyncio.to_thread(self._write, [(i, v, 1, None) for i, v in items])

    async def search(self, query: SearchQuery) -> SearchResult:
        self._refresh()  # one indexed read when nothing changed; applies other processes' writes
        return self._index.search(query)

    async def versions(self) -> dict[int, int]:
        self._refresh()
        return dict(self._index.version)

    async def clear(self) -> None:
        """Tombstone every document (versions kept, so a stale event still cannot resurrect one)."""

        def wipe() -> None:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                (seq,) = conn.execute("UPDATE meta SET v = v + 1 WHERE k = 'seq' RETURNING v").fetchone()
                conn.execute("UPDATE docs SET deleted = 1, body = NULL, seq = ? WHERE deleted = 0", (seq,))
                conn.execute("COMMIT")
            finally:
                conn.close()

        async with self._write_lock:
            await asyncio.to_thread(wipe)

    def describe(self) -> dict[str, Any]:
        return {"documents": len(self._index), "path": str(self.path)}
