"""Disputes over HTTP: opened within the window with evidence, answered, escalated to the association (whose staff
then see the case and rule on it), a price adjustment and an unwind through the ledger, the clocks paused while
open. The association's ruling in detail: test_association_ruling.py."""

from __future__ import annotations

import io

from PIL import Image

from marketplace.outbox.models import OutboxEvent
from marketplace.settlement.models import CreditNote, Invoice, Sale, Transfer
from tests.e2e.settlement.handover_world import TOTAL, build
from tests.support import ApiClient
from tests.support_images import JPEG, PNG


async def test_a_dispute_from_opening_to_unwind(client: ApiClient) -> None:
    w = await build(client)
    sale = w.sale.id
    await w.as_("buyer")
    before = await client.post(f"/api/sales/{sale}/disputes", json={"reason": "mileage", "description": "调表"})
    assert (before.status_code, before.json()["error"]["code"]) == (409, "not_handed_over")
    await w.pay()
    await w.hand_over()
    await w.as_("seller")
    assert (await client.post(f"/api/sales/{sale}/disputes", json={"reason": "mileage", "description": "x"})
            ).json()["error"]["code"] == "not_the_buyer"  # fmt: skip
    await w.as_("buyer")
    bad = await client.post(f"/api/sales/{sale}/disputes", json={"reason": "bored", "description": "x"})
    assert bad.status_code == 422
    r = await client.post(f"/api/sales/{sale}/disputes",
                          json={"reason": "mileage", "description": "表显 3 万公里，保养记录 9 万"})  # fmt: skip
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["status"], d["level"]) == ("open", "house")
    assert (await Sale.get(id=sale)).clocks_paused_since is not None
    dup = await client.post(f"/api/sales/{sale}/disputes", json={"reason": "flood", "description": "x"})
    assert dup.json()["error"]["code"] == "dispute_exists"
    e1 = await client.post(f"/api/disputes/{d['id']}/evidence", content=PNG, headers={"content-type": "image/png"})
    assert e1.status_code == 201, e1.text
    again = await client.post(f"/api/disputes/{d['id']}/evidence", content=PNG, headers={"content-type": "image/png"})
    assert again.json()["id"] == e1.json()["id"]  # the same photo once
    lie = await client.post(f"/api/disputes/{d['id']}/evidence", content=PNG, headers={"content-type": "image/jpeg"})
    assert lie.status_code == 422
    served = (await client.get(f"/api/disputes/{d['id']}/evidence/{e1.json()['id']}")).content
    assert served.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(served)).size == Image.open(io.BytesIO(PNG)).size

    await w.as_("house_admin")
    st = (await client.get(f"/api/sales/{sale}/payout")).json()
    assert "dispute_open" in st["waiting"]
    await w.as_("association")
    assert (await client.get(f"/api/disputes/{d['id']}")).status_code == 404  # not escalated: the house's own
    assert (await client.get("/api/association/disputes")).json()["items"] == []
    await w.as_("auctioneer")
    role = await client.post(f"/api/disputes/{d['id']}/answer", json={"answer": "rejected"})
    assert (role.status_code, role.json()["error"]["code"]) == (403, "insufficient_role")
    await w.as_("house_admin")
    no = await client.post(f"/api/disputes/{d['id']}/answer", json={"answer": "rejected", "note": "里程属实"})
    assert no.json()["status"] == "answered"
    assert (await Sale.get(id=sale)).clocks_paused_since is None

    await w.as_("buyer")
    up = await client.post(f"/api/disputes/{d['id']}/escalate", json={"note": "请协会调解"})
    assert (up.json()["level"], up.json()["status"]) == ("association", "open")
    assert (await Sale.get(id=sale)).clocks_paused_since is not None
    await w.as_("association")
    seen = await client.get(f"/api/disputes/{d['id']}")
    assert seen.status_code == 200
    assert [x["id"] for x in (await client.get("/api/association/disputes")).json()["items"]] == [d["id"]]
    assert (await client.post(f"/api/disputes/{d['id']}/answer", json={"answer": "rejected"})).status_code == 403

    await w.as_("house_admin")
    body = {"answer": "price_adjustment", "refund_fen": 1_000_000, "note": "调解：退 1 万元"}
    held = await client.post(f"/api/disputes/{d['id']}/answer", json=body)
    assert (held.status_code, held.json()["error"]["code"]) == (409, "dispute_with_association")
    await w.as_("association")  # the association mediates; its ruling is posted in the house's books
    adj = await client.post(
        f"/api/disputes/{d['id']}/ruling",
        json={"ruling": "price_adjustment", "refund_fen": 1_000_000, "note": "调解：退 1 万元"},
    )
    assert adj.status_code == 200, adj.text
    await w.as_("house_admin")
    assert adj.json()["refunded_fen"] == 1_000_000
    st = (await client.get(f"/api/sales/{sale}/payout")).json()
    assert st["figures"]["adjustments_fen"] == 1_000_000

    await w.as_("buyer")
    await client.post(f"/api/disputes/{d['id']}/escalate", json={"note": "不接受"})
    top = await client.post(f"/api/disputes/{d['id']}/escalate", json={})
    assert top.json()["error"]["code"] == "dispute_not_answered"
    await w.as_("house_admin")
    over = await client.post(f"/api/disputes/{d['id']}/answer",
                             json={"answer": "price_adjustment", "refund_fen": TOTAL})  # fmt: skip
    assert (over.status_code, over.json()["error"]["code"]) == (409, "refund_exceeds_paid")
    undo = await client.post(f"/api/disputes/{d['id']}/answer", json={"answer": "unwind", "note": "车辆已退回"})
    assert undo.status_code == 200, undo.text
    assert (undo.json()["level"], undo.json()["refunded_fen"]) == ("authorities", TOTAL)
    assert (await Invoice.get(id=w.invoice.id)).status == "void"
    assert await CreditNote.exists(invoice_id=w.invoice.id)
    assert (await Transfer.get(sale_id=sale)).status == "cancelled"
    sale_row = await Sale.get(id=sale)
    assert sale_row.unwound_at is not None
    assert sale_row.clocks_paused_since is None
    (event,) = await OutboxEvent.filter(topic="settlement.sale_cancelled")
    assert event.payload == {"source": "auction", "source_ref": 1, "sale_id": sale, "lot_id": 1,
                             "house_org_id": w.house, "reason": "unwound"}  # fmt: skip
    tb = (await client.get(f"/api/houses/{w.house}/trial-balance")).json()
    # The decisions owe the buyer everything back as credit; the bank holds the money until the staff transfer it.
    assert sorted((x["code"], x["debit_fen"], x["credit_fen"]) for x in tb["lines"]) == [
        ("bank_clearing", TOTAL, 0), ("buyer_credit", 0, TOTAL)]  # fmt: skip
    tasks = (await client.get(f"/api/houses/{w.house}/buyer-refunds", params={"status": "due"})).json()["items"]
    assert sorted((t["source"], t["amount_fen"]) for t in tasks) == [
        ("adjustment", 1_000_000), ("unwind", TOTAL - 1_000_000)]  # fmt: skip
    for n, task in enumerate(tasks):
        done = await client.post(f"/api/houses/{w.house}/buyer-refunds/{task['id']}/complete",
                                 json={"bank_reference": f"RF-{n}"})  # fmt: skip
        assert done.status_code == 201, done.text
    tb = (await client.get(f"/api/houses/{w.house}/trial-balance")).json()
    assert tb["lines"] == []  # everything the sale moved was moved back: refunded in full, by bank
    st = (await client.get(f"/api/sales/{sale}/payout")).json()
    assert st["waiting"] == ["sale_unwound"]
    pay = await client.post(f"/api/sales/{sale}/payout", json={"bank_reference": "X-1", "paid_on": "2026-12-09"})
    assert pay.json()["error"]["code"] == "payout_not_due"
    await w.as_("buyer")
    assert (await client.post(f"/api/disputes/{d['id']}/escalate", json={})).json()["error"]["code"] == "sale_unwound"
    hist = [step["action"] for step in (await client.get(f"/api/disputes/{d['id']}")).json()["history"]]
    assert hist == ["opened", "answered", "escalated", "ruled", "escalated", "answered"]


