"""The association's mediation (调解) over HTTP: its staff rule on a case escalated to them, the ruling is posted in
the house's books exactly as the house's own answer would be, once, the buyer and the house's staff are told, and
the buyer may still go to the authorities. Nobody else rules, and nobody learns a case exists by trying."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from marketplace.accounts.auth import principal_for_user
from marketplace.outbox.models import OutboxEvent
from marketplace.settlement.domain.handover import Answer
from marketplace.settlement.models import Dispute, LedgerAccount, LedgerEntry, LedgerTransaction, Notice, Sale
from marketplace.settlement.services import mediation
from tests.e2e.settlement.handover_world import TOTAL, World, build
from tests.support import ApiClient

REFUND = 1_000_000


async def escalated(client: ApiClient, lot: int = 1) -> tuple[World, int]:
    """A paid, handed-over sale whose dispute the house rejected and the buyer took to the association."""
    w = await build(client, lot=lot)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    r = await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "mileage", "description": "调表"})
    d = r.json()["id"]
    await w.as_("house_admin")
    assert (await client.post(f"/api/disputes/{d}/answer", json={"answer": "rejected", "note": "里程属实"})).is_success
    await w.as_("buyer")
    up = await client.post(f"/api/disputes/{d}/escalate", json={"note": "请协会调解"})
    assert up.json()["level"] == "association"
    return w, d


async def legs(w: World, kind: str) -> list[tuple[str, str, int]]:
    """The legs of the house's one posting of `kind`, parties named by their role in the world (not their ids)."""
    (tx,) = await LedgerTransaction.filter(house_org_id=w.house, kind=kind)
    names = {f"org:{w.seller_org}": "seller", f"user:{w.users['buyer'].id}": "buyer", "": ""}
    out = []
    for e in await LedgerEntry.filter(transaction_id=tx.id):
        acc = await LedgerAccount.get(id=e.account_id)
        out.append((acc.code, names[acc.party], e.amount_fen))
    return sorted(out)


async def balances(client: ApiClient, w: World) -> list[tuple[str, int, int]]:
    await w.as_("house_admin")
    tb = (await client.get(f"/api/houses/{w.house}/trial-balance")).json()
    assert tb["balanced"]
    return sorted((x["code"], x["debit_fen"], x["credit_fen"]) for x in tb["lines"])


@pytest.mark.parametrize(("ruling", "refund"), [("price_adjustment", REFUND), ("unwind", None)])
async def test_a_ruling_moves_the_money_the_houses_answer_would(client: ApiClient, ruling: str,
                                                                refund: int | None) -> None:  # fmt: skip
    body: dict[str, Any] = {"note": "调解结论", **({"refund_fen": refund} if refund else {})}
    house_way = await build(client, lot=1)
    await house_way.pay()
    await house_way.hand_over()
    await house_way.as_("buyer")
    r = await client.post(f"/api/sales/{house_way.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})
    await house_way.as_("house_admin")
    answered = await client.post(f"/api/disputes/{r.json()['id']}/answer", json={"answer": ruling, **body})
    assert answered.status_code == 200, answered.text

    w, d = await escalated(client, lot=2)
    await w.as_("association")
    ruled = await client.post(f"/api/disputes/{d}/ruling", json={"ruling": ruling, **body})
    assert ruled.status_code == 200, ruled.text
    out = ruled.json()
    assert (out["status"], out["level"], out["answer"]) == ("answered", "association", ruling)
    assert out["refunded_fen"] == answered.json()["refunded_fen"] == (refund or TOTAL)
    assert out["ruling"]["ruling"] == ruling
    assert out["ruling"]["refund_fen"] == (refund or TOTAL)
    step = out["history"][-1]
    assert (step["action"], step["level"], step["by"]) == ("ruled", "association", w.users["association"].id)

    kind = "price_adjustment" if ruling == "price_adjustment" else "sale_unwound"
    mine, theirs = await legs(w, kind), await legs(house_way, kind)
    assert mine == theirs
    assert sum(fen for *_, fen in mine) == 0
    assert await balances(client, w) == await balances(client, house_way)
    assert (await Sale.get(id=w.sale.id)).clocks_paused_since is None
    assert await OutboxEvent.filter(topic="settlement.dispute_ruled").count() == 1


async def test_a_ruling_sent_twice_posts_once_and_a_different_one_is_refused(client: ApiClient) -> None:
    w, d = await escalated(client)
    await w.as_("association")
    body = {"ruling": "price_adjustment", "refund_fen": REFUND, "note": "退 1 万元"}
    first = await client.post(f"/api/disputes/{d}/ruling", json=body)
    again = await client.post(f"/api/disputes/{d}/ruling", json=body)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="price_adjustment").count() == 1
    (tx,) = await LedgerTransaction.filter(house_org_id=w.house, kind="price_adjustment")
    assert tx.business_key == f"dispute:{d}:ruling:association"
    other = await client.post(f"/api/disputes/{d}/ruling", json={**body, "refund_fen": REFUND + 1})
    assert (other.status_code, other.json()["error"]["code"]) == (409, "dispute_not_open")
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="price_adjustment").count() == 1
    assert [s["action"] for s in again.json()["history"]].count("ruled") == 1


