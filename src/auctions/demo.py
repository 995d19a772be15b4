"""The live demo: a timed session that is open right away, and simulated bidders that keep it busy.

`load` runs once from `marketplace demo`; `DemoBidders` is a background loop of the app process.
When the demo session's lots have all closed it lists the same vehicles again in a fresh session,
so a newcomer always finds something to bid on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from auctions.domain import lot as engine
from auctions.domain.lot import LotState
from auctions.domain.rights import Status
from auctions.domain.terms import engine_terms, to_ms
from auctions.models import AuctionSession, Bid, BidReceipt, Consignment, Lot, LotEvent, Registration, SaleRecord
from auctions.services import actions
from auctions.services.clock import now_ms
from listings import vehicles
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import User

log = logging.getLogger("auctions.demo")

DEMO_TERMS: dict[str, Any] = {
    "ladder": [
        {"start": 0, "step": 50_000},
        {"start": 5_000_000, "step": 100_000},
        {"start": 20_000_000, "step": 200_000},
    ],
    "deposit": 500_000,
    "buying_limit": 200_000_000,
    "premium": [{"start": 0, "percent_bp": 500, "fixed": 0}, {"start": 10_000_000, "percent_bp": 300, "fixed": 50_000}],
    "soft_close_seconds": 30,
    "extension_cap_seconds": None,
    "lot_duration_seconds": 240,
    "stagger_seconds": 60,
    "conditional_window_seconds": 3_600,
    "live_countdown_seconds": 20,
    "allow_individuals": True,
    "demo": True,
}
DEMO_TITLE = "演示网络拍卖会 Live demo auction"
STARTING = [4_000_000, 6_500_000, 9_000_000, 12_000_000, 3_000_000, 15_000_000]


async def create_session(
    house_org_id: int, created_by: int, vehicle_ids: list[int], bidders: list[tuple[int, int | None]], now: datetime
) -> int:
    """A published timed session with one lot per vehicle (the house's own or consigned to it), open now, and
    confirmed registrations."""
    async with in_transaction() as conn:
        session = await AuctionSession.create(
            house_org_id=house_org_id,
            title=DEMO_TITLE,
            kind="online",
            starts_at=now,
            status="published",
            terms=DEMO_TERMS,
            created_by_user_id=created_by,
            using_db=conn,
        )
        position = 0
        for vehicle_id in vehicle_ids:
            summary = await vehicles.describe(vehicle_id)
            if summary is None:
                continue
            consignment = None
            if summary.owner_org_id != house_org_id:
                # The demo follows the rule too: a consignor's vehicle needs an active consignment to this house.
                consignment = (
                    await Consignment.filter(vehicle_id=vehicle_id, house_org_id=house_org_id, status=Status.ACTIVE)
                    .using_db(conn)
                    .order_by("id")
                    .first()
                )
                if consignment is None:
                    log.warning("demo vehicle %s is not consigned to house %s: left out", vehicle_id, house_org_id)
                    continue
            i = position
            position += 1
            ends = now + timedelta(seconds=DEMO_TERMS["lot_duration_seconds"] + i * DEMO_TERMS["stagger_seconds"])
            state = engine.timed(engine_terms("online", DEMO_TERMS, 1, None, None), to_ms(now), to_ms(ends))
            start = STARTING[i % len(STARTING)]
            lot = await Lot.create(
                session_id=session.id,
                position=position,
                vehicle_id=vehicle_id,
                seller_org_id=summary.owner_org_id,
                starting_price=start,
                reserve_price=start * 3 // 2 // 100_000 * 100_000,
                status=state.status,
                ends_at=ends,
                condition_report="演示车况：A 级，无重大事故 / Demo: grade A, no major accident",
                state=state.to_json(),
                using_db=conn,
            )
            if consignment is not None:
                await Consignment.filter(id=consignment.id).using_db(conn).update(status=Status.USED, lot_id=lot.id)
            with contextlib.suppress(vehicles.VehicleBusy):
                await vehicles.engage(conn, vehicle_id, "lot", lot.id)
        for n, (user_id, org_id) in enumerate(bidders):
            await Registration.create(
                session_id=session.id,
                user_id=user_id,
                org_id=org_id,
                paddle=str(101 + n),
                deposit_amount=DEMO_TERMS["deposit"],
                deposit_status="confirmed",
                payment_reference=f"DEMO-{session.id}-{n}",
                using_db=conn,
            )
    return session.id


class DemoBidders:
    """Simulated bidders on the demo session (only where one exists): a bid every few seconds per lot."""

    def __init__(self, services: Any, *, interval: float = 2.0, seed: int | None = None) -> None:
        self._services = services
        self._interval = interval
        self._rng = random.Random(seed)
        self._task: asyncio.Task[None] | None = None
        self._caps: dict[int, int] = {}

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="auctions-demo-bidders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                if not await self.tick():
                    return  # not a demo database: nothing to do, ever
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("demo bidders failed")
            await asyncio.sleep(self._interval)

    async def tick(self) -> bool:
        latest = await AuctionSession.filter(title=DEMO_TITLE).order_by("-id").first()
        if latest is None:
            return False
        lots = await Lot.filter(session_id=latest.id).order_by("position")
        if not any(lot.status in ("open", "paused") for lot in lots):
            await self._relist(latest, [lot.vehicle_id for lot in lots])
            return True
        sims = [r for r in await Registration.filter(session_id=latest.id) if r.payment_reference.startswith("SIM")]
        for lot in lots:
            if lot.status == "open" and sims and self._rng.random() < 0.5:
                await self._bid(lot, sims)
        return True

    async def _bid(self, lot: Lot, sims: list[Registration]) -> None:
        state = LotState.from_json(lot.state)
        session = await AuctionSession.get(id=lot.session_id)
        terms = engine_terms(session.kind, session.terms, lot.starting_price, lot.reserve_price, lot.buy_now_price)
        cap = self._caps.setdefault(lot.id, lot.starting_price * self._rng.choice([2, 2, 3]))
        minimum = engine.next_minimum(state, terms)
        if minimum > cap or (state.ends_at or 0) - now_ms() < 3_000:
            return  # the simulated bidders stop at their limit, and leave the last seconds to people
        choices = [r for r in sims if r.paddle != state.leader]
        reg = self._rng.choice(choices)
        user = await User.get(id=reg.user_id)
        principal = await principal_for_user(user)
        amount = minimum + terms.ladder.increment(minimum) * self._rng.choice([0, 0, 1])
        client_id = f"sim-{lot.id}-{lot.seq}-{reg.paddle}"
        await actions.place_bid(self._services, principal, lot.id, client_id, terms.ladder.ceil(amount), now_ms())

    async def _relist(self, old: AuctionSession, vehicle_ids: list[int]) -> None:
        # The demo consignor's standing instruction: each closed lot's consignment is renewed for the next
        # session (a real seller consigns again, with fresh terms, after a pass).
        lot_ids = await Lot.filter(session_id=old.id).values_list("id", flat=True)
        for used in await Consignment.filter(lot_id__in=list(lot_ids), status=Status.USED):
            await Consignment.create(
                vehicle_id=used.vehicle_id,
                seller_org_id=used.seller_org_id,
                house_org_id=used.house_org_id,
                created_by_user_id=used.created_by_user_id,
                suggested_reserve=used.suggested_reserve,
                note=used.note,
            )
        regs = await Registration.filter(session_id=old.id).order_by("paddle")
        bidders = [(r.user_id, r.org_id) for r in regs]
        refs = {r.user_id: r.payment_reference for r in regs}
        new_id = await create_session(old.house_org_id, old.created_by_user_id, vehicle_ids, bidders, datetime.now(UTC))
        for user_id, ref in refs.items():
            if ref.startswith("SIM"):
                await Registration.filter(session_id=new_id, user_id=user_id).update(payment_reference=f"SIM-{new_id}")
        self._caps.clear()
        log.info("demo auction relisted as session %s", new_id)
        await prune_ended(keep=KEEP_ENDED)


KEEP_ENDED = 2  # ended demo sessions kept for their results; older ones are removed with everything in them


async def prune_ended(keep: int = KEEP_ENDED) -> int:
    """Remove all but the `keep` newest ended demo sessions, so relisting every few minutes never piles them
    up in the calendar. Demo data only (the session's title and its terms' `demo` flag): a real session's
    record is never deleted. Returns how many sessions were removed."""
    demo = [s for s in await AuctionSession.filter(title=DEMO_TITLE).order_by("-id") if s.terms.get("demo")]
    ended = []
    for session in demo:
        statuses = [str(st) for st in await Lot.filter(session_id=session.id).values_list("status", flat=True)]
        if statuses and all(st in engine.FINAL for st in statuses):
            ended.append(session)
    doomed = ended[keep:]
    for session in doomed:
        async with in_transaction() as conn:
            lots = await Lot.filter(session_id=session.id).using_db(conn)
            lot_ids = [lot.id for lot in lots]
            for lot in lots:
                await vehicles.release(conn, lot.vehicle_id, "lot", lot.id)
            for model in (Bid, BidReceipt, LotEvent, SaleRecord, Consignment):
                await model.filter(lot_id__in=lot_ids).using_db(conn).delete()
            await Registration.filter(session_id=session.id).using_db(conn).delete()
            await Lot.filter(session_id=session.id).using_db(conn).delete()
            await AuctionSession.filter(id=session.id).using_db(conn).delete()
    if doomed:
        log.info("demo: removed %d ended demo sessions", len(doomed))
    return len(doomed)
