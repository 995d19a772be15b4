"""Bank statement import on both profiles: dedup, re-import, matching and splits, flags, the queue, balance breaks,
reconciliation (bank clearing nets to zero), and two imports of one file at once (PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import pytest

from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError
from marketplace.settings import Settings
from marketplace.settlement.domain.statements import Mapping
from marketplace.settlement.models import BankImport, BankLine, Invoice, LedgerTransaction, Receipt
from marketplace.settlement.services import invoices, ledger, reconciliation, statement_files, statements
from tests.conftest import PG_URL
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support_bank import ccb_xlsx, icbc_csv, icbc_row, make_invoice

NOW = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def staff(house: int) -> Principal:
    return Principal(user_id=1, display_name="staff", memberships={house: frozenset({"auctioneer"})},
                     org_kinds={house: "auction_house"})  # fmt: skip


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@pytest.fixture
def house() -> int:
    return uuid.uuid4().int % 1_000_000 + 10_000


async def test_a_statement_pays_invoices_by_their_number_and_a_reimport_changes_nothing(
    database: Settings, house: int
) -> None:
    a = await make_invoice(house, 501, 100_000)  # total 100,000 + 5 % + 5,000 document = 110,000
    b = await make_invoice(house, 502, 200_000)
    c = await make_invoice(house, 503, 300_000)
    assert (a.total_fen, b.total_fen) == (110_000, 215_000)
    number_b = b.number.replace("-", " ").lower()  # typed with spaces instead of dashes
    rows = [
        icbc_row("SN1", "2026-03-02 09:00:00", yuan(a.total_fen), "11100.00", f"货款{a.number}"),
        icbc_row("SN2", "2026-03-02 10:00:00", "1000.00", "12100.00", f"part of {number_b}"),
        icbc_row("SN3", "2026-03-02 11:00:00", "50.00", "12150.00", "no reference at all"),
        icbc_row("SN4", "2026-03-02 12:00:00", "20.00", "12130.00", "bank fee", out=True),
    ]
    data = icbc_csv(rows)
    first, created = await statements.import_statement(staff(house), house, data, "icbc-csv", "march.csv", NOW)
    assert created
    assert (first.lines_total, first.lines_new) == (4, 4)
    assert first.summary["outcomes"] == {"applied": 2, "queued": 2}
    a2, b2 = await Invoice.get(id=a.id), await Invoice.get(id=b.id)
    assert (a2.status, a2.paid_fen) == ("paid", 110_000)
    assert (b2.status, b2.paid_fen) == ("open", 100_000)
    # Fees first: the premium (10,000) and the document fee (5,000) of b are paid before the price.
    assert [line["paid_fen"] for line in b2.lines] == [85_000, 10_000, 5_000]
    assert await ledger.balance(house, "bank", "", "CNY") == 210_000
    assert await ledger.balance(house, "bank_clearing", "", "CNY") == 0  # reconciled as it was received

    entries = await LedgerTransaction.filter(house_org_id=house).count()
    again, created_again = await statements.import_statement(staff(house), house, data, "icbc-csv", "x.csv", NOW)
    assert not created_again
    assert again.id == first.id
    assert await LedgerTransaction.filter(house_org_id=house).count() == entries
    assert await BankLine.filter(house_org_id=house).count() == 4

    # An overlapping export (the same lines plus one) adds only the new line, however it is encoded.
    assert first.summary["breaks"] == []
    more = icbc_csv([*rows, icbc_row("SN5", "2026-03-02 13:00:00", yuan(c.total_fen), "15330.00", c.number)],
                    "utf-8-sig")  # fmt: skip
    third, _ = await statements.import_statement(staff(house), house, more, "icbc-csv", "", NOW)
    assert (third.lines_total, third.lines_new) == (5, 1)
    assert third.summary["breaks"] == []  # the lines stored already are not their own predecessors
    assert (await Invoice.get(id=c.id)).status == "paid"
    await assert_books_consistent()


async def test_lines_without_a_serial_are_kept_once_by_checksum(database: Settings, house: int) -> None:
    inv = await make_invoice(house, 601, 10_000)
    rows = [["", datetime(2026, 3, 2, 9, 30), "", inv.total_fen / 100, "", "人民币", "某公司", "62", inv.number]]  # noqa: DTZ001
    one, _ = await statements.import_statement(staff(house), house, ccb_xlsx(rows), "ccb-xlsx", "", NOW)
    # Another file (a different title row) with the same line: the checksum finds it.
    two, created = await statements.import_statement(staff(house), house, ccb_xlsx([*rows, ["", "", "", "", "", "",
                                                     "", "", ""]]), "ccb-xlsx", "", NOW)  # fmt: skip
    assert created
    assert (one.lines_new, two.lines_new) == (1, 0)
    line = await BankLine.get(house_org_id=house)
    assert line.dedup_key.startswith("ck:")
    assert (line.status, line.reason) == ("applied", "")
    assert (await Invoice.get(id=inv.id)).status == "paid"


async def test_a_split_applies_only_when_exact_and_paid_or_void_invoices_are_flagged(
    database: Settings, house: int
) -> None:
    a, b = await make_invoice(house, 701, 100_000), await make_invoice(house, 701, 200_000)
    c, d = await make_invoice(house, 704, 100_000), await make_invoice(house, 705, 100_000)
    paid = await make_invoice(house, 702, 10_000)
    void = await make_invoice(house, 703, 10_000)
    await invoices.record_receipt(staff(house), house, paid.id, "HAND-1", paid.total_fen, date(2026, 3, 1), NOW)
    admin = Principal(user_id=2, display_name="a", memberships={house: frozenset({"house_admin"})},
                      org_kinds={house: "auction_house"})  # fmt: skip
    await invoices.void_invoice(admin, void.id, "withdrawn", NOW)
    both = a.total_fen + b.total_fen
    rows = [
        icbc_row("S1", "2026-03-02 09:00", yuan(both), "", f"{a.number} {b.number}"),
        icbc_row("S2", "2026-03-02 09:01", yuan(c.total_fen + d.total_fen - 1), "", f"{c.number}/{d.number}"),
        icbc_row("S3", "2026-03-02 09:02", "10.00", "", f"again {paid.number}"),
        icbc_row("S4", "2026-03-02 09:03", "10.00", "", f"for {void.number}"),
    ]
    report, _ = await statements.import_statement(staff(house), house, icbc_csv(rows), "icbc-csv", "", NOW)
    assert report.summary["outcomes"] == {"applied": 1, "queued": 1, "flagged": 2}
    by_serial = {x.serial: x for x in await BankLine.filter(house_org_id=house)}
    assert by_serial["S1"].invoices == [[a.number, a.total_fen], [b.number, b.total_fen]]
    assert (by_serial["S2"].status, by_serial["S2"].reason) == ("queued", "split_inexact")
    assert (by_serial["S3"].reason, by_serial["S4"].reason) == ("invoice_paid", "invoice_void")
    assert await Receipt.filter(house_org_id=house, reference__startswith="S3").count() == 0
    assert (await Invoice.get(id=a.id)).status == (await Invoice.get(id=b.id)).status == "paid"
    await assert_books_consistent()


async def test_a_person_works_the_queue(database: Settings, house: int) -> None:
    a, b = await make_invoice(house, 801, 100_000), await make_invoice(house, 802, 100_000)
    rows = [
        icbc_row("Q1", "2026-03-02 09:00", yuan(a.total_fen + 500), "", "no number"),
        icbc_row("Q2", "2026-03-02 09:01", "3.00", "", "interest"),
        icbc_row("Q3", "2026-03-02 09:02", yuan(b.total_fen - 1), "", "two invoices"),
    ]
    await statements.import_statement(staff(house), house, icbc_csv(rows), "icbc-csv", "", NOW)
    q = {x.serial: x for x in await BankLine.filter(house_org_id=house)}
    assert {x.status for x in q.values()} == {"queued"}
    view = await reconciliation.bank_view(staff(house), house, "CNY")
    assert not view["reconciled"]
    assert {x["serial"] for x in view["unmatched"]} == {"Q1", "Q2", "Q3"}

    # One invoice, with more than it owes: a person's decision, the rest is the buyer's credit.
    done = await statements.resolve_line(staff(house), house, q["Q1"].id, "apply", [a.number], "phoned", NOW)
    assert done.status == "resolved"
    assert await ledger.balance(house, "buyer_credit", "user:801", "CNY") == 500
    with pytest.raises(ApiError) as err:
        await statements.resolve_line(staff(house), house, q["Q1"].id, "exclude", [], "", NOW)
    assert err.value.code == "bank_line_decided"
    with pytest.raises(ApiError) as err:
        await statements.resolve_line(staff(house), house, q["Q3"].id, "apply", [a.number, b.number], "", NOW)
    assert err.value.code in ("invoice_not_open", "split_inexact")
    await statements.resolve_line(staff(house), house, q["Q2"].id, "exclude", [], "bank interest", NOW)
    await statements.resolve_line(staff(house), house, q["Q3"].id, "apply", [b.number], "short by 1 fen", NOW)
    view = await reconciliation.bank_view(staff(house), house, "CNY")
    assert view["reconciled"]
    assert view["counts"]["resolved"] == 2
    assert view["counts"]["excluded"] == 1
    assert view["clearing_fen"] == 0
    await assert_books_consistent()


async def test_a_receipt_recorded_by_hand_is_matched_by_its_serial_and_clearing_nets_to_zero(
    database: Settings, house: int
) -> None:
    inv = await make_invoice(house, 901, 50_000)
    await invoices.record_receipt(staff(house), house, inv.id, "hb778", inv.total_fen, date(2026, 3, 2), NOW)
    view = await reconciliation.bank_view(staff(house), house, "CNY")
    assert view["clearing_fen"] == inv.total_fen  # received, not yet seen on a statement
    assert [r["reference"] for r in view["receipts_not_on_statement"]] == ["HB778"]  # kept as a statement keeps it
    assert not view["reconciled"]
    rows = [icbc_row("HB778", "2026-03-02 09:00", yuan(inv.total_fen), "", f"for {inv.number}")]
    report, _ = await statements.import_statement(staff(house), house, icbc_csv(rows), "icbc-csv", "", NOW)
    assert report.summary["outcomes"] == {"matched": 1}
    view = await reconciliation.bank_view(staff(house), house, "CNY")
    assert view["clearing_fen"] == 0
    assert view["receipts_not_on_statement"] == []
    assert view["reconciled"]
    assert await Receipt.filter(house_org_id=house).count() == 1  # nothing applied twice
    # Typed again by hand, upper case this time: the same receipt, not a second one.
    _, created = await invoices.record_receipt(staff(house), house, inv.id, "HB778", inv.total_fen, date(2026, 3, 2),
                                               NOW)  # fmt: skip
    assert not created


async def test_gaps_show_as_a_break_in_the_running_balance(database: Settings, house: int) -> None:
    rows = [
        icbc_row("G1", "2026-03-02 09:00", "100.00", "1100.00", "x"),
        icbc_row("G2", "2026-03-02 10:00", "100.00", "1300.00", "x"),  # a 100.00 line is missing before this
    ]
    report, _ = await statements.import_statement(staff(house), house, icbc_csv(rows), "icbc-csv", "", NOW)
    assert report.summary["breaks"] == [[5, 120_000, 130_000]]
    g2 = await BankLine.get(house_org_id=house, serial="G2")
    assert (g2.balance_break, g2.expected_balance_fen) == (True, 120_000)
    # The next statement continues from the last balance stored: it follows on, no break.
    nxt = [icbc_row("G3", "2026-03-03 09:00", "50.00", "1350.00", "x")]
    report, _ = await statements.import_statement(staff(house), house, icbc_csv(nxt), "icbc-csv", "", NOW)
    assert report.summary["breaks"] == []
    view = await reconciliation.bank_view(staff(house), house, "CNY")
    assert [x["serial"] for x in view["balance_breaks"]] == ["G2"]
    assert view["statement_balance_fen"] == 135_000


async def test_a_saved_mapping_reads_another_banks_export(database: Settings, house: int) -> None:
    inv = await make_invoice(house, 1001, 20_000)
    mapping = Mapping(format="csv", serial="流水", booked_at="日期", amount="金额", reference="附言", balance="余额")
    await statement_files.save_mapping(staff(house), house, "my-bank", mapping)
    data = f"日期,流水,金额,余额,附言\n2026/03/02 09:00,X9,{yuan(inv.total_fen)},,{inv.number.lower()}\n".encode()
    report, _ = await statements.import_statement(staff(house), house, data, "my-bank", "", NOW)
    assert report.summary["outcomes"] == {"applied": 1}
    with pytest.raises(ApiError) as err:
        await statements.import_statement(staff(house), house, data + b"2026/03/02,X10,abc,,x\n", "my-bank", "", NOW)
    assert (err.value.code, err.value.status) == ("invalid_statement_line", 422)
    with pytest.raises(ApiError) as err:
        await statement_files.save_mapping(
            staff(house), house, "bad", Mapping(format="csv", booked_at="d", reference="r")
        )
    assert err.value.code == "invalid_bank_mapping"
    with pytest.raises(ApiError) as err:
        await statements.import_statement(staff(house), house, data, "nope", "", NOW)
    assert err.value.code == "bank_layout_not_found"


async def test_outsiders_are_told_nothing(database: Settings, house: int) -> None:
    stranger = Principal(user_id=3, display_name="s", memberships={}, org_kinds={})
    with pytest.raises(ApiError) as err:
        await statements.import_statement(stranger, house, b"x", "icbc-csv", "", NOW)
    assert err.value.status == 404
    assert await BankImport.filter(house_org_id=house).count() == 0


@pytest.mark.skipif(not PG_URL, reason="the concurrency proof needs PostgreSQL (DATABASE_URL)")
async def test_the_same_statement_imported_twice_at_once_applies_once(database: Settings, house: int) -> None:
    invs = [await make_invoice(house, 1100 + n, 10_000 * (n + 1)) for n in range(4)]
    rows = [icbc_row(f"C{n}", f"2026-03-02 09:0{n}", yuan(i.total_fen), "", i.number) for n, i in enumerate(invs)]
    # Two different files (the second with an extra line) sharing four lines, imported at the same moment.
    first = icbc_csv(rows)
    second = icbc_csv([*rows, icbc_row("C9", "2026-03-02 10:00", "1.00", "", "x")])
    results = await asyncio.gather(
        *(statements.import_statement(staff(house), house, data, "icbc-csv", "", NOW) for data in (first, second,
                                                                                                    first, second))
    )  # fmt: skip
    assert sum(r.lines_new for r, created in results if created) == 5
    for i in invs:
        row = await Invoice.get(id=i.id)
        assert (row.status, row.paid_fen) == ("paid", i.total_fen)
    assert await Receipt.filter(house_org_id=house).count() == 4
    assert await BankLine.filter(house_org_id=house).count() == 5
    await assert_books_consistent()


async def run_migration_0016() -> None:
    """The data migration's forward step on the test database (the schema has it applied already: a no-op then)."""
    import importlib
    from types import SimpleNamespace

    from tortoise import connections

    m = importlib.import_module("marketplace.settlement.migrations.0016_reference_keys")
    await m.forward(None, SimpleNamespace(client=connections.get("default")))