async def test_the_house_does_not_answer_a_case_with_the_association(client: ApiClient) -> None:
    w, d = await escalated(client)
    await w.as_("house_admin")
    r = await client.post(f"/api/disputes/{d}/answer", json={"answer": "price_adjustment", "refund_fen": REFUND})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "dispute_with_association")
    assert not await LedgerTransaction.filter(house_org_id=w.house, kind="price_adjustment").exists()
    await w.as_("association")
    assert (await client.post(f"/api/disputes/{d}/ruling", json={"ruling": "rejected"})).status_code == 200
    await w.as_("house_admin")
    late = await client.post(f"/api/disputes/{d}/answer", json={"answer": "rejected"})
    assert (late.status_code, late.json()["error"]["code"]) == (409, "dispute_with_association")


async def test_only_the_association_rules_and_only_on_its_cases(client: ApiClient) -> None:
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    d = (await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "fire", "description": "火烧"})).json()
    body = {"ruling": "unwind", "note": "x"}
    await w.as_("association")
    at_house = await client.post(f"/api/disputes/{d['id']}/ruling", json=body)
    missing = await client.post("/api/disputes/2147483647/ruling", json=body)
    assert at_house.status_code == missing.status_code == 404  # still the house's: not on the association's docket
    assert at_house.json() == missing.json()

    w, d2 = await escalated(client, lot=2)
    for who in ("buyer", "seller", "auctioneer", "house_admin", "rival_admin", "platform", "stranger"):
        await w.as_(who)
        r = await client.post(f"/api/disputes/{d2}/ruling", json=body)
        gone = await client.post("/api/disputes/2147483647/ruling", json=body)
        assert (r.status_code, r.json()) == (404, gone.json()), who
    assert not await LedgerTransaction.filter(house_org_id=w.house, kind="sale_unwound").exists()

    # After the ruling the buyer goes to the authorities; the case has left the association, which rules no more.
    await w.as_("association")
    assert (await client.post(f"/api/disputes/{d2}/ruling", json={"ruling": "rejected", "note": "不支持"})).is_success
    await w.as_("buyer")
    up = await client.post(f"/api/disputes/{d2}/escalate", json={"note": "向市场监管部门投诉"})
    assert (up.json()["level"], up.json()["status"]) == ("authorities", "open")
    await w.as_("association")
    left = await client.post(f"/api/disputes/{d2}/ruling", json={"ruling": "unwind"})
    assert (left.status_code, left.json()["error"]["code"]) == (409, "dispute_not_with_association")
    assert (await client.get(f"/api/disputes/{d2}")).json()["ruling"]["ruling"] == "rejected"
    hist = [(s["action"], s["level"]) for s in (await client.get(f"/api/disputes/{d2}")).json()["history"]]
    assert hist == [("opened", "house"), ("answered", "house"), ("escalated", "association"),
                    ("ruled", "association"), ("escalated", "authorities")]  # fmt: skip


