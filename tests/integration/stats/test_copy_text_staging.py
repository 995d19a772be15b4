"""PostgreSQL reads back from the staging table exactly the values the child wrote as COPY text — the same rows
as the records path (binary COPY) stages, awkward characters included."""

from __future__ import annotations

import pytest
from tortoise import connections

from marketplace.settings import Settings
from marketplace.stats.services import staging, upserts

pytestmark = pytest.mark.usefixtures("database")

AWKWARD = ["tab\there", "line\nbreak", "back\\slash", "\\N", "cr\rlf", "", "全角　空格", "😀"]


async def test_copy_text_stages_the_values_the_records_path_stages(database: Settings) -> None:
    if not upserts.is_postgres(connections.get("default")):
        pytest.skip(reason="COPY text is PostgreSQL's: SQLite stages records by executemany")
    plain = [(n, f"house {n}", f"S-{n}", "online", "2023-05-06") for n in range(1, 4)]
    odd = [(n, text, f"S-{n}", text, "2023-05-06") for n, text in enumerate(AWKWARD, start=10)]
    async with staging.stage(True) as stage:
        await stage.add("sessions", plain)
        await stage.add("sessions", staging.copy_text(odd))
        await stage.add("sessions", staging.copy_text(plain[:1]))
        rows = await stage.raw.fetch(f"SELECT * FROM {stage.name('sessions')} ORDER BY n, session_key")
        assert stage.pending["sessions"] == len(plain) + len(odd) + 1
        assert stage.ranges["sessions"] == [1, 1]  # the first record of the first batch .. the last of the last
    got = [tuple(r) for r in rows]
    assert got == sorted([*plain, *plain[:1], *odd], key=lambda r: (r[0], r[2]))
