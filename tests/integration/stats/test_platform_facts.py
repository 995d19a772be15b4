"""The platform's own sales and sessions reach the statistics only through events, each exactly once.

The relay is stopped: each test hands committed events to the statistics' consumer itself, as the relay would,
so deliveries (and redeliveries, and out-of-order ones) happen exactly when the test says. Settlement's events
(`settlement.sale_cancelled`, `settlement.transfer_recorded`) are published by the tests in the shape the
settlement work documents.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from listings.models import Vehicle
from marketplace.stats.domain.periods import Period
from marketplace.stats.models import ReportingHouse, SaleFact, SessionFact
from marketplace.stats.plugin import JOB
from marketplace.stats.services import platform, reports
from tests.support import ApiClient
from tests.support_settlement import sale_events, sell_lot


@pytest.fixture
async def quiet(client: ApiClient) -> ApiClient:
    await client.app.state.services.relay.stop()
    return client


def event(topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "topic": topic, "payload": payload,
            "created_at": datetime.now(UTC).isoformat()}  # fmt: skip


def sold(lot_id: int, *, org: int = 9001, seq: int = 3, hammer: int = 4_527_100, at: str = "2023-05-06T10:00:00+08:00",
         **extra: Any) -> dict[str, Any]:  # fmt: skip
    return event(platform.LOT_SOLD, {
        "lot_id": lot_id, "seq": seq, "session_id": 77, "house_org_id": org, "house_name": "重庆渝拍拍卖有限公司",
        "hammer_fen": hammer, "sold_at": at, "make": "比亚迪", "make_en": "BYD", "energy_type": "BEV",
        "seller_province": "重庆", "seller_city": "重庆", "session_kind": "online", "session_run_online": True,
        "via": "hammer", **extra,
    })  # fmt: skip


def settlement(topic: str, lot_id: int, org: int = 9001, **extra: Any) -> dict[str, Any]:
    return event(topic, {"source": "auction", "source_ref": lot_id, "sale_id": 1, "lot_id": lot_id,
                         "house_org_id": org, **extra})  # fmt: skip


async def levels_2023() -> Any:
    return await reports.levels_of(Period.whole_year(2023))


async def test_a_sold_lot_event_carries_the_vehicle_and_session_and_becomes_one_fact(quiet: ApiClient) -> None:
    services = quiet.app.state.services
    assert JOB in services.subscriptions["auctions.lot_sold"]
    assert JOB in services.subscriptions["auctions.session_held"]
    assert JOB not in services.subscriptions.get("listing.sale_recorded", [])

    out = await sell_lot(quiet.app, hammer=300_000)
    world, ev = out["world"], out["event"]
    vehicle = await Vehicle.get(id=out["lot"].vehicle_id)
    p = ev["payload"]
    assert (p["hammer_fen"], p["house_org_id"]) == (300_000, world.house.id)
    assert (p["make"], p["energy_type"], p["seller_city"]) == (vehicle.make, "ICE", "宁波")
    assert (p["house_name"], p["session_kind"], p["session_run_online"]) == (world.house.name, "online", True)

    assert await platform.consume(ev) is True
    assert await platform.consume(ev) is False  # a redelivery does nothing
    fact = await SaleFact.get(sale_key=f"lot:{out['lot'].id}")
    house = await ReportingHouse.get(id=fact.house_id)
    assert (house.organisation_id, house.name) == (world.house.id, world.house.name)
    assert (fact.source, fact.submission_id, fact.hammer_fen, fact.transfer) == ("platform", None, 300_000, "unknown")
    assert await SaleFact.filter(source="platform").count() == 1

    # The session's only lot closed: the session has been held, once.
    held = await sale_events("auctions.session_held")
    assert len(held) == 1
    hp = held[0]["payload"]
    assert (hp["session_id"], hp["house_org_id"], hp["session_kind"], hp["lots"], hp["lots_sold"]) == (
        world.session.id, world.house.id, "online", 1, 1)  # fmt: skip
    assert await platform.consume(held[0]) is True
    assert await platform.consume(held[0]) is False
    session = await SessionFact.get(session_key=f"session:{world.session.id}")
    assert (session.kind, session.source, session.house_id) == ("online", "platform", house.id)


async def test_a_session_is_held_only_when_its_last_lot_closes(quiet: ApiClient) -> None:
    from auctions.services import actions
    from auctions.services.clock import now_ms
    from tests.support_auctions import make_world, set_end

    world = await make_world(quiet.app, lots=2)
    services = quiet.app.state.services
    await set_end(world.lots[0], now_ms() - 1)
    await actions.close_if_due(services, world.lots[0].id, now_ms())
    assert await sale_events("auctions.session_held") == []
    await set_end(world.lots[1], now_ms() - 1)
    await actions.close_if_due(services, world.lots[1].id, now_ms())
    held = await sale_events("auctions.session_held")
    assert len(held) == 1  # no bids: both lots passed, and a session with no sale is still held
    assert (held[0]["payload"]["lots"], held[0]["payload"]["lots_sold"]) == (2, 0)


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    ("kind", "run_online", "counted"),
    [("online", True, "online"), ("onsite", False, "onsite"), ("hybrid", False, "hybrid"), ("hybrid", True, "online")],
)
async def test_session_kinds_hybrid_is_onsite_unless_run_online(kind: str, run_online: bool, counted: str) -> None:
    ev = event(platform.SESSION_HELD, {"session_id": 5, "house_org_id": 9001, "house_name": "渝拍", "province": "",
                                       "city": "", "session_kind": kind, "session_run_online": run_online,
                                       "held_on": "2023-05-06"})  # fmt: skip
    assert await platform.consume(ev) is True
    assert (await SessionFact.get(session_key="session:5")).kind == counted
    levels = await levels_2023()
    assert (levels.sessions, levels.online_sessions) == (1, 1 if counted == "online" else 0)


@pytest.mark.usefixtures("database")
async def test_listing_sales_stay_out_of_the_auction_report() -> None:
    # Stats does not subscribe to listing sales; settlement's events about them (source "listing") are ignored.
    assert "listing.sale_recorded" not in platform.HANDLERS
    await platform.consume(sold(1))
    listing_cancel = event(
        platform.SALE_CANCELLED,
        {"source": "listing", "source_ref": 1, "sale_id": 2, "lot_id": None, "house_org_id": 9001, "reason": "default"},
    )
    assert await platform.consume(listing_cancel) is True
    levels = await levels_2023()
    assert (levels.units, levels.turnover_fen) == (1, 4_527_100)


@pytest.mark.usefixtures("database")
async def test_a_default_takes_the_sale_out_and_the_resale_counts_once() -> None:
    await platform.consume(sold(11, seq=3, hammer=5_000_000))
    assert (await levels_2023()).units == 1
    await platform.consume(settlement(platform.SALE_CANCELLED, 11, reason="default"))
    levels = await levels_2023()
    assert (levels.units, levels.turnover_fen) == (0, 0)
    # The lot sold again (a later event of the same lot): one sale, the new price.
    resale = sold(11, seq=9, hammer=4_000_000, at="2023-05-20T10:00:00+08:00")
    assert await platform.consume(resale) is True
    assert await platform.consume(sold(11, seq=3, hammer=5_000_000)) is True  # a stale copy of the first sale
    levels = await levels_2023()
    assert (levels.units, levels.turnover_fen) == (1, 4_000_000)
    assert await SaleFact.filter(sale_key="lot:11").count() == 1


@pytest.mark.usefixtures("database")
async def test_transfer_outcomes_apply_and_the_unknown_are_counted() -> None:
    for lot in (21, 22, 23):
        await platform.consume(sold(lot))
    await platform.consume(settlement(platform.TRANSFER_RECORDED, 21, outcome="cross_province", province="四川",
                                      city="成都"))  # fmt: skip
    await platform.consume(settlement(platform.TRANSFER_RECORDED, 22, outcome="none", province="重庆", city="重庆"))
    levels = await levels_2023()
    assert (levels.transfer_cross_province, levels.transfer_none, levels.transfer_unknown) == (1, 1, 1)
    assert float(levels.transfer_ratio) == pytest.approx(1 / 3)  # the unknown count in the denominator only
    fact = await SaleFact.get(sale_key="lot:21")
    assert (fact.buyer_province, fact.buyer_city) == ("四川", "成都")

    doc = await reports.document(Period.whole_year(2023))
    assert doc["transfer_unknown"] == 1


@pytest.mark.usefixtures("database")
async def test_settlement_word_arriving_before_the_sale_is_kept_until_it_arrives() -> None:
    await platform.consume(settlement(platform.TRANSFER_RECORDED, 31, outcome="in_province", province="重庆",
                                      city="万州"))  # fmt: skip
    await platform.consume(settlement(platform.SALE_CANCELLED, 32, reason="unwound"))
    await platform.consume(sold(31))
    await platform.consume(sold(32))
    assert (await SaleFact.get(sale_key="lot:31")).transfer == "in_province"
    assert (await SaleFact.get(sale_key="lot:32")).undone is True
    levels = await levels_2023()
    assert (levels.units, levels.transfer_in_province) == (1, 1)


@pytest.mark.usefixtures("database")
async def test_platform_months_count_once_even_when_the_house_also_imported_rows() -> None:
    await platform.consume(sold(41, hammer=3_000_000))
    house = await ReportingHouse.get(organisation_id=9001)
    # The same house's own file for May (its books, which include the platform sale) and for June.
    for key, at in (("S-1", "2023-05-06T10:00:00+08:00"), ("S-2", "2023-06-06T10:00:00+08:00")):
        await SaleFact.create(house_id=house.id, sale_key=key, session_key="P-1", sold_at=datetime.fromisoformat(at),
                              hammer_fen=3_000_000, make="比亚迪", energy="BEV", submission=None)  # fmt: skip
    levels = await levels_2023()
    # May is the platform's record (one sale); June has no platform facts, so the house's row counts.
    assert levels.units == 2
    assert {k: t.units for k, t in levels.months.items()} == {"2023-05": 1, "2023-06": 1}


@pytest.mark.usefixtures("database")
async def test_a_house_reporting_before_it_joined_is_linked_by_name() -> None:
    before = await ReportingHouse.create(name="重庆渝拍拍卖有限公司", province="重庆", city="重庆")
    await platform.consume(sold(51))
    assert (await ReportingHouse.get(id=before.id)).organisation_id == 9001
    assert await ReportingHouse.all().count() == 1
    # Another organisation of the same name gets a house of its own.
    await platform.consume(sold(52, org=9002))
    assert (await ReportingHouse.get(organisation_id=9002)).name == "重庆渝拍拍卖有限公司 (9002)"


async def test_two_last_lots_closing_at_once_record_the_session_held_once(quiet: ApiClient) -> None:
    # On PostgreSQL the two closes run in parallel transactions: the session row's lock makes the second to
    # commit see the first closed, so neither both nor none of them records the event.
    import asyncio

    from auctions.services import actions
    from auctions.services.clock import now_ms
    from tests.support_auctions import make_world, set_end

    for _ in range(3):
        world = await make_world(quiet.app, lots=2)
        for lot in world.lots:
            await set_end(lot, now_ms() - 1)
        services = quiet.app.state.services
        await asyncio.gather(*(actions.close_if_due(services, lot.id, now_ms()) for lot in world.lots))
        held = [e for e in await sale_events("auctions.session_held")
                if e["payload"]["session_id"] == world.session.id]  # fmt: skip
        assert len(held) == 1


@pytest.mark.usefixtures("database")
async def test_a_new_house_s_first_sales_consumed_in_parallel_make_one_house_and_count_each() -> None:
    # Seen in the fault suite: two lots of a house new to the statistics closed together, both jobs found no
    # house and both inserted one; the loser's IntegrityError failed its job for good.
    import asyncio

    for round_ in range(3):
        org = 9100 + round_
        results = await asyncio.gather(*(platform.consume(sold(600 + 10 * round_ + n, org=org)) for n in range(4)))
        assert results == [True] * 4
        assert await ReportingHouse.filter(organisation_id=org).count() == 1
        house = await ReportingHouse.get(organisation_id=org)
        assert await SaleFact.filter(house_id=house.id).count() == 4
    # The three organisations share a name: the first took it, the others carry their id.
    names = sorted(await ReportingHouse.all().values_list("name", flat=True))
    assert names == ["重庆渝拍拍卖有限公司", "重庆渝拍拍卖有限公司 (9101)", "重庆渝拍拍卖有限公司 (9102)"]