async def test_the_buyer_and_the_houses_staff_are_told_of_the_ruling_once(client: ApiClient) -> None:
    w, d = await escalated(client)
    await w.as_("association")
    body = {"ruling": "price_adjustment", "refund_fen": REFUND, "note": "双方接受"}
    assert (await client.post(f"/api/disputes/{d}/ruling", json=body)).is_success
    assert (await client.post(f"/api/disputes/{d}/ruling", json=body)).is_success
    told = sorted(await Notice.filter(kind="ruling_adjustment").values_list("user_id", flat=True))
    staff = [w.users["auctioneer"].id, w.users["house_admin"].id]
    assert told == sorted([w.users["buyer"].id, *staff])
    await w.as_("buyer")
    (mine,) = (await client.get("/api/me/settlement-notices")).json()["items"]
    assert (mine["kind"], mine["data"]["refund"], mine["data"]["dispute_id"]) == ("ruling_adjustment", "10,000.00", d)
    assert mine["body_zh"] == f"行业协会对争议 {d} 号的调解结果：调整价格，拍卖企业退还买方 10,000.00 元。双方接受"
    assert mine["body_en"].startswith(f"The trade association ruled on dispute no. {d}: a price adjustment")
    assert (mine["subject_zh"], mine["subject_en"]) == ("协会调解结果", "The association's ruling")
    for who in ("seller", "rival_admin", "association"):
        await w.as_(who)
        assert (await client.get("/api/me/settlement-notices")).json()["items"] == [], who


async def test_two_identical_rulings_at_once_post_once(client: ApiClient) -> None:
    """A double click: both requests race (on PostgreSQL, truly at once); one posts, the other finds it ruled."""
    w, d = await escalated(client)
    member = await principal_for_user(w.users["association"])
    at = datetime.now(UTC)
    results = await asyncio.gather(
        *[mediation.rule(member, d, Answer.PRICE_ADJUSTMENT, "退 1 万元", REFUND, at) for _ in range(2)],
        return_exceptions=True,
    )
    assert [getattr(r, "status", r) for r in results] == ["answered", "answered"]
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="price_adjustment").count() == 1
    assert (await Dispute.get(id=d)).refunded_fen == REFUND


async def test_a_case_not_escalated_answers_the_association_exactly_as_a_missing_one(client: ApiClient) -> None:
    """Every door an association's analyst could try on a case still the house's (the case, its photo, a ruling)
    answers as an unknown id does, byte for byte; once escalated, the same requests see the case."""
    from tests.e2e.settlement.test_attack_disputes import png

    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    d = (await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "fire", "description": "火烧"})).json()
    photo = await client.post(f"/api/disputes/{d['id']}/evidence", content=png(), headers={"content-type": "image/png"})
    assert photo.status_code == 201, photo.text
    doors = [("GET", "/api/disputes/{}", None), ("GET", f"/api/disputes/{{}}/evidence/{photo.json()['id']}", None),
             ("POST", "/api/disputes/{}/ruling", {"ruling": "rejected", "note": "x"})]  # fmt: skip
    await w.as_("association")
    for method, path, body in doors:
        seen = await client.request(method, path.format(d["id"]), json=body)
        gone = await client.request(method, path.format(2147483647), json=body)
        assert (seen.status_code, seen.content) == (gone.status_code, gone.content) == (404, gone.content), path
        assert gone.json()["error"]["code"] == "dispute_not_found"
    assert d["id"] not in [x["id"] for x in (await client.get("/api/association/disputes")).json()["items"]]
    await Dispute.filter(id=d["id"]).update(level="association")
    for method, path, _ in doors[:2]:
        assert (await client.request(method, path.format(d["id"]))).status_code == 200, path
