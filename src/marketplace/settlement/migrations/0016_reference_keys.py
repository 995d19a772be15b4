"""Bank references recorded before they were normalised, in the form they are compared in now (both dialects).

Receipts are kept in the bank's form (statements.squash: NFKC, no spaces, upper case) since record_receipt squashed
them; older ones kept what staff typed ("icbc 2026 0001"), so the statement line "ICBC20260001" did not find its
receipt and was applied a second time. The claims on outgoing references (settlement_refund_references: one bank
transfer pays one refund or payout) are now kept as `services.refunds.reference_key` (the same squash), and payouts
recorded before claims existed get theirs here, so the exclusivity checks find them however they were typed.

A row whose normalised form another row of its house holds already is left as it was: two records of one transfer
predate this, and merging them is a person's decision, not a migration's. NFKC is Python's, hence RunPython.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

MAX = 64


def squash(text: str) -> str:
    # A copy of domain.statements.squash at the time of writing: a migration does not follow later code.
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _sql(conn: Any, sql: str) -> str:
    """`?` placeholders in the dialect's own style (asyncpg numbers them)."""
    if conn.capabilities.dialect != "postgres":
        return sql
    parts = sql.split("?")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


async def _rekey(conn: Any, table: str, column: str, scope: tuple[str, ...], key: Any) -> None:
    cols = ", ".join(("id", *scope, column))
    rows = await conn.execute_query_dict(f"SELECT {cols} FROM {table} ORDER BY id")
    taken = {(*(r[s] for s in scope), r[column]) for r in rows}
    for r in rows:
        new = key(r[column])
        where = tuple(r[s] for s in scope)
        if new == r[column] or not new or len(new) > MAX or (*where, new) in taken:
            continue
        await conn.execute_query(_sql(conn, f"UPDATE {table} SET {column} = ? WHERE id = ?"), [new, r["id"]])
        taken.discard((*where, r[column]))
        taken.add((*where, new))


async def forward(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    await _rekey(conn, "settlement_receipts", "reference", ("house_org_id", "rail"), squash)
    await _rekey(conn, "settlement_refund_references", "bank_reference", ("house_org_id",), lambda r: squash(r)[:MAX])
    claims = await conn.execute_query_dict("SELECT house_org_id, bank_reference FROM settlement_refund_references")
    taken = {(c["house_org_id"], c["bank_reference"]) for c in claims}
    payouts = await conn.execute_query_dict(
        "SELECT id, house_org_id, bank_reference, created_at FROM settlement_payouts ORDER BY id"
    )
    claimed = {
        (int(c["refund_id"]))
        for c in await conn.execute_query_dict(
            "SELECT refund_id FROM settlement_refund_references WHERE refund_kind = 'payout'"
        )
    }
    for p in payouts:
        key = squash(p["bank_reference"])[:MAX]
        if p["id"] in claimed or not key or (p["house_org_id"], key) in taken:
            continue
        await conn.execute_query(
            _sql(conn, "INSERT INTO settlement_refund_references (house_org_id, bank_reference, refund_kind, refund_id,"
                       " created_at) VALUES (?, ?, 'payout', ?, ?)"),
            [p["house_org_id"], key, p["id"], p["created_at"]],
        )  # fmt: skip
        taken.add((p["house_org_id"], key))


async def backward(apps: Any, schema_editor: Any) -> None:
    return None  # the forms typed are not kept: the normalised ones mean the same


class Migration(migrations.Migration):
    dependencies = [("settlement", "0015_gate_pass_window")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