async def test_the_window_is_the_houses_and_closes(client: ApiClient) -> None:
    w = await build(client)
    await w.pay()
    await w.hand_over(days_ago=7.01)  # the default window is 7 days
    await w.as_("buyer")
    late = await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})
    assert (late.status_code, late.json()["error"]["code"]) == (409, "dispute_window_closed")
    await w.as_("auctioneer")
    assert (await client.put(f"/api/houses/{w.house}/dispute-policy", json={"window_days": 10})).status_code == 403
    await w.as_("house_admin")
    assert (await client.put(f"/api/houses/{w.house}/dispute-policy", json={"window_days": 0})).status_code == 422
    r = await client.put(f"/api/houses/{w.house}/dispute-policy", json={"window_days": 10})
    assert r.json() == {"house_org_id": w.house, "window_days": 10}
    await w.as_("buyer")
    ok = await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})
    assert ok.status_code == 201, ok.text


async def test_evidence_is_photos_of_an_open_dispute_only(client: ApiClient) -> None:
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    d = (await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "fire", "description": "火烧"})).json()
    pdf = await client.post(f"/api/disputes/{d['id']}/evidence", content=b"%PDF-1.7",
                            headers={"content-type": "application/pdf"})  # fmt: skip
    assert pdf.status_code == 415
    big = await client.post(f"/api/disputes/{d['id']}/evidence", content=JPEG * 40_000,
                            headers={"content-type": "image/jpeg"})  # fmt: skip
    assert big.status_code == 413
    await w.as_("stranger")
    hidden = await client.post(
        f"/api/disputes/{d['id']}/evidence", content=JPEG, headers={"content-type": "image/jpeg"}
    )
    missing = await client.post(
        "/api/disputes/2147483647/evidence", content=JPEG, headers={"content-type": "image/jpeg"}
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


async def test_the_buyer_finds_the_sales_dispute_and_others_do_not(client: ApiClient) -> None:
    """What the purchase page reads to show a dispute, its photos and whether it may go up a level."""
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    none = await client.get(f"/api/sales/{w.sale.id}/dispute")
    assert (none.status_code, none.json()["error"]["code"]) == (404, "dispute_not_found")
    d = (await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})).json()
    photo = await client.post(f"/api/disputes/{d['id']}/evidence", content=JPEG, headers={"content-type": "image/jpeg"})
    mine = await client.get(f"/api/sales/{w.sale.id}/dispute")
    assert mine.status_code == 200
    assert (mine.json()["id"], mine.json()["evidence"]) == (d["id"], [photo.json()["id"]])
    await w.as_("house_admin")
    assert (await client.get(f"/api/sales/{w.sale.id}/dispute")).json()["evidence"] == [photo.json()["id"]]
    assert (await client.post(f"/api/disputes/{d['id']}/answer", json={"answer": "rejected"})).is_success
    await w.as_("buyer")
    closed = await client.post(f"/api/disputes/{d['id']}/evidence", content=PNG, headers={"content-type": "image/png"})
    assert (closed.status_code, closed.json()["error"]["code"]) == (409, "dispute_not_open")
    for who in ("stranger", "rival_admin"):
        await w.as_(who)
        hidden = await client.get(f"/api/sales/{w.sale.id}/dispute")
        missing = await client.get("/api/sales/2147483647/dispute")
        assert hidden.status_code == missing.status_code == 404, who
        assert hidden.json() == missing.json()
        photo_url = f"/api/disputes/{d['id']}/evidence/{photo.json()['id']}"
        assert (await client.get(photo_url)).status_code == 404, who
