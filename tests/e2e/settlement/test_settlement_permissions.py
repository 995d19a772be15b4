"""The settlement permissions matrix: every settlement endpoint × every kind of caller.

House H keeps books with one invoice (its buyer: `buyer`), one fee schedule version taking effect tomorrow, and
accounts; R is a rival house. Each cell runs on a fresh world and checks the status and error code, that a refused
request or a read changed nothing, that an allowed write had its effect, and that nobody outside H (but platform
staff and the invoice's buyer) ever receives H's invoice number. `test_matrix_covers_every_route` fails when a
settlement endpoint lacks its row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from marketplace.accounts import sessions
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret, token_hash
from marketplace.accounts.models import Session
from marketplace.settlement.models import (
    BankImport,
    BankLine,
    BankMapping,
    CardOperation,
    Default,
    DepositRefund,
    FeeSchedule,
    Invoice,
    LedgerAccount,
    LedgerEntry,
    Notice,
    PayeeAccount,
    PaymentInstructions,
    Receipt,
)
from marketplace.settlement.routes import bank, books, cards, documents
from marketplace.settlement.routes import deposits as deposit_routes
from marketplace.settlement.routes import payees as payee_routes
from marketplace.settlement.services import defaults, deposits, sales
from marketplace.web.endpoint import UNSAFE_METHODS
from tests.support import ApiClient, make_member, make_org, make_platform_admin, make_user

CALLERS = ("anonymous", "buyer", "stranger", "auctioneer", "house_admin", "rival_admin", "platform", "read_token")


@dataclass(frozen=True)
class W:
    status: int
    code: str | None = None


OK, NEW, DONE = W(200), W(201), W(204)
UNAUTH, SCOPE, NF = W(401, "unauthenticated"), W(403, "insufficient_scope"), W(404)
ROLE, STAFF = W(403, "insufficient_role"), W(403, "not_house_staff")
RAIL, PAYER, CREDIT = W(409, "card_rail_unavailable"), W(403, "not_invoice_payer"), W(409, "insufficient_balance")


def row(
    anonymous: W, buyer: W, stranger: W, auctioneer: W, house_admin: W, rival: W, platform: W, token: W
) -> dict[str, W]:
    return dict(
        zip(CALLERS, (anonymous, buyer, stranger, auctioneer, house_admin, rival, platform, token), strict=True)
    )


BOOKS_READ = row(UNAUTH, NF, NF, OK, OK, NF, OK, OK)
MINE = row(UNAUTH, OK, OK, OK, OK, OK, OK, OK)
MATRIX: list[tuple[str, str, str, dict[str, W]]] = [
    ("GET", "/api/houses/{house}/fee-schedules", "", BOOKS_READ),
    ("POST", "/api/houses/{house}/fee-schedules", "schedule", row(UNAUTH, NF, NF, ROLE, NEW, NF, ROLE, SCOPE)),
    ("GET", "/api/houses/{house}/fee-schedules/{schedule}", "", BOOKS_READ),
    ("DELETE", "/api/houses/{house}/fee-schedules/{schedule}", "", row(UNAUTH, NF, NF, ROLE, DONE, NF, ROLE, SCOPE)),
    ("GET", "/api/houses/{house}/fee-estimate?amount=12345600", "", row(OK, OK, OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/houses/{house}/invoices", "", BOOKS_READ),
    ("GET", "/api/invoices/{invoice}", "", row(UNAUTH, OK, NF, OK, OK, NF, OK, OK)),
    ("GET", "/api/me/invoices", "", row(UNAUTH, OK, OK, OK, OK, OK, OK, OK)),
    ("POST", "/api/invoices/{invoice}/void", "void", row(UNAUTH, ROLE, NF, ROLE, OK, NF, ROLE, SCOPE)),
    ("POST", "/api/houses/{house}/receipts", "receipt", row(UNAUTH, NF, NF, NEW, NEW, NF, STAFF, SCOPE)),
    ("GET", "/api/houses/{house}/trial-balance", "", BOOKS_READ),
    ("GET", "/api/houses/{house}/accounts/{account}/entries", "", BOOKS_READ),
    ("GET", "/api/invoices/{invoice}/invoice.pdf", "", row(UNAUTH, OK, NF, OK, OK, NF, OK, OK)),
    ("GET", "/api/invoices/{invoice}/confirmation.pdf", "", row(UNAUTH, OK, NF, OK, OK, NF, OK, OK)),
    ("GET", "/api/invoices/{invoice}/contract.pdf", "", row(UNAUTH, OK, NF, OK, OK, NF, OK, OK)),
    ("GET", "/api/houses/{house}/payment-instructions", "", BOOKS_READ),
    ("PUT", "/api/houses/{house}/payment-instructions", "instructions", row(UNAUTH, NF, NF, ROLE, OK, NF, ROLE, SCOPE)),
    # deposits, refunds, clocks, notices and defaults (routes/deposits.py)
    ("GET", "/api/houses/{house}/deposits", "", BOOKS_READ),
    ("GET", "/api/me/deposits", "", MINE),
    ("GET", "/api/houses/{house}/deposit-refunds", "", BOOKS_READ),
    ("POST", "/api/houses/{house}/deposit-refunds/{refund}/complete", "refund",
     row(UNAUTH, NF, NF, NEW, NEW, NF, STAFF, SCOPE)),
    ("GET", "/api/invoices/{invoice}/clocks", "", row(UNAUTH, OK, NF, OK, OK, NF, OK, OK)),
    ("POST", "/api/invoices/{invoice}/default", "default", row(UNAUTH, ROLE, NF, ROLE, NEW, NF, ROLE, SCOPE)),
    ("GET", "/api/houses/{house}/defaults", "", BOOKS_READ),
    ("POST", "/api/houses/{house}/defaults/{default}/close", "close", row(UNAUTH, NF, NF, ROLE, OK, NF, ROLE, SCOPE)),
    ("GET", "/api/me/settlement-notices", "", MINE),
    ("POST", "/api/me/settlement-notices/read", "read", row(UNAUTH, OK, OK, OK, OK, OK, OK, SCOPE)),
    # The payment rails (bank statements, cards): the house's own staff work them; platform staff only read.
    ("GET", "/api/houses/{house}/bank/layouts", "", row(UNAUTH, NF, NF, OK, OK, NF, STAFF, OK)),
    ("POST", "/api/houses/{house}/bank/layouts", "layout", row(UNAUTH, NF, NF, OK, OK, NF, STAFF, SCOPE)),
    (
        "POST",
        "/api/houses/{house}/bank/statements?layout=icbc-csv",
        "statement",
        row(UNAUTH, NF, NF, NEW, NEW, NF, STAFF, SCOPE),
    ),
    # A preview reads the file and stores nothing: an allowed one changes nothing either.
    ("POST", "/api/houses/{house}/bank/statements/preview?format=csv", "statement",
     row(UNAUTH, NF, NF, OK, OK, NF, STAFF, SCOPE)),
    ("GET", "/api/houses/{house}/bank/statements", "", BOOKS_READ),
    ("GET", "/api/houses/{house}/bank/lines", "", BOOKS_READ),
    ("POST", "/api/houses/{house}/bank/lines/{line}/resolve", "resolve", row(UNAUTH, NF, NF, OK, OK, NF, STAFF, SCOPE)),
    ("GET", "/api/houses/{house}/reconciliation/bank", "", BOOKS_READ),
    ("GET", "/api/houses/{house}/reconciliation/stripe", "", BOOKS_READ),
    # No card rail is configured in the test app: allowed callers reach the refusal, everyone else 404s first.
    (
        "POST",
        "/api/houses/{house}/reconciliation/stripe/sync",
        "sync",
        row(UNAUTH, NF, NF, RAIL, RAIL, NF, STAFF, SCOPE),
    ),
    ("POST", "/api/invoices/{invoice}/card-payment", "", row(UNAUTH, RAIL, NF, RAIL, RAIL, NF, PAYER, SCOPE)),
    ("POST", "/api/invoices/{invoice}/card-checkout", "", row(UNAUTH, RAIL, NF, RAIL, RAIL, NF, PAYER, SCOPE)),
    ("GET", "/api/invoices/{invoice}/card-checkout", "", row(UNAUTH, OK, NF, OK, OK, NF, OK, OK)),
    (
        "POST",
        "/api/houses/{house}/card-payments/{operation}/refund",
        "card_refund",
        row(UNAUTH, NF, NF, CREDIT, CREDIT, NF, STAFF, SCOPE),
    ),
    ("POST", "/api/payments/stripe/webhook", "", row(RAIL, RAIL, RAIL, RAIL, RAIL, RAIL, RAIL, SCOPE)),
    # The house's Stripe connected account (routes/payees.py): its administrators set it; only Stripe verifies it.
    ("GET", "/api/houses/{house}/card-payee", "", BOOKS_READ),
    ("PUT", "/api/houses/{house}/card-payee", "payee", row(UNAUTH, NF, NF, ROLE, OK, NF, ROLE, SCOPE)),
    ("POST", "/api/houses/{house}/card-payee/verify", "", row(UNAUTH, NF, NF, ROLE, RAIL, NF, ROLE, SCOPE)),
]  # fmt: skip


@dataclass
class World:
    house: int
    invoice: Invoice
    schedule: int
    account: int
    buyer_id: int
    refund: int
    default: int
    line: int
    operation: int


async def _login(client: ApiClient, user_id: int) -> None:
    raw, csrf = new_secret(), new_secret()
    await Session.create(
        token_hash=token_hash(raw), csrf_token=csrf, user_id=user_id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    client.http.cookies.set(SESSION_COOKIE, raw)
    client.http.cookies.set(CSRF_COOKIE, csrf)


def sold_event(house: int, seller: int, buyer: int, lot: int, deposit: int = 0) -> dict[str, Any]:
    # Sold 40 days ago: past the due date and the grace period, so a default may be declared.
    now = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    return {
        "event_id": str(uuid.uuid4()), "topic": "auctions.lot_sold", "created_at": now,
        "payload": {"lot_id": lot, "price": 12_345_600, "seq": 3, "session_id": 700 + lot, "session_starts_at": now,
                    "house_org_id": house, "seller_org_id": seller, "vehicle_id": 1, "buyer_user_id": buyer,
                    "buyer_org_id": None, "buyer_paddle": "A001", "hammer_fen": 12_345_600,
                    "buyer_premium_fen": 617_280, "premium_terms": [[0, 500, 0]], "deposit_fen": deposit,
                    "currency": "CNY", "sold_at": now, "via": "timed"},
    }  # fmt: skip


async def build(client: ApiClient, caller: str) -> World:
    app = client.app
    house, rival, seller = await make_org("auction_house"), await make_org("auction_house"), await make_org("dealer")
    users = {
        "auctioneer": (await make_member(app, house, ["auctioneer"], "auc")).user,
        "house_admin": (await make_member(app, house, ["house_admin"], "hadm")).user,
        "rival_admin": (await make_member(app, rival, ["house_admin"], "radm")).user,
        "platform": (await make_platform_admin(app)).user,
        "buyer": await make_user(app, "buyer"),
        "stranger": await make_user(app, "stranger"),
    }
    assert await sales.consume(sold_event(house.id, seller.id, users["buyer"].id, 1))
    # The rival house has books too, with an invoice of its own for the same buyer (never shown to H's staff).
    assert await sales.consume(sold_event(rival.id, seller.id, users["buyer"].id, 2))
    # A second sale of H's, with a deposit, already defaulted (a default to close); a deposit of another session
    # whose bidder won nothing (a refund task); a notice for every user (something to mark read).
    assert await sales.consume(sold_event(house.id, seller.id, users["buyer"].id, 3, deposit=500_000))
    defaulted = await Invoice.get(house_org_id=house.id, sale__lot_id=3)
    async with in_transaction() as conn:
        default = await defaults.declare_in(conn, defaulted, users["house_admin"].id, "unpaid", datetime.now(UTC))
    ended = {"session_id": 900, "house_org_id": house.id, "ended_at": datetime.now(UTC).isoformat(), "won": [],
             "deposits": [{"user_id": users["buyer"].id, "org_id": None, "paddle": "101", "amount_fen": 300_000,
                           "status": "confirmed", "reference": "AU00900-1"}]}  # fmt: skip
    assert await deposits.consume(
        {"event_id": str(uuid.uuid4()), "topic": "auctions.session_ended", "payload": ended, "created_at": ""}
    )
    await deposits.sweep(datetime.now(UTC), None)
    refund = await DepositRefund.get(house_org_id=house.id)
    for name, user in users.items():
        await Notice.create(user_id=user.id, key=f"test:{name}", kind="reminder", data={})
    schedule = await FeeSchedule.create(
        house_org_id=house.id, version=1, effective_from=datetime.now(UTC) + timedelta(days=1),
        rules={"buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 300}],
               "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 300}]},
        created_by_user_id=users["house_admin"].id,
    )  # fmt: skip
    account = await LedgerAccount.get(house_org_id=house.id, code="buyer_receivable")
    await PaymentInstructions.create(
        house_org_id=house.id, account_name=house.name, bank_name="中国工商银行", account_number="3100021009100123456",
        updated_by_user_id=users["house_admin"].id, updated_at=datetime.now(UTC),
    )  # fmt: skip
    if caller == "read_token":
        _, raw = await sessions.create_token(users["house_admin"].id, "read", ["read"], "127.0.0.1")
        client.bearer = raw
    elif caller != "anonymous":
        await _login(client, users[caller].id)
    invoice = await Invoice.get(house_org_id=house.id, sale__lot_id=1)
    line = await BankLine.create(
        house_org_id=house.id, import_id=0, dedup_key="sn:Q1", serial="Q1", line_no=2, booked_at=datetime.now(UTC),
        amount_fen=100, currency="CNY", status="queued", reason="no_reference",
    )  # fmt: skip
    op = await CardOperation.create(
        house_org_id=house.id, kind="payment", purpose="invoice", subject="invoice", invoice_id=invoice.id,
        party=f"user:{users['buyer'].id}", amount_fen=100, currency="USD", idempotency_key=f"k-{uuid.uuid4()}",
        provider="stripe", provider_id="pi_x", status="succeeded",
    )  # fmt: skip
    return World(house.id, invoice, schedule.id, account.id, users["buyer"].id, refund.id, default.id, line.id, op.id)


async def snapshot() -> dict[str, Any]:
    return {
        "schedules": sorted(await FeeSchedule.all().values_list("id", "version")),
        "receipts": await Receipt.all().count(),
        "entries": await LedgerEntry.all().count(),
        "invoices": sorted(await Invoice.all().values_list("id", "paid_fen", "status")),
        "instructions": sorted(await PaymentInstructions.all().values_list("house_org_id", "account_number")),
        "refunds": sorted(await DepositRefund.all().values_list("id", "status")),
        "defaults": sorted(await Default.all().values_list("id", "status")),
        "notices_read": await Notice.filter(read_at__isnull=False).count(),
        "layouts": await BankMapping.all().count(),
        "imports": await BankImport.all().count(),
        "lines": sorted(await BankLine.all().values_list("id", "status")),
        "card_operations": await CardOperation.all().count(),
        "payees": await PayeeAccount.all().count(),
    }


def body_for(kind: str, world: World) -> dict[str, Any]:
    if kind == "schedule":
        rules = {"buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 450}],
                 "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 300}]}  # fmt: skip
        return {"json": {"rules": rules, "note": "2027 tariff"}}
    if kind == "void":
        return {"json": {"reason": "sale cancelled: the seller withdrew the vehicle"}}
    if kind == "refund":
        return {"json": {"bank_reference": "ICBC-REFUND-0001"}}
    if kind == "default":
        return {"json": {"reason": "unpaid after the grace period"}}
    if kind == "close":
        return {"json": {"resale_hammer_fen": None}}
    if kind == "read":
        return {"json": {}}
    if kind == "receipt":
        return {"json": {"invoice_id": world.invoice.id, "reference": "ICBC-0001", "amount_fen": 100_000,
                         "received_on": "2026-12-01"}}  # fmt: skip
    if kind == "instructions":
        return {"json": {"account_name": "长江拍卖", "bank_name": "中国银行", "account_number": "6222 0000 1111"}}
    if kind == "layout":
        return {"json": {"name": "my-bank", "mapping": {"format": "csv", "booked_at": "日期", "reference": "附言",
                                                         "amount": "金额"}}}  # fmt: skip
    if kind == "statement":
        data = "交易流水号,交易时间,对方户名,对方账号,借方发生额,贷方发生额,余额,币种,用途\n"
        data += "S1,2026-03-02,a,b,,1.00,,人民币,x\n"
        return {"content": data.encode("gbk"), "headers": {"Content-Type": "text/csv"}}
    if kind == "resolve":
        return {"json": {"action": "exclude", "note": "bank interest"}}
    if kind == "sync":
        return {"json": {"since": "2026-03-01T00:00:00+00:00"}}
    if kind == "card_refund":
        return {"json": {"amount_fen": 100}}
    if kind == "payee":
        return {"json": {"account": "acct_1032D82eZvKYlo2C"}}
    return {}


async def check_cell(client: ApiClient, method: str, path: str, body: str, caller: str, want: W) -> str:
    from tortoise.contrib.test import truncate_all_models

    await truncate_all_models()
    client.bearer = None
    client.http.cookies.clear()
    world = await build(client, caller)
    url = path.format(
        house=world.house, schedule=world.schedule, invoice=world.invoice.id, account=world.account,
        refund=world.refund, default=world.default, line=world.line, operation=world.operation,
    )  # fmt: skip
    before = await snapshot()
    r = await client.request(method, url, **body_for(body, world))
    cell = f"{method} {path}:{caller}"
    if r.status_code != want.status:
        return f"{cell}: {r.status_code} (want {want.status}) {r.text[:200]}"
    if want.code and r.json()["error"]["code"] != want.code:
        return f"{cell}: code {r.json()['error']['code']} (want {want.code})"
    after = await snapshot()
    reads_only = method not in UNSAFE_METHODS or path.endswith(READS_ONLY)
    if (r.status_code >= 400 or reads_only) and after != before:
        return f"{cell}: a refused request or a read changed something"
    if r.status_code < 400 and not reads_only and after == before:
        return f"{cell}: an allowed write had no effect"
    if caller in ("stranger", "rival_admin", "anonymous") and world.invoice.number in r.text:
        return f"{cell}: house H's invoice leaked"
    if r.status_code == 404:
        missing = await client.request(method, url.replace(f"/{world.house}/", "/2147483647/"), **body_for(body, world))
        if "/houses/" in path and missing.json() != r.json():
            return f"{cell}: a foreign house's 404 differs from a missing one's"
    return ""


READS_ONLY = "/preview?format=csv"  # a POST because it sends a file, not because it writes
CHUNK = 8  # rows per test: each cell builds a fresh world, and a whole column outlasts the per-test timeout


@pytest.mark.parametrize("first", range(0, len(MATRIX), CHUNK))
@pytest.mark.parametrize("caller", CALLERS)
async def test_matrix(client: ApiClient, caller: str, first: int) -> None:
    """A run of endpoints for one caller; all mismatches are listed."""
    problems = []
    for method, path, body, want in MATRIX[first : first + CHUNK]:
        problem = await check_cell(client, method, path, body, caller, want[caller])
        if problem:
            problems.append(problem)
    assert problems == []


def test_matrix_covers_every_route() -> None:
    documented = {(m, p.split("?")[0]) for m, p, *_ in MATRIX}
    declared = set()
    # the handover's routes have their own matrix (test_handover_permissions.py)
    for route in [*books.routes, *documents.routes, *deposit_routes.routes, *bank.routes, *cards.routes,
                  *payee_routes.routes]:  # fmt: skip
        op = route.operation  # type: ignore[attr-defined]
        template = (
            op.path.replace("/api/houses/{id:int}", "/api/houses/{house}")
            .replace("{schedule:int}", "{schedule}")
            .replace("{account:int}", "{account}")
            .replace("{refund:int}", "{refund}")
            .replace("{default:int}", "{default}")
            .replace("{line:int}", "{line}")
            .replace("{operation:int}", "{operation}")
            .replace("/api/invoices/{id:int}", "/api/invoices/{invoice}")
        )
        declared.add((op.method, template))
    assert declared == documented


async def test_a_buyer_sees_only_their_own_invoices(client: ApiClient) -> None:
    world = await build(client, "buyer")
    mine = (await client.get("/api/me/invoices")).json()["items"]
    assert {i["buyer_user_id"] for i in mine} == {world.buyer_id}
    assert len(mine) == 3  # two from H (one defaulted), one from the rival
    assert len((await client.get("/api/me/deposits")).json()["items"]) == 1
    client.http.cookies.clear()
    stranger = await make_user(client.app, "other")
    await _login(client, stranger.id)
    assert (await client.get("/api/me/invoices")).json()["items"] == []
    assert (await client.get("/api/me/deposits")).json()["items"] == []
    assert (await client.get("/api/me/settlement-notices")).json()["items"] == []
    foreign = await client.get(f"/api/invoices/{world.invoice.id}")
    missing = await client.get("/api/invoices/2147483647")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


async def test_a_house_sees_only_its_own_books(client: ApiClient) -> None:
    world = await build(client, "house_admin")
    listed = (await client.get(f"/api/houses/{world.house}/invoices")).json()["items"]
    assert {i["house_org_id"] for i in listed} == {world.house}
    rival_invoice = await Invoice.exclude(house_org_id=world.house).first()
    assert rival_invoice is not None
    r = await client.get(f"/api/invoices/{rival_invoice.id}")
    assert r.status_code == 404
    assert rival_invoice.number not in r.text
