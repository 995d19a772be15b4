"""Demo data: one account per role, so a newcomer can log in and look around at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.transactions import in_transaction

from marketplace.accounts import domain
from marketplace.accounts.models import AgentCertificate, Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.ports.files.base import FileStorage

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    login: str
    display_name: str
    organisation: str | None


def uscc(seed: int) -> str:
    """A well-formed unified social credit code (check character computed) for demo organisations."""
    body = f"91330200MA{seed:07d}"[:17]
    return body + domain.uscc_check_char(body)


async def database_is_empty() -> bool:
    return not await User.exists()


DEMO_ACCOUNTS = [
    DemoAccount("platform admin", "admin@demo.cn", "平台管理员 Admin", "车拍通平台运营 Platform Operations"),
    DemoAccount("dealer admin", "dealer@demo.cn", "王经理 Wang", "宁波甬车二手车经纪有限公司 Ningbo Yongche Motors"),
    DemoAccount("dealer staff", "staff@demo.cn", "李业务 Li", "宁波甬车二手车经纪有限公司 Ningbo Yongche Motors"),
    DemoAccount("auction-house admin", "house@demo.cn", "陈总 Chen", "重庆渝拍拍卖有限公司 Chongqing Yupai Auctions"),
    DemoAccount("auctioneer", "auctioneer@demo.cn", "赵拍卖师 Zhao", "重庆渝拍拍卖有限公司 Chongqing Yupai Auctions"),
    DemoAccount("analyst", "analyst@demo.cn", "周分析师 Zhou", "宁波市二手车流通协会 Ningbo Used Car Association"),
    DemoAccount("buyer", "buyer@demo.cn", "刘买家 Liu", None),
    DemoAccount("applicant (pending dealer)", "newdealer@demo.cn", "孙新人 Sun", "杭州新到车商 Hangzhou Newcomer Cars"),
]


async def existing_demo_accounts() -> list[DemoAccount]:
    present = {u.email for u in await User.filter(email__in=[a.login for a in DEMO_ACCOUNTS]).only("id", "email")}
    return [a for a in DEMO_ACCOUNTS if a.login in present]


STATS_DIVISOR = 100  # the national dataset at 1/100: about 13,000 sales over two years, loaded in seconds


async def load_demo(
    hasher: PasswordHasher, today: date | None = None, *, files: FileStorage | None = None, stats: bool = True
) -> list[DemoAccount]:
    """Every demo account, organisation and certificate, a live auction, 300 published listings (with drawn
    photos when `files` is given; the cars' condition reports always), two past sessions of the demo house and
    what settlement made of their sales (`_history_demo`; the 过户 proof needs `files`), and (with `stats`) a small
    published statistics release of 2022 and 2023, so the statistics page is never empty."""
    today = today or datetime.now(UTC).date()
    password_hash = await hasher.hash(DEMO_PASSWORD)
    accounts: list[DemoAccount] = []
    async with in_transaction() as conn:

        async def org(name: str, kind: domain.Kind, seed: int, status: str = "verified") -> Organisation:
            return await Organisation.create(
                name=name,
                kind=kind.value,
                business_licence_no=uscc(seed),
                verification_status=status,
                verified_at=datetime.now(UTC) if status == "verified" else None,
                using_db=conn,
            )

        async def user(role: str, login: str, name: str, organisation: Organisation | None, roles: list[str]) -> User:
            u = await User.create(email=login, display_name=name, password_hash=password_hash, using_db=conn)
            if organisation is not None:
                await Membership.create(user_id=u.id, organisation_id=organisation.id, roles=roles, using_db=conn)
            accounts.append(DemoAccount(role, login, name, organisation.name if organisation else None))
            return u

        platform = await org("车拍通平台运营 Platform Operations", domain.Kind.PLATFORM, 1)
        dealer = await org("宁波甬车二手车经纪有限公司 Ningbo Yongche Motors", domain.Kind.DEALER, 2)
        house = await org("重庆渝拍拍卖有限公司 Chongqing Yupai Auctions", domain.Kind.AUCTION_HOUSE, 3)
        association = await org("宁波市二手车流通协会 Ningbo Used Car Association", domain.Kind.ASSOCIATION, 4)
        pending = await org("杭州新到车商 Hangzhou Newcomer Cars", domain.Kind.DEALER, 5, status="pending")

        await user("platform admin", "admin@demo.cn", "平台管理员 Admin", platform, ["platform_admin"])
        dealer_admin = await user("dealer admin", "dealer@demo.cn", "王经理 Wang", dealer, ["dealer_admin"])
        staff = await user("dealer staff", "staff@demo.cn", "李业务 Li", dealer, ["dealer_staff", "buyer"])
        await user("auction-house admin", "house@demo.cn", "陈总 Chen", house, ["house_admin"])
        await user("auctioneer", "auctioneer@demo.cn", "赵拍卖师 Zhao", house, ["auctioneer"])
        await user("analyst", "analyst@demo.cn", "周分析师 Zhou", association, ["analyst"])
        buyer = await user("buyer", "buyer@demo.cn", "刘买家 Liu", None, [])
        await user("applicant (pending dealer)", "newdealer@demo.cn", "孙新人 Sun", pending, ["dealer_admin"])

        for n, holder in enumerate((dealer_admin, staff), start=1):
            await AgentCertificate.create(
                organisation_id=dealer.id,
                holder_user_id=holder.id,
                holder_name=holder.display_name,
                certificate_no=f"NBDL-2026-{n:04d}",
                valid_from=today - timedelta(days=30),
                valid_until=today + timedelta(days=335),
                status="verified",
                using_db=conn,
            )
        await AgentCertificate.create(
            organisation_id=pending.id,
            holder_name="孙新人 Sun",
            certificate_no="HZDL-2026-0001",
            valid_from=today,
            valid_until=today + timedelta(days=365),
            using_db=conn,
        )
    live = await _auction_demo(house, dealer, [dealer_admin, staff], buyer, password_hash, today)
    from listings import demo_data  # 300 published listings for the demo dealer, indexed on start-up

    await demo_data.create_published(dealer.id, dealer_admin.id, demo_data.generate(300), files=files)
    await _export_demo(dealer.id, dealer_admin.id, today)
    await _history_demo(house, dealer, live, password_hash, datetime.now(UTC), files)
    if stats:
        from marketplace.stats.services.demo import load_national

        await load_national(divisor=STATS_DIVISOR)
    return accounts


async def _export_demo(dealer_id: int, user_id: int, today: date) -> None:
    """The export desk's filing and one order with three of the demo dealer's cars (export/demo.py)."""
    from export import demo as export_demo
    from listings.models import Vehicle

    cars = await Vehicle.filter(owner_org_id=dealer_id).order_by("id").limit(3)
    await export_demo.create(dealer_id, user_id, [c.id for c in cars], today)


DEMO_CARS = [
    ("LSVAU2180N2000001", "大众", "帕萨特", "330TSI 精英版", "ice", 2021, 42_000),
    ("LFV3A28K8M3000002", "丰田", "凯美瑞", "2.5G 豪华版", "hev", 2020, 61_000),
    ("LRW3E7FA4NC000003", "特斯拉", "Model 3", "后轮驱动版", "bev", 2022, 28_000),
    ("LBV5S3102KS000004", "宝马", "5系", "530Li 领先型", "ice", 2019, 75_000),
]


@dataclass(frozen=True)
class LiveDemo:
    """Who the live auction demo made, for the demo's history (marketplace/demo_history.py)."""

    seller: Organisation  # the consignor
    consignor: User  # its selling staff
    sims: Organisation
    sim_users: list[User]


async def _auction_demo(
    house: Organisation, dealer: Organisation, dealer_users: list[User], buyer: User, password_hash: str, today: date
) -> LiveDemo:
    """A live demo auction: a consignor's vehicles, simulated bidders, the demo dealers and the demo buyer
    registered to bid with their deposits confirmed (in a real session the house's staff confirm each deposit)."""
    from auctions import demo as auction_demo
    from auctions.models import Consignment
    from listings.models import Vehicle

    seller = await Organisation.create(
        name="杭州拍车源委托方 Hangzhou Consignor",
        kind="dealer",
        business_licence_no=uscc(6),
        verification_status="verified",
        verified_at=datetime.now(UTC),
    )
    sims = await Organisation.create(
        name="模拟车商 Simulated Dealers",
        kind="dealer",
        business_licence_no=uscc(7),
        verification_status="verified",
        verified_at=datetime.now(UTC),
    )
    vehicle_ids = []
    for vin, make, model, series, energy, year, km in DEMO_CARS:
        v = await Vehicle.create(
            vin=vin,
            owner_org_id=seller.id,
            make=make,
            model=model,
            series=series,
            energy_type=energy,
            model_year=year,
            mileage_km=km,
            registration_city="杭州",
        )
        vehicle_ids.append(v.id)
    # The consignor's staff consigned these vehicles to the house (委托拍卖): without that the house may not offer them.
    consignor = await User.create(
        email="consignor@demo.invalid", display_name="杭州委托方 Consignor", password_hash=password_hash
    )
    await Membership.create(user_id=consignor.id, organisation_id=seller.id, roles=["dealer_admin"])
    for vehicle_id in vehicle_ids:
        await Consignment.create(
            vehicle_id=vehicle_id,
            seller_org_id=seller.id,
            house_org_id=house.id,
            created_by_user_id=consignor.id,
            note="演示委托 / demo consignment",
        )
    # The demo buyer bids as an individual (the demo terms allow it); its deposit is confirmed like the dealers'.
    bidders: list[tuple[int, int | None]] = [(u.id, dealer.id) for u in dealer_users] + [(buyer.id, None)]
    sim_users: list[User] = []
    for name in ("模拟竞买人 甲 Sim A", "模拟竞买人 乙 Sim B", "模拟竞买人 丙 Sim C"):
        u = await User.create(
            email=f"sim{len(sim_users) + 1}@demo.invalid", display_name=name, password_hash=password_hash
        )
        await Membership.create(user_id=u.id, organisation_id=sims.id, roles=["buyer"])
        sim_users.append(u)
        bidders.append((u.id, sims.id))
    house_admin = await User.get(email="house@demo.cn")
    session_id = await auction_demo.create_session(house.id, house_admin.id, vehicle_ids, bidders, datetime.now(UTC))
    from auctions.models import Registration

    await Registration.filter(session_id=session_id, user_id__in=[u.id for u in sim_users]).update(
        payment_reference=f"SIM-{session_id}"
    )
    return LiveDemo(seller, consignor, sims, sim_users)


# The two past sessions (marketplace/demo_settlement.py tells what became of each sale): the demo dealer's own cars
# in the earlier one, the consignor's in the later one. (vin serial, make, model, series, energy, year, km, start fen)
HISTORY_CARS = {
    "paid_out": (1, "大众", "迈腾", "380TSI 豪华型", "ice", 2021, 46_000, 12_800_000),
    "payout_due": (2, "本田", "雅阁", "260TURBO 精英版", "ice", 2020, 58_000, 9_600_000),
    "defaulted": (3, "比亚迪", "汉", "EV 创世版", "bev", 2022, 31_000, 14_500_000),
    "overdue": (4, "日产", "轩逸", "1.6L XL CVT 悦享版", "ice", 2021, 39_000, 6_800_000),
    "part_paid": (5, "丰田", "卡罗拉", "1.2T 精英版", "ice", 2019, 72_000, 5_600_000),
    "unpaid": (6, "奥迪", "A4L", "40 TFSI 时尚动感型", "ice", 2020, 51_000, 18_800_000),
    "disputed": (7, "吉利", "星越L", "2.0TD 旗舰型", "ice", 2022, 27_000, 11_500_000),
}


async def _history_demo(
    house: Organisation, dealer: Organisation, live: LiveDemo, password_hash: str, now: datetime,
    files: FileStorage | None,
) -> dict[str, int]:  # fmt: skip
    """Two past sessions of the demo house, held and closed through auctions (auctions/demo_history.py), and what
    settlement made of their sales (marketplace/demo_settlement.py). Returns the settlement sale id per story."""
    from auctions import demo_history
    from listings.domain.vin import with_check_digit
    from listings.models import Vehicle
    from marketplace import demo_settlement

    users = {u.email: u for u in await User.filter(email__in=["house@demo.cn", "auctioneer@demo.cn", "buyer@demo.cn",
                                                               "dealer@demo.cn", "staff@demo.cn"])}  # fmt: skip
    house_admin, yard, buyer = users["house@demo.cn"], users["auctioneer@demo.cn"], users["buyer@demo.cn"]
    dealer_admin, staff = users["dealer@demo.cn"], users["staff@demo.cn"]
    # A bidder of the past only, bidding in person: the one who defaults (and is barred from the house's sessions).
    sim_d = await User.create(
        email="sim4@demo.invalid", display_name="模拟竞买人 丁 Sim D", password_hash=password_hash
    )
    # The consignor's staff consign in their own name: an agent certificate, as every dealer's seller needs.
    await AgentCertificate.create(
        organisation_id=live.seller.id, holder_user_id=live.consignor.id, holder_name=live.consignor.display_name,
        certificate_no="HZDL-2026-0101", valid_from=now.date() - timedelta(days=200),
        valid_until=now.date() + timedelta(days=165), status="verified",
    )  # fmt: skip
    cars: dict[str, int] = {}
    for key, (n, make, model, series, energy, year, km, _) in HISTORY_CARS.items():
        owner, city = (dealer, "宁波") if n <= 4 else (live.seller, "杭州")
        v = await Vehicle.create(
            vin=with_check_digit(f"LDH{n:02d}AB10NH{n:06d}"), owner_org_id=owner.id, make=make, model=model,
            series=series, energy_type=energy, model_year=year, mileage_km=km, registration_province="浙江",
            registration_city=city, plate_prefix="浙B" if city == "宁波" else "浙A",
        )  # fmt: skip
        cars[key] = v.id
    sim1, sim2, sim3 = live.sim_users

    def lot(key: str, *bidders: User) -> demo_history.PastLot:
        return demo_history.PastLot(key, cars[key], HISTORY_CARS[key][7], tuple(b.id for b in bidders))

    earlier, later = demo_settlement.history_days(now)
    await demo_settlement.publish_fees(house.id, house_admin.id, now)
    sessions = [
        demo_history.PastSession(
            f"渝拍二手车网络拍卖会 {earlier:%Y-%m-%d} Online used-car auction",
            demo_settlement.local(earlier, 10), dealer_admin.id,
            ((buyer.id, None), (sim1.id, live.sims.id), (sim2.id, live.sims.id), (sim_d.id, None)),
            (lot("paid_out", sim1, buyer, sim1, buyer), lot("payout_due", buyer, sim2, buyer, sim2),
             lot("defaulted", buyer, sim_d, buyer, sim_d), lot("overdue", sim1, buyer, sim2, buyer)),
        ),
        demo_history.PastSession(
            f"渝拍二手车网络拍卖会 {later:%Y-%m-%d} Online used-car auction",
            demo_settlement.local(later, 10), live.consignor.id,
            ((buyer.id, None), (dealer_admin.id, dealer.id), (staff.id, dealer.id), (sim1.id, live.sims.id),
             (sim3.id, live.sims.id)),
            (lot("part_paid", sim3, buyer, sim3, buyer), lot("unpaid", sim1, buyer, sim1, buyer),
             lot("disputed", sim3, staff, sim3, staff)),
        ),
    ]  # fmt: skip
    lots: dict[str, int] = {}
    for past in sessions:
        lots.update((await demo_history.hold(house.id, house_admin.id, past))[1])
    sales = await demo_settlement.settle(house.id, house_admin.id, yard.id, lots, now, files)
    await demo_history.answer_defaults()  # the defaulted lot is offered to its under-bidder (buyer@demo.cn)
    return sales
