"""From a paid invoice to the consignor's payout and the finished 过户, over HTTP, with the jobs the relay runs.

The gate pass is issued by the job on the receipt's event; the yard's scan hands the vehicle over once; the payout
waits for the dispute window and is recorded once; the transfer goes documents → (blocked) → filed → proof →
confirmed, and its outcome reaches the outbox for the statistics. Reminders are recorded once and mailed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace.outbox.models import OutboxEvent
from marketplace.settlement.models import GatePass, LedgerTransaction, Payout, Sale, Transfer
from marketplace.settlement.services import transfers
from tests.e2e.settlement.handover_world import SELLER_NET, TOTAL, build, run_jobs
from tests.support import ApiClient, Mailbox
from tests.support_images import PNG


async def test_gate_pass_handover_and_the_payout_once(client: ApiClient) -> None:
    w = await build(client)
    sale = w.sale.id
    await w.as_("buyer")
    early = await client.get(f"/api/sales/{sale}/gate-pass")
    assert (early.status_code, early.json()["error"]["code"]) == (404, "gate_pass_not_issued")
    await w.pay(TOTAL - 1, "ICBC-PART")
    assert not await GatePass.exists(sale_id=sale)  # not paid in full yet
    await w.pay(1, "ICBC-REST")
    await w.as_("buyer")
    gp = (await client.get(f"/api/sales/{sale}/gate-pass")).json()
    assert (len(gp["pass_code"]), gp["handed_over_at"]) == (8, None)
    await w.as_("seller")  # the consignor never sees the code that releases the vehicle
    assert (await client.get(f"/api/sales/{sale}/gate-pass")).status_code == 404

    await w.as_("house_admin")
    st = (await client.get(f"/api/sales/{sale}/payout")).json()
    assert (st["state"], st["waiting"]) == ("waiting", ["not_handed_over"])
    assert st["figures"]["amount_fen"] == SELLER_NET

    # A wrong code, a malformed one and the right code at a rival house all read the same.
    await w.as_("auctioneer")
    wrong = await client.post(f"/api/houses/{w.house}/gate-passes/scan", json={"code": "ZZZZ-ZZZZ"})
    junk = await client.post(f"/api/houses/{w.house}/gate-passes/scan", json={"code": "'; drop table"})
    await w.as_("rival_admin")
    rival = await client.post(f"/api/houses/{w.rival}/gate-passes/scan", json={"code": gp["pass_code"]})
    assert wrong.status_code == junk.status_code == rival.status_code == 404
    assert wrong.json() == junk.json() == rival.json()
    await w.as_("auctioneer")
    typed = gp["pass_code"].lower()[:4] + " - " + gp["pass_code"].lower()[4:]
    first = await client.post(f"/api/houses/{w.house}/gate-passes/scan", json={"code": typed})
    assert first.status_code == 200, first.text
    again = await client.post(f"/api/houses/{w.house}/gate-passes/scan", json={"code": gp["pass_code"]})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "gate_pass_used")
    handed = await GatePass.get(sale_id=sale)
    assert handed.handed_over_by_user_id == w.users["auctioneer"].id

    body = {"bank_reference": "ICBC-OUT-1", "paid_on": "2026-12-09"}
    not_yet = await client.post(f"/api/sales/{sale}/payout", json=body)
    assert (not_yet.status_code, not_yet.json()["error"]["code"]) == (409, "payout_not_due")
    assert not_yet.json()["error"]["details"] == [{"waiting": ["dispute_window_open"]}]
    await GatePass.filter(sale_id=sale).update(handed_over_at=datetime.now(UTC) - timedelta(days=7, seconds=1))
    await w.as_("buyer")
    assert (await client.post(f"/api/sales/{sale}/payout", json=body)).status_code == 404  # not theirs to see
    await w.as_("auctioneer")
    paid = await client.post(f"/api/sales/{sale}/payout", json=body)
    assert paid.status_code == 201, paid.text
    p = paid.json()
    assert (p["state"], p["figures"]["amount_fen"], p["figures"]["commission_fen"]) == ("paid", SELLER_NET, 617_280)
    replay = await client.post(f"/api/sales/{sale}/payout", json=body)
    assert (replay.status_code, replay.json()["created"]) == (200, False)
    twice = await client.post(f"/api/sales/{sale}/payout", json={**body, "bank_reference": "ICBC-OUT-2"})
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "payout_exists")
    assert await Payout.filter(sale_id=sale).count() == 1
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="payout").count() == 1
    tb = (await client.get(f"/api/houses/{w.house}/trial-balance")).json()
    codes = {line["code"]: line for line in tb["lines"]}
    assert "seller_payable" not in codes  # paid out exactly
    assert codes["bank_clearing"]["debit_fen"] == TOTAL - SELLER_NET  # the house keeps the fees

    await w.as_("seller")
    statement = await client.get(f"/api/houses/{w.house}/sellers/{w.seller_org}/payout-statement")
    assert statement.status_code == 200, statement.text
    s = statement.json()
    (line,) = s["lines"]
    assert (line["state"], line["paid_fen"], line["bank_reference"]) == ("paid", SELLER_NET, "ICBC-OUT-1")
    assert (s["totals"][0]["paid_fen"], s["totals"][0]["outstanding_fen"]) == (SELLER_NET, 0)
    await w.as_("stranger")
    hidden = await client.get(f"/api/houses/{w.house}/sellers/{w.seller_org}/payout-statement")
    assert hidden.status_code == 404


async def test_the_transfer_from_documents_to_confirmed(client: ApiClient) -> None:
    w = await build(client)
    sale = w.sale.id
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    t = (await client.get(f"/api/sales/{sale}/transfer")).json()
    assert (t["status"], t["from_province"], t["from_city"]) == ("pending", "江苏", "南京")
    delivered = datetime.fromisoformat(t["delivered_at"]).date()
    assert (datetime.fromisoformat(t["deadline"]).date() - delivered).days >= 30
    not_house = await client.post(f"/api/sales/{sale}/transfer/documents", json={"documents": ["invoice"]})
    assert (not_house.status_code, not_house.json()["error"]["code"]) == (403, "not_house_staff")

    await w.as_("auctioneer")
    r = await client.post(f"/api/sales/{sale}/transfer/documents", json={"documents": ["driving_licence", "invoice"]})
    assert r.json()["status"] == "pending"  # the 登记证书 is still with the house
    r = await client.post(f"/api/sales/{sale}/transfer/documents", json={"documents": ["registration_certificate"]})
    assert r.json()["status"] == "documents_handed"
    r = await client.post(f"/api/sales/{sale}/transfer/blockers", json={"kind": "mortgage", "note": "银行抵押未解除"})
    assert r.status_code == 200, r.text
    await w.as_("buyer")
    blocked = await client.post(f"/api/sales/{sale}/transfer/filed")
    assert (blocked.status_code, blocked.json()["error"]["code"]) == (409, "transfer_blocked")
    early = await client.post(f"/api/sales/{sale}/transfer/proof", params={"province": "安徽", "city": "合肥",
                              "plate": "皖A12345"}, content=PNG, headers={"content-type": "image/png"})  # fmt: skip
    assert (early.status_code, early.json()["error"]["code"]) == (409, "transfer_not_filed")
    await w.as_("auctioneer")
    assert (await client.post(f"/api/sales/{sale}/transfer/blockers/1/clear")).status_code == 200
    assert (await client.post(f"/api/sales/{sale}/transfer/blockers/1/clear")).status_code == 404
    await w.as_("buyer")
    assert (await client.post(f"/api/sales/{sale}/transfer/filed")).json()["status"] == "filed"
    await w.as_("auctioneer")
    no_proof = await client.post(f"/api/sales/{sale}/transfer/confirm")
    assert (no_proof.status_code, no_proof.json()["error"]["code"]) == (409, "transfer_proof_missing")

    await w.as_("buyer")
    params = {"province": "安徽", "city": "合肥", "plate": "皖a12345"}
    fake = await client.post(f"/api/sales/{sale}/transfer/proof", params=params, content=b"MZ\x90\x00" * 8,
                             headers={"content-type": "image/png"})  # fmt: skip
    assert (fake.status_code, fake.json()["error"]["code"]) == (422, "invalid_file")
    exe = await client.post(f"/api/sales/{sale}/transfer/proof", params=params, content=PNG,
                            headers={"content-type": "application/x-msdownload"})  # fmt: skip
    assert exe.status_code == 415
    up = await client.post(f"/api/sales/{sale}/transfer/proof", params=params, content=PNG,
                           headers={"content-type": "image/png"})  # fmt: skip
    assert up.status_code == 200, up.text
    assert (up.json()["proof_uploaded"], up.json()["new_plate"]) == (True, "皖A12345")
    proof = await client.get(f"/api/sales/{sale}/transfer/proof")
    assert proof.content == PNG
    await w.as_("stranger")
    assert (await client.get(f"/api/sales/{sale}/transfer/proof")).status_code == 404
    await w.as_("auctioneer")
    done = await client.post(f"/api/sales/{sale}/transfer/confirm")
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["outcome"]) == ("done", "cross_province")
    (event,) = await OutboxEvent.filter(topic="settlement.transfer_recorded")
    assert event.payload == {"source": "auction", "source_ref": 1, "sale_id": sale, "lot_id": 1,
                             "house_org_id": w.house, "outcome": "cross_province", "province": "安徽",
                             "city": "合肥"}  # fmt: skip
    listed = (await client.get(f"/api/houses/{w.house}/transfers", params={"status": "done"})).json()["items"]
    assert [x["sale_id"] for x in listed] == [sale]


async def test_without_the_origin_the_house_records_it_before_confirming(client: ApiClient) -> None:
    w = await build(client, seller_province=None, seller_city=None)
    assert (await Sale.get(id=w.sale.id)).seller_province == ""
    await w.pay()
    await w.hand_over()
    await w.as_("auctioneer")
    docs = ["driving_licence", "registration_certificate", "invoice"]
    await client.post(f"/api/sales/{w.sale.id}/transfer/documents", json={"documents": docs})
    await client.post(f"/api/sales/{w.sale.id}/transfer/filed")
    await w.as_("buyer")
    await client.post(f"/api/sales/{w.sale.id}/transfer/proof", params={"province": "江苏", "city": "南京",
                      "plate": "苏A00001"}, content=PNG, headers={"content-type": "image/png"})  # fmt: skip
    await w.as_("auctioneer")
    unknown = await client.post(f"/api/sales/{w.sale.id}/transfer/confirm")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (409, "transfer_origin_unknown")
    await client.post(f"/api/sales/{w.sale.id}/transfer/documents",
                      json={"documents": ["invoice"], "from_province": "江苏", "from_city": "南京"})  # fmt: skip
    done = await client.post(f"/api/sales/{w.sale.id}/transfer/confirm")
    assert done.json()["outcome"] == "none"  # re-registered in the selling city: no 转籍


async def test_reminders_are_recorded_once_and_mailed(client: ApiClient, mailbox: Mailbox) -> None:
    w = await build(client)
    await w.pay()
    await w.hand_over()
    t = await Transfer.get(sale_id=w.sale.id)
    ten_left = datetime.combine(t.deadline - timedelta(days=10), datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)
    assert await transfers.remind_due(ten_left - timedelta(days=1)) == 0
    assert await transfers.remind_due(ten_left) == 1
    assert await transfers.remind_due(ten_left + timedelta(hours=1)) == 0  # once
    late = ten_left + timedelta(days=15)  # overdue; the 3-days and last-day reminders were missed
    assert await transfers.remind_due(late) == 1
    assert await transfers.remind_due(late + timedelta(days=3)) == 0
    assert sorted((await Transfer.get(id=t.id)).reminders) == ["days_left_10", "days_left_3", "last_day", "overdue"]
    await run_jobs(client, "settlement.notice")
    await run_jobs(client, "settlement.notice")  # a second run writes the same messages
    mails = mailbox.messages()
    assert len(mails) == 2
    assert {m["To"] for m in mails} == {w.users["buyer"].email}
    assert t.deadline.isoformat() in mailbox.body(mails[0])
    # In the app as well: the buyer's notices, in both languages.
    await w.as_("buyer")
    told = (await client.get("/api/me/settlement-notices")).json()["items"]
    assert [n["kind"] for n in told] == ["transfer_overdue", "transfer_10_days"]
    assert told[0]["body_zh"] == f"您购买的车辆应在 {t.deadline.isoformat()} 前申请转让登记（过户），已经逾期。"
    assert "10 days are left" in told[1]["body_en"]
    await w.as_("seller")
    assert (await client.get("/api/me/settlement-notices")).json()["items"] == []
