"""The handover's permissions matrix: every gate-pass, payout, transfer and dispute endpoint × every kind of caller.

House H has four sales to one buyer from one consignor (the `seller`'s dealer): A was handed over 8 days ago (its
payout is due; its transfer has the documents and an open blocker), B was handed over now and has an open dispute
with one photo, C is paid and waits at the yard, D was handed over now with no dispute. R is a rival house, and an
association's analyst sees nothing until a case is escalated. Each cell checks the status and error code, that a
refused request or a read changed nothing, that an allowed write had its effect, and that nobody but the buyer and
the house ever receives a gate pass code. The world is built again after each write that changed it.
`test_matrix_covers_every_route` fails when an endpoint of these modules lacks its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from marketplace.accounts import sessions
from marketplace.accounts.auth import principal_for_user
from marketplace.settlement.domain.handover import Blocker, Reason
from marketplace.settlement.models import (
    Dispute,
    DisputeEvidence,
    DisputePolicy,
    GatePass,
    Invoice,
    LedgerEntry,
    Payout,
    Sale,
    Transfer,
)
from marketplace.settlement.routes import disputes as dispute_routes
from marketplace.settlement.routes import payouts as payout_routes
from marketplace.settlement.routes import transfers as transfer_routes
from marketplace.settlement.services import disputes, handover, invoices, sales, transfers
from marketplace.web.endpoint import UNSAFE_METHODS
from tests.e2e.settlement.handover_world import TOTAL, sold_event
from tests.e2e.settlement.test_settlement_permissions import _login
from tests.support import ApiClient, make_member, make_org, make_platform_admin, make_user
from tests.support_images import JPEG, PNG

CALLERS = ("anonymous", "buyer", "seller", "stranger", "auctioneer", "house_admin", "rival_admin", "association",
           "platform", "read_token")  # fmt: skip


@dataclass(frozen=True)
class W:
    status: int
    code: str | None = None


OK, NEW = W(200), W(201)
UNAUTH, SCOPE, NF = W(401, "unauthenticated"), W(403, "insufficient_scope"), W(404)
ROLE, STAFF, BUYER_ONLY = W(403, "insufficient_role"), W(403, "not_house_staff"), W(403, "not_the_buyer")
NO_SALE = W(404, "sale_not_found")


def row(*cells: W) -> dict[str, W]:
    return dict(zip(CALLERS, cells, strict=True))


#           anon    buyer  seller  stranger auction  hadmin  rival  assoc  platform token
SALE_READ = row(UNAUTH, OK, OK, NF, OK, OK, NF, NF, OK, OK)
BOOKS_READ = row(UNAUTH, NF, NF, NF, OK, OK, NF, NF, OK, OK)
HOUSE_STEP = row(UNAUTH, STAFF, STAFF, NF, OK, OK, NF, NF, STAFF, SCOPE)
BUYER_STEP = row(UNAUTH, NEW, BUYER_ONLY, NF, BUYER_ONLY, BUYER_ONLY, NF, NF, BUYER_ONLY, SCOPE)
MATRIX: list[tuple[str, str, str, dict[str, W]]] = [
    ("GET", "/api/sales/{a}/payout", "", row(UNAUTH, NO_SALE, OK, NF, OK, OK, NF, NF, OK, OK)),
    ("POST", "/api/sales/{a}/payout", "payout", row(UNAUTH, NO_SALE, NO_SALE, NF, NEW, NEW, NF, NF, STAFF, SCOPE)),
    (
        "GET",
        "/api/houses/{house}/sellers/{seller}/payout-statement",
        "",
        row(UNAUTH, NF, OK, NF, OK, OK, NF, NF, OK, OK),
    ),  # fmt: skip
    (
        "GET",
        "/api/houses/{house}/sellers/{seller}/payout-statement.pdf",
        "",
        row(UNAUTH, NF, OK, NF, OK, OK, NF, NF, OK, OK),
    ),  # fmt: skip
    ("GET", "/api/sales/{a}/payout-statement.pdf", "", row(UNAUTH, NO_SALE, OK, NF, OK, OK, NF, NF, OK, OK)),
    ("GET", "/api/houses/{house}/payouts", "", BOOKS_READ),
    ("GET", "/api/sales/{a}/gate-pass", "", row(UNAUTH, OK, NO_SALE, NF, OK, OK, NF, NF, OK, OK)),
    ("GET", "/api/sales/{a}/gate-pass.pdf", "", row(UNAUTH, OK, NO_SALE, NF, OK, OK, NF, NF, OK, OK)),
    ("POST", "/api/houses/{house}/gate-passes/scan", "scan", row(UNAUTH, NF, NF, NF, OK, OK, NF, NF, NF, SCOPE)),
    ("GET", "/api/sales/{a}/transfer", "", SALE_READ),
    ("POST", "/api/sales/{a}/transfer/documents", "documents", HOUSE_STEP),
    ("POST", "/api/sales/{a}/transfer/blockers", "blocker", HOUSE_STEP),
    ("POST", "/api/sales/{a}/transfer/blockers/1/clear", "", HOUSE_STEP),
    (
        "POST",
        "/api/sales/{a}/transfer/filed",
        "",
        row(
            UNAUTH,
            W(409, "transfer_blocked"),
            STAFF,
            NF,
            W(409, "transfer_blocked"),
            W(409, "transfer_blocked"),
            NF,
            NF,
            STAFF,
            SCOPE,
        ),
    ),  # fmt: skip
    (
        "POST",
        "/api/sales/{a}/transfer/proof?province=安徽&city=合肥&plate=皖A12345",
        "png",
        row(
            UNAUTH,
            W(409, "transfer_not_filed"),
            W(403, "not_the_buyer"),
            NF,
            W(403, "not_the_buyer"),
            W(403, "not_the_buyer"),
            NF,
            NF,
            W(403, "not_the_buyer"),
            SCOPE,
        ),
    ),  # fmt: skip
    (
        "GET",
        "/api/sales/{a}/transfer/proof",
        "",
        row(
            UNAUTH,
            *[W(404, "transfer_proof_not_found")] * 2,
            NO_SALE,
            *[W(404, "transfer_proof_not_found")] * 2,
            NO_SALE,
            NO_SALE,
            *[W(404, "transfer_proof_not_found")] * 2,
        ),
    ),  # fmt: skip
    (
        "POST",
        "/api/sales/{a}/transfer/confirm",
        "",
        row(
            UNAUTH,
            STAFF,
            STAFF,
            NF,
            W(409, "transfer_proof_missing"),
            W(409, "transfer_proof_missing"),
            NF,
            NF,
            STAFF,
            SCOPE,
        ),
    ),  # fmt: skip
    ("GET", "/api/houses/{house}/transfers", "", BOOKS_READ),
    ("POST", "/api/sales/{d}/disputes", "dispute", BUYER_STEP),
    ("GET", "/api/disputes/{dispute}", "", SALE_READ),
    ("GET", "/api/sales/{b}/dispute", "", SALE_READ),
    ("POST", "/api/disputes/{dispute}/evidence", "jpeg", BUYER_STEP),
    ("GET", "/api/disputes/{dispute}/evidence/{photo}", "", SALE_READ),
    ("POST", "/api/disputes/{dispute}/answer", "answer", row(UNAUTH, ROLE, ROLE, NF, ROLE, OK, NF, NF, ROLE, SCOPE)),
    (
        "POST",
        "/api/disputes/{dispute}/escalate",
        "escalate",
        row(UNAUTH, W(409, "dispute_not_answered"), BUYER_ONLY, NF, BUYER_ONLY, BUYER_ONLY, NF, NF, BUYER_ONLY, SCOPE),
    ),  # fmt: skip
    ("GET", "/api/houses/{house}/disputes", "", BOOKS_READ),
    ("GET", "/api/association/disputes", "", row(UNAUTH, NF, NF, NF, NF, NF, NF, OK, OK, NF)),
    ("PUT", "/api/houses/{house}/dispute-policy", "policy", row(UNAUTH, NF, NF, NF, ROLE, OK, NF, NF, ROLE, SCOPE)),
]


@dataclass
class World:
    house: int
    seller: int
    sales: dict[str, Sale]
    codes: list[str]
    scan_code: str
    dispute: int
    photo: int


async def build(client: ApiClient, caller: str) -> World:
    from tortoise.contrib.test import truncate_all_models

    await truncate_all_models()
    client.bearer = None
    client.http.cookies.clear()
    app = client.app
    house, rival = await make_org("auction_house"), await make_org("auction_house")
    seller, association = await make_org("dealer"), await make_org("association")
    users = {
        "auctioneer": (await make_member(app, house, ["auctioneer"], "auc")).user,
        "house_admin": (await make_member(app, house, ["house_admin"], "hadm")).user,
        "rival_admin": (await make_member(app, rival, ["house_admin"], "radm")).user,
        "seller": (await make_member(app, seller, ["dealer_admin"], "sell")).user,
        "association": (await make_member(app, association, ["analyst"], "assoc")).user,
        "platform": (await make_platform_admin(app)).user,
        "buyer": await make_user(app, "buyer"),
        "stranger": await make_user(app, "stranger"),
    }
    staff = await principal_for_user(users["auctioneer"])
    buyer = await principal_for_user(users["buyer"])
    now = datetime.now(UTC)
    made: dict[str, Sale] = {}
    for lot, name in enumerate("abcd", start=1):
        await sales.consume(sold_event(house.id, seller.id, users["buyer"].id, lot, seller_province="江苏",
                                       seller_city="南京"))  # fmt: skip
        sale = await Sale.get(house_org_id=house.id, lot_id=lot)
        invoice = await Invoice.get(sale_id=sale.id)
        await invoices.record_receipt(staff, house.id, invoice.id, f"PAY-{lot}", TOTAL, date(2026, 12, 1), now)
        gate = await handover.issue_if_paid(invoice.id, now)
        assert gate is not None
        if name != "c":
            await handover.scan(staff, house.id, gate.pass_code, now)
        made[name] = sale
    await GatePass.filter(sale_id=made["a"].id).update(handed_over_at=now - timedelta(days=8))
    docs = ["driving_licence", "registration_certificate", "invoice"]
    await transfers.record_documents(staff, made["a"].id, docs, None, None, now)
    await transfers.add_blocker(staff, made["a"].id, Blocker.PENDING_VIOLATION, "未处理违章 2 条", now)
    d = await disputes.open_dispute(buyer, made["b"].id, Reason.UNDISCLOSED_DAMAGE, "车况报告未披露的底盘损伤", now)
    photo = await disputes.add_evidence(app.state.services.files, buyer, d.id, PNG, "image/png", 10_000)
    codes = [g.pass_code for g in await GatePass.all()]
    if caller == "read_token":
        _, raw = await sessions.create_token(users["house_admin"].id, "read", ["read"], "127.0.0.1")
        client.bearer = raw
    elif caller != "anonymous":
        await _login(client, users[caller].id)
    scan_code = (await GatePass.get(sale_id=made["c"].id)).pass_code
    return World(house.id, seller.id, made, codes, scan_code, d.id, photo.id)


async def snapshot() -> dict[str, Any]:
    return {
        "payouts": await Payout.all().count(),
        "gates": sorted(await GatePass.all().values_list("id", "handed_over_at")),
        "transfers": sorted(await Transfer.all().values_list("id", "version")),
        "disputes": sorted(await Dispute.all().values_list("id", "version")),
        "evidence": await DisputeEvidence.all().count(),
        "policies": sorted(await DisputePolicy.all().values_list("house_org_id", "window_days")),
        "entries": await LedgerEntry.all().count(),
    }


def body_for(kind: str, world: World) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "payout": {"json": {"bank_reference": "ICBC-OUT-1", "paid_on": "2026-12-09"}},
        "scan": {"json": {"code": world.scan_code}},  # sale C's: paid, waiting at the yard
        "documents": {"json": {"documents": ["invoice"], "from_city": "南京"}},
        "blocker": {"json": {"kind": "mortgage", "note": "银行抵押"}},
        "png": {"content": PNG, "headers": {"content-type": "image/png"}},
        "jpeg": {"content": JPEG, "headers": {"content-type": "image/jpeg"}},
        "dispute": {"json": {"reason": "flood", "description": "泡水痕迹"}},
        "answer": {"json": {"answer": "rejected", "note": "车况报告已披露"}},
        "escalate": {"json": {"note": "申请协会调解"}},
        "policy": {"json": {"window_days": 10}},
    }
    return bodies.get(kind, {})


async def check_cell(client: ApiClient, world: World, caller: str, method: str, path: str, body: str,
                     want: W) -> tuple[str, bool]:  # fmt: skip
    s = world.sales
    url = path.format(house=world.house, seller=world.seller, a=s["a"].id, b=s["b"].id, d=s["d"].id,
                      dispute=world.dispute, photo=world.photo)  # fmt: skip
    before = await snapshot()
    r = await client.request(method, url, **body_for(body, world))
    cell = f"{method} {path}:{caller}"
    after = await snapshot()
    changed = after != before
    if r.status_code != want.status:
        return f"{cell}: {r.status_code} (want {want.status}) {r.text[:200]}", changed
    if want.code and r.json()["error"]["code"] != want.code:
        return f"{cell}: code {r.json()['error']['code']} (want {want.code})", changed
    if (r.status_code >= 400 or method not in UNSAFE_METHODS) and changed:
        return f"{cell}: a refused request or a read changed something", changed
    if r.status_code < 400 and method in UNSAFE_METHODS and not changed:
        return f"{cell}: an allowed write had no effect", changed
    if caller not in ("buyer", "auctioneer", "house_admin", "platform", "read_token") and any(
        code in r.text for code in world.codes
    ):
        return f"{cell}: a gate pass code leaked", changed
    if r.status_code == 404 and "/houses/" in path:
        missing = await client.request(method, url.replace(f"/{world.house}/", "/2147483647/"), **body_for(body, world))
        if missing.json() != r.json():
            return f"{cell}: a foreign house's 404 differs from a missing one's", changed
    return "", changed


@pytest.mark.parametrize("caller", CALLERS)
async def test_matrix(client: ApiClient, caller: str) -> None:
    """Every endpoint for one caller; all mismatches are listed."""
    await client.app.state.services.relay.stop()
    problems = []
    world = await build(client, caller)
    for method, path, body, want in MATRIX:
        problem, changed = await check_cell(client, world, caller, method, path, body, want[caller])
        if problem:
            problems.append(problem)
        if changed:
            world = await build(client, caller)
    assert problems == []


def test_matrix_covers_every_route() -> None:
    documented = {(m, p.split("?")[0]) for m, p, *_ in MATRIX}
    declared = set()
    for route in [*payout_routes.routes, *transfer_routes.routes, *dispute_routes.routes]:
        op = route.operation  # type: ignore[attr-defined]
        template = (
            op.path.replace("/api/houses/{id:int}", "/api/houses/{house}")
            .replace("/api/disputes/{id:int}", "/api/disputes/{dispute}")
            .replace("{seller:int}", "{seller}")
            .replace("{photo:int}", "{photo}")
            .replace("blockers/{n:int}", "blockers/1")
        )
        declared.add((op.method, template))
    sale = "/api/sales/{id:int}"
    documented = {
        (m, p.replace("/api/sales/{a}", sale).replace("/api/sales/{b}", sale).replace("/api/sales/{d}", sale))
        for m, p in documented
    }
    assert declared == documented


async def test_the_association_sees_a_case_once_escalated(client: ApiClient) -> None:
    world = await build(client, "association")
    r = await client.get(f"/api/disputes/{world.dispute}")
    assert r.status_code == 404
    await Dispute.filter(id=world.dispute).update(level="association")
    seen = await client.get(f"/api/disputes/{world.dispute}")
    assert seen.status_code == 200
    assert [d["id"] for d in (await client.get("/api/association/disputes")).json()["items"]] == [world.dispute]
    # It sees the dispute, not the sale's money or its gate pass.
    assert (await client.get(f"/api/sales/{world.sales['b'].id}/payout")).status_code == 404
    assert (await client.get(f"/api/sales/{world.sales['b'].id}/gate-pass")).status_code == 404
