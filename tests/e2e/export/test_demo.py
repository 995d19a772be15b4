"""`marketplace demo` leaves the demo dealer's export desk with a filing in force and one order to work on."""

from __future__ import annotations

from marketplace.accounts.models import Membership, User
from marketplace.demo import load_demo
from tests.support import ApiClient


async def test_the_demo_dealer_has_an_export_desk(client: ApiClient) -> None:
    await load_demo(client.app.state.services.hasher)
    await client.login("dealer@demo.cn", "demo-pass-2026")
    user = await User.get(email="dealer@demo.cn")
    org_id = (await Membership.get(user_id=user.id)).organisation_id
    desk = (await client.get(f"/api/export/dealers/{org_id}/desk")).json()
    assert desk["filing"]["in_force"] is True
    [order] = desk["orders"]
    assert [v["step"] for v in order["vehicles"]] == ["bought", "transfer_registered", "inspected"]
    assert order["vehicles"][1]["colour"] == "amber"  # its temporary plate runs out within the week
    assert all(v["price_cny_fen"] > 0 for v in order["vehicles"])