async def test_a_receipt_typed_before_references_were_normalised_is_found_by_its_statement_line(
    database: Settings, house: int
) -> None:
    """A receipt recorded when references were kept as typed ("hb 779"): migration 0016 puts it in the bank's form,
    so the statement's line HB779 is recognised as recorded by hand, not applied a second time."""
    inv = await make_invoice(house, 902, 50_000)
    receipt, _ = await invoices.record_receipt(staff(house), house, inv.id, "HB779", inv.total_fen, date(2026, 3, 2),
                                               NOW)  # fmt: skip
    await Receipt.filter(id=receipt.id).update(reference="hb 779")  # as the code before the squash kept it
    untouched = await Receipt.create(
        house_org_id=house, rail="bank", reference="hb 780", invoice_id=inv.id, amount_fen=1, currency="CNY",
        applied_fen=0, credit_fen=1, allocation=[], received_on=date(2026, 3, 2), recorded_by_user_id=1,
        transaction_id=uuid.uuid4(),
    )  # fmt: skip
    await Receipt.create(  # its squashed form is taken: left as it was, for a person to sort out
        house_org_id=house, rail="bank", reference="HB780", invoice_id=inv.id, amount_fen=1, currency="CNY",
        applied_fen=0, credit_fen=1, allocation=[], received_on=date(2026, 3, 2), recorded_by_user_id=1,
        transaction_id=uuid.uuid4(),
    )  # fmt: skip
    await run_migration_0016()
    assert (await Receipt.get(id=receipt.id)).reference == "HB779"
    assert (await Receipt.get(id=untouched.id)).reference == "hb 780"
    rows = [icbc_row("HB779", "2026-03-02 09:00", yuan(inv.total_fen), "", f"for {inv.number}")]
    report, _ = await statements.import_statement(staff(house), house, icbc_csv(rows), "icbc-csv", "", NOW)
    assert report.summary["outcomes"] == {"matched": 1}
    assert await Receipt.filter(house_org_id=house, invoice_id=inv.id, amount_fen=inv.total_fen).count() == 1
    assert (await reconciliation.bank_view(staff(house), house, "CNY"))["clearing_fen"] == 0  # not paid twice
