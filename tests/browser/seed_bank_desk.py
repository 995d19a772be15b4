"""The bank desk walk's clock: `age-handover SALE DAYS` moves a sale's handover DAYS days into the past, as if the
dispute window had run (the house's window is whole days; the browser cannot wait a week). Prints JSON.

Run with the server's environment (its DATABASE_URL / VAR_DIR), like the other seed scripts.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta

from marketplace import db
from marketplace.settings import load_settings
from marketplace.settlement.models import GatePass


async def main(args: list[str]) -> None:
    command, sale, days = args[0], int(args[1]), float(args[2])
    assert command == "age-handover", command
    await db.init_db(load_settings())
    try:
        gate = await GatePass.get(sale_id=sale)
        assert gate.handed_over_at is not None, "the car was not handed over"
        at = gate.handed_over_at - timedelta(days=days)
        await GatePass.filter(id=gate.id).update(handed_over_at=at)
        sys.stdout.write(json.dumps({"sale": sale, "handed_over_at": at.astimezone(UTC).isoformat(),
                                     "now": datetime.now(UTC).isoformat()}) + "\n")  # fmt: skip
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
