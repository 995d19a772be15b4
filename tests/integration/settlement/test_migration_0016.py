"""Migration settlement 0016 on a database that really is at 0015: rows as the code before normalisation wrote them
(references as typed: spaced, lower case, full width), written with SQL as the 0015 schema has them, then the
committed migrations run forward by Tortoise's own executor, through 0016 to the latest.

What 0016 promises (its docstring): receipts and refund-reference claims in `services.refunds.reference_key`'s form
(the bank's: NFKC, no spaces, upper case; claims cut to 64), a claim for each payout recorded without one, a row
left as it was when its normalised form is held by another row of its house (scope: house, and rail for receipts),
and nothing else changed. The test runs on its own fresh database, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tortoise import BaseDBAsyncClient, Tortoise, connections
from tortoise.migrations.api import migrate

from marketplace import db
from marketplace.settings import load_settings
from tests.conftest import PG_URL, _admin_dsn

HOUSE, OTHER = 101, 202
CREATED = "2025-11-03 08:30:00+00:00"
BEFORE, AFTER = "0015_gate_pass_window", "0016_reference_keys"

# (id, house, rail, reference as typed, reference after 0016)
RECEIPTS = [
    (1, HOUSE, "bank", "icbc 2026 0001", "ICBC20260001"),
    (2, HOUSE, "bank", "ｂｏｃ\u3000２０２６－７", "BOC2026-7"),  # full width, an ideographic space
    (3, HOUSE, "bank", "HB780", "HB780"),  # already in the bank's form
    (4, HOUSE, "bank", "hb 780", "hb 780"),  # collides with 3: left for a person
    (5, HOUSE, "stripe", "hb 780", "HB780"),  # another rail: no collision
    (6, OTHER, "bank", "hb 780", "HB780"),  # another house: no collision
    (7, HOUSE, "bank", "zz 1", "ZZ1"),  # two typed forms of one transfer: the first takes the key...
    (8, HOUSE, "bank", "Zz 1", "Zz 1"),  # ...the second finds it held and is left as it was
    (9, HOUSE, "bank", "㍿" * 20, "㍿" * 20),  # NFKC makes it 80 characters: does not fit, left
]
# (id, house, reference as typed, kind, refund id, reference after 0016)
CLAIMS = [
    (1, HOUSE, "boc 0009", "deposit", 11, "BOC0009"),
    (2, HOUSE, "ｉｃｂｃ ７７", "buyer", 12, "ICBC77"),
    (3, HOUSE, "CCB1", "deposit", 13, "CCB1"),
    (4, HOUSE, "ccb 1", "buyer", 14, "ccb 1"),  # collides with 3
    (5, HOUSE, "xyz 9", "payout", 3, "XYZ9"),  # payout 3's claim, typed
    (6, HOUSE, "㍿" * 20, "deposit", 15, "株式会社" * 16),  # cut to 64, as reference_key cuts
]
# (id, house, reference as typed): the payouts themselves are not rewritten
PAYOUTS = [
    (1, HOUSE, "abc 1"),
    (2, HOUSE, "ＰＡＹ ２"),
    (3, HOUSE, "xyz 9"),  # has its claim (5)
    (4, HOUSE, "Boc 0009"),  # the transfer deposit refund 11 claims: no second claim
    (5, HOUSE, "ABC 1"),  # the same key as payout 1, which claims it first
    (6, OTHER, "abc 1"),  # another house
    (7, HOUSE, "   "),  # nothing to claim
]
# (house, key, payout id): the claims 0016 creates
NEW_CLAIMS = [(HOUSE, "ABC1", 1), (HOUSE, "PAY2", 2), (OTHER, "ABC1", 6)]


@pytest.fixture
async def old_config(tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    """The Tortoise config of a new, empty database of the profile under test (not the session's)."""
    if not PG_URL:
        s = load_settings(database_url=f"sqlite://{tmp_path / 'old.db'}", var_dir=tmp_path,
                          frontend_dist=tmp_path / "no-frontend")  # fmt: skip
        yield db.tortoise_config(s)
        return
    import asyncpg

    admin = PG_URL.replace("postgres://", "postgresql://", 1)
    base, _ = _admin_dsn(PG_URL.replace("postgresql://", "postgres://", 1))
    name = f"mp_mig_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        s = load_settings(database_url=f"{base}/{name}", var_dir=tmp_path, frontend_dist=tmp_path / "no-frontend")
        yield db.tortoise_config(s)
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


def sql(conn: BaseDBAsyncClient, text: str) -> str:
    if conn.capabilities.dialect != "postgres":
        return text
    parts = text.split("?")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


async def applied(conn: BaseDBAsyncClient) -> list[str]:
    rows = await conn.execute_query_dict("SELECT name FROM tortoise_migrations WHERE app = 'settlement' ORDER BY name")
    return [r["name"] for r in rows]


async def write_old_rows(conn: BaseDBAsyncClient) -> None:
    """Rows as the 0015 schema holds them, by SQL (the models are today's, not 0015's)."""
    sale_ids = [*range(1, len(PAYOUTS) + 1), 100]  # one sale per payout, one for the invoice the receipts pay
    for sale_id in sale_ids:
        await conn.execute_query(
            sql(conn, "INSERT INTO settlement_sales (id, source, source_ref, house_org_id, seller_org_id,"
                      " buyer_user_id, hammer_fen, deposit_fen, currency, sold_at, rules, created_at, seller_city,"
                      " seller_province, paddle, session_title, lot_title) VALUES (?, 'auction', ?, ?, 7, 8,"
                      f" 100000, 0, 'CNY', '{CREATED}', '{{}}', '{CREATED}', '重庆', '重庆', 'P1', 'session', 'lot')"),
            [sale_id, sale_id, OTHER if sale_id == 6 else HOUSE],
        )  # fmt: skip
    await conn.execute_query(
        "INSERT INTO settlement_invoices (id, house_org_id, number, year, seq, buyer_user_id, currency, status,"
        " total_fen, paid_fen, deposit_applied_fen, lines, issued_at, due_date, due_date_provisional, version, sale_id)"
        f" VALUES (1, {HOUSE}, 'INV-2025-1', 2025, 1, 8, 'CNY', 'issued', 100000, 0, 0, '[]', '{CREATED}',"
        " '2025-11-10', FALSE, 1, 100)"
    )  # fmt: skip
    for rid, house, rail, typed, _ in RECEIPTS:
        await conn.execute_query(
            sql(conn, "INSERT INTO settlement_receipts (id, house_org_id, rail, reference, amount_fen, currency,"
                      " applied_fen, credit_fen, allocation, received_on, recorded_by_user_id, transaction_id,"
                      f" created_at, invoice_id) VALUES (?, ?, ?, ?, ?, 'CNY', 0, ?, '[]', '2025-11-04', 9, ?,"
                      f" '{CREATED}', 1)"),
            [rid, house, rail, typed, 1000 + rid, 1000 + rid, str(uuid.UUID(int=rid))],
        )  # fmt: skip
    for cid, house, typed, kind, refund_id, _ in CLAIMS:
        await conn.execute_query(
            sql(conn, "INSERT INTO settlement_refund_references (id, house_org_id, bank_reference, refund_kind,"
                      f" refund_id, created_at) VALUES (?, ?, ?, ?, ?, '2025-11-0{cid} 10:00:00+00:00')"),
            [cid, house, typed, kind, refund_id],
        )  # fmt: skip
    for pid, house, typed in PAYOUTS:
        await conn.execute_query(
            sql(conn, "INSERT INTO settlement_payouts (id, house_org_id, seller_org_id, currency, hammer_fen,"
                      " commission_fen, seller_fees_fen, adjustments_fen, set_off_fen, amount_fen, bank_reference,"
                      " paid_on, recorded_by_user_id, transaction_id, created_at, sale_id) VALUES (?, ?, 7, 'CNY',"
                      f" 100000, 5000, 0, 0, 0, 95000, ?, '2025-11-05', 9, NULL, '2025-11-05 1{pid}:00:00+00:00', ?)"),
            [pid, house, typed, pid],
        )  # fmt: skip
    if conn.capabilities.dialect == "postgres":  # explicit ids: move the sequences past them, as a real table has
        for table in ("settlement_sales", "settlement_invoices", "settlement_receipts",
                      "settlement_refund_references", "settlement_payouts"):  # fmt: skip
            await conn.execute_query(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1000)")


TABLES = ("settlement_sales", "settlement_invoices", "settlement_receipts", "settlement_refund_references",
          "settlement_payouts")  # fmt: skip


async def snapshot(conn: BaseDBAsyncClient) -> dict[str, list[dict[str, Any]]]:
    return {t: await conn.execute_query_dict(f"SELECT * FROM {t} ORDER BY id") for t in TABLES}


async def test_0016_normalises_the_references_of_a_database_at_0015(old_config: dict[str, Any]) -> None:
    try:
        await migrate_0015_rows_forward_and_check(old_config)
    finally:  # here, not in the fixture: Tortoise keeps its connections in this task's context
        await Tortoise.close_connections()


async def migrate_0015_rows_forward_and_check(old_config: dict[str, Any]) -> None:
    others = [label for label in old_config["apps"] if label != "settlement"]
    await migrate(config=old_config, app_labels=others)
    await Tortoise.close_connections()  # each migrate() initialises Tortoise afresh: close what the last one opened
    await migrate(config=old_config, target=f"settlement.{BEFORE}")
    conn = connections.get("default")
    names = await applied(conn)
    assert names[-1] == BEFORE, names
    assert AFTER not in names, names
    await write_old_rows(conn)
    before = await snapshot(conn)
    assert [r["reference"] for r in before["settlement_receipts"]] == [r[3] for r in RECEIPTS]  # stored as typed
    await Tortoise.close_connections()

    await migrate(config=old_config)  # 0016, then on to the latest
    conn = connections.get("default")
    names = await applied(conn)
    assert {AFTER, "0017_ledger_commit_check"} <= set(names), names
    after = await snapshot(conn)

    # Receipts: only the reference changes, and only where promised.
    expected = [{**row, "reference": RECEIPTS[i][4]} for i, row in enumerate(before["settlement_receipts"])]
    assert after["settlement_receipts"] == expected

    # Claims: the old ones rekeyed where promised, everything else of theirs as it was; then one per legacy payout.
    old = len(CLAIMS)
    expected = [{**row, "bank_reference": CLAIMS[i][5]} for i, row in enumerate(before["settlement_refund_references"])]
    assert after["settlement_refund_references"][:old] == expected
    payouts = {p["id"]: p for p in before["settlement_payouts"]}
    new = after["settlement_refund_references"][old:]
    assert [(c["house_org_id"], c["bank_reference"], c["refund_kind"], c["refund_id"]) for c in new] == [
        (house, key, "payout", pid) for house, key, pid in NEW_CLAIMS
    ]
    assert [c["created_at"] for c in new] == [payouts[pid]["created_at"] for _, _, pid in NEW_CLAIMS]

    # Payouts, sales, invoices: not a value changed, not a row added or removed.
    for table in ("settlement_payouts", "settlement_sales", "settlement_invoices"):
        assert after[table] == before[table], table
    assert {t: len(rows) for t, rows in after.items()} == {
        **{t: len(rows) for t, rows in before.items()},
        "settlement_refund_references": len(CLAIMS) + len(NEW_CLAIMS),
    }
