from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# The buying limit, checked inside the bid's transaction: each registration gets a version that every
# admitted bid bumps (compare-and-set), and each lot its leader's commitment, summed by that check.

OPEN_STATUSES = ("open", "paused")


async def backfill_leader_commitment(apps: Any, schema_editor: Any) -> None:
    # Lots led before this migration: the commitment from the stored engine state, as
    # engine.lot.leader_commitment computes it (inlined: a migration must not follow later code).
    Lot = apps.get_model("auctions", "Lot")
    conn = schema_editor.client
    led = await Lot.filter(leader_paddle__isnull=False).using_db(conn).values("id", "status", "price", "state")
    for row in led:
        state, price = row["state"] or {}, row["price"]
        leader = state.get("leader")
        if leader is None or price is None or row["status"] in ("passed", "scheduled"):
            continue
        commitment = int(price)
        if row["status"] in OPEN_STATUSES:
            entry = (state.get("entries") or {}).get(leader)
            commitment = max(commitment, int(entry["max"])) if entry else commitment
        await Lot.filter(id=row["id"]).using_db(conn).update(leader_commitment=commitment)


class Migration(migrations.Migration):
    dependencies = [("auctions", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Lot",
            name="leader_commitment",
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name="Registration",
            name="version",
            field=fields.IntField(default=0),
        ),
        ops.RunPython(backfill_leader_commitment, ops.RunPython.noop),
    ]
