"""A sale's PDFs over HTTP: the buyer and the house download them, read back with pypdf; the house's payment
instructions set through the API appear on the invoice; anyone else gets the missing invoice's 404."""

from __future__ import annotations

from marketplace.settlement.models import Invoice
from marketplace.settlement.services import sales
from tests.e2e.settlement.test_settlement_api import login
from tests.e2e.settlement.test_settlement_permissions import sold_event
from tests.support import ApiClient, make_member, make_org, make_user
from tests.support_auctions import make_vehicle
from tests.unit.documents.samples import flat, squash, text_of

DOCS = ("invoice", "confirmation", "contract")


async def test_buyer_and_house_download_the_sale_documents_and_others_get_404(client: ApiClient) -> None:
    app = client.app
    house = await make_org("auction_house", name="重庆长江机动车拍卖有限公司")
    seller = await make_org("dealer", name="重庆渝北汽车租赁有限公司")
    vehicle = await make_vehicle(seller)
    admin = (await make_member(app, house, ["house_admin"], "hadm")).user
    buyer = await make_user(app, "buyer")
    stranger = await make_user(app, "stranger")
    rival = (await make_member(app, await make_org("auction_house"), ["house_admin"], "radm")).user
    event = sold_event(house.id, seller.id, buyer.id, 1)
    event["payload"]["vehicle_id"] = vehicle.id
    assert await sales.consume(event)
    invoice = await Invoice.get(house_org_id=house.id)

    await login(client, admin)
    r = await client.get(f"/api/houses/{house.id}/payment-instructions")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "payment_instructions_not_found"
    body = {"account_name": house.name, "bank_name": "中国工商银行", "branch": "重庆渝北支行",
            "account_number": "3100 0210 0910 0123 456"}  # fmt: skip
    r = await client.put(f"/api/houses/{house.id}/payment-instructions", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["account_number"] == "3100 0210 0910 0123 456"
    bad = await client.put(f"/api/houses/{house.id}/payment-instructions", json={**body, "account_number": "<x>"})
    assert bad.status_code == 422

    for who in (admin, buyer):
        await login(client, who)
        for doc in DOCS:
            r = await client.get(f"/api/invoices/{invoice.id}/{doc}.pdf")
            assert r.status_code == 200, (doc, r.text[:200])
            assert r.headers["content-type"] == "application/pdf"
            number = f"HT-{invoice.number}" if doc == "contract" else invoice.number  # the contract's own number
            assert r.headers["content-disposition"] == f'attachment; filename="{doc}-{number}.pdf"'
            assert r.headers["cache-control"] == "private, no-store"
            assert r.content.startswith(b"%PDF-")

    await login(client, buyer)
    pdf = (await client.get(f"/api/invoices/{invoice.id}/invoice.pdf")).content
    text = flat(pdf)
    # hammer 123,456.00 + premium 6,172.80 (5 %, the session's table) = 129,628.80, nothing paid yet.
    for needle in (
        "结算单", invoice.number, house.name, "¥123,456.00", "¥129,628.80", "中国工商银行重庆渝北支行",
        "3100021009100123456", f"INV{invoice.number}", vehicle.vin, "大众帕萨特330TSI",
    ):  # fmt: skip
        assert squash(needle) in text, needle
    assert "Balancedue" not in text  # a CNY sale: Chinese only unless asked
    contract = flat((await client.get(f"/api/invoices/{invoice.id}/contract.pdf")).content)
    for needle in (
        "二手车买卖合同",
        "第一条车辆基本情况",
        "第七条争议解决",
        seller.name,
        "¥123,456.00（12.35万元）",
        vehicle.vin,
    ):
        assert squash(needle) in contract, needle
    confirmation = (await client.get(f"/api/invoices/{invoice.id}/confirmation.pdf?bilingual=true")).content
    assert "SaleConfirmation" in flat(confirmation)
    assert "成交确认书" in text_of(confirmation)[0]
    # The buyer's paddle, from the lot_sold event, printed beside its label (read back from the PDF's text).
    assert squash("竞买号牌") in squash(text_of(confirmation)[0])
    assert "A001" in text_of(confirmation)[0]

    for who in (stranger, rival):
        await login(client, who)
        for doc in DOCS:
            foreign = await client.get(f"/api/invoices/{invoice.id}/{doc}.pdf")
            missing = await client.get(f"/api/invoices/2147483647/{doc}.pdf")
            assert foreign.status_code == missing.status_code == 404
            assert foreign.json() == missing.json()
            assert invoice.number not in foreign.text
