"""The handover's PDFs over HTTP, read back with pypdf: the gate pass (buyer and house, once the invoice is paid)
and the consignor's payout statement of a sale (house and seller; its figures before and after the payout)."""

from __future__ import annotations

from marketplace.settlement.models import GatePass
from tests.e2e.settlement.handover_world import HAMMER, SELLER_NET, build
from tests.support import ApiClient
from tests.unit.documents.samples import flat, squash


async def test_gate_pass_pdf_for_the_buyer_and_the_house_once_paid(client: ApiClient) -> None:
    w = await build(client)
    url = f"/api/sales/{w.sale.id}/gate-pass.pdf"
    await w.as_("buyer")
    r = await client.get(url)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "gate_pass_not_issued"  # unpaid: no pass yet
    await w.pay()
    code = (await GatePass.get(sale_id=w.sale.id)).pass_code
    for who in ("buyer", "auctioneer"):
        await w.as_(who)
        r = await client.get(url)
        assert r.status_code == 200, r.text[:200]
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"] == f'attachment; filename="gate-pass-GP-{w.invoice.number}.pdf"'
        text = flat(r.content)
        for needle in ("车辆出门证", f"GP-{w.invoice.number}", code, w.invoice.number, "提车出门前有效"):
            assert squash(needle) in text, (who, needle)
    for who in ("seller", "stranger", "rival_admin"):  # the code releases the vehicle: nobody else sees it
        await w.as_(who)
        r = await client.get(url)
        assert r.status_code == 404, who
        assert r.json()["error"]["code"] == "sale_not_found"
        assert code not in r.text
    missing = await client.get("/api/sales/2147483647/gate-pass.pdf")
    assert missing.json() == r.json()


async def test_payout_statement_pdf_for_the_house_and_the_seller(client: ApiClient) -> None:
    w = await build(client)
    url = f"/api/sales/{w.sale.id}/payout-statement.pdf"
    await w.pay()
    await w.hand_over(days_ago=8)  # past the dispute window: the payout is due
    await w.as_("seller")
    r = await client.get(url)
    assert r.status_code == 200, r.text[:200]
    assert r.headers["content-type"] == "application/pdf"
    text = flat(r.content)
    # hammer 123,456.00 − seller commission 5 % 6,172.80 = 117,283.20 (SELLER_NET), not paid yet.
    assert (HAMMER, SELLER_NET) == (12_345_600, 11_728_320)
    for needle in ("¥123,456.00", "-¥6,172.80", "¥117,283.20", "待付", w.invoice.number):
        assert squash(needle) in text, needle

    await w.as_("auctioneer")
    r = await client.post(
        f"/api/sales/{w.sale.id}/payout", json={"bank_reference": "ICBC-OUT-7", "paid_on": "2026-12-09"}
    )
    assert r.status_code == 201, r.text
    r = await client.get(url + "?bilingual=true")
    assert r.status_code == 200
    text = flat(r.content)
    for needle in ("¥117,283.20", "ICBC-OUT-7", "2026年12月09日", "Netpayabletotheconsignor"):
        assert squash(needle) in text, needle

    for who in ("buyer", "stranger", "rival_admin"):  # a buyer is not told what the consignor nets
        await w.as_(who)
        r = await client.get(url)
        assert r.status_code == 404, who
        assert r.json()["error"]["code"] == "sale_not_found"
    missing = await client.get("/api/sales/2147483647/payout-statement.pdf")
    assert missing.json() == r.json()


async def test_seller_statement_pdf_lists_every_sale_for_the_house_and_the_seller(client: ApiClient) -> None:
    w = await build(client)
    url = f"/api/houses/{w.house}/sellers/{w.seller_org}/payout-statement.pdf"
    await w.pay()
    await w.hand_over(days_ago=8)
    await w.as_("auctioneer")
    r = await client.post(
        f"/api/sales/{w.sale.id}/payout", json={"bank_reference": "ICBC-OUT-9", "paid_on": "2026-12-09"}
    )
    assert r.status_code == 201, r.text
    for who in ("auctioneer", "seller"):
        await w.as_(who)
        r = await client.get(url)
        assert r.status_code == 200, r.text[:200]
        assert r.headers["content-type"] == "application/pdf"
        text = flat(r.content)
        # one sale: hammer 123,456.00, deductions 6,172.80, net and paid 117,283.20, nothing outstanding
        needles = ("委托人对账单", f"#{w.sale.id}", "¥123,456.00", "-¥6,172.80", "¥117,283.20", "已付", "ICBC-OUT-9")
        for needle in (*needles, "¥0.00"):
            assert squash(needle) in text, (who, needle)
    for who in ("buyer", "stranger", "rival_admin"):
        await w.as_(who)
        r = await client.get(url)
        assert r.status_code == 404, who
        missing = await client.get(f"/api/houses/2147483647/sellers/{w.seller_org}/payout-statement.pdf")
        assert missing.json() == r.json()
