"""A large SQLite page cache for the statistics' bulk work (the import's write pass, a release's GROUP BY).

With SQLite's default cache (2 MiB) every insert into a B-tree of a million keys in no useful order reads its
pages back from the file, and a sort of a year of sales spills to temporary files. For the length of the work
the connection's cache is raised (pages are taken only as they are used), then its own setting is restored.
PostgreSQL has its shared buffers: nothing changes there.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tortoise import connections

CACHE_KIB = 256 * 1024


@contextlib.asynccontextmanager
async def large(kib: int = CACHE_KIB) -> AsyncIterator[None]:
    conn = connections.get("default")
    if conn.capabilities.dialect != "sqlite":
        yield
        return
    _, found = await conn.execute_query("PRAGMA cache_size")
    before = int(found[0][0])
    await conn.execute_script(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        await conn.execute_script(f"PRAGMA cache_size = {before}")
