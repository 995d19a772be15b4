"""Sessions, lots, publishing and bidder registration with deposits (the auction house's side)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auctions.domain import lot as engine
from auctions.domain import results as outcome
from auctions.domain import rights
from auctions.domain.lot import LotState
from auctions.domain.terms import engine_terms, ladder_of, mode_of, to_ms
from auctions.models import AuctionSession, Consignment, Lot, Registration, SaleRecord
from auctions.schemas import LotIn, RegistrationOut, SessionIn, SessionOut
from auctions.services.present import Viewer, lot_out
from listings import vehicles
from marketplace.accounts import organisations
from marketplace.accounts.domain import Kind, Principal
from marketplace.accounts.models import Organisation
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.outbox.events import record_event
from marketplace.ports.payments.base import PaymentGateway
from marketplace.settlement.services import defaults as settlement_defaults
from marketplace.settlement.services import fees as settlement_fees

FIRST_PADDLE = 101
DEPOSIT_CONFIRMED = "auctions.deposit_confirmed"
_LOCAL = ZoneInfo("Asia/Shanghai")


def is_house_staff(principal: Principal, house_org_id: int) -> bool:
    if principal.is_platform_admin:
        return True
    return principal.org_kinds.get(house_org_id) == Kind.AUCTION_HOUSE and bool(
        principal.roles_in(house_org_id) & rights.HOUSE_ROLES
    )


def require_house_staff(principal: Principal, house_org_id: int) -> None:
    if not is_house_staff(principal, house_org_id):
        raise Forbidden("only the auction house's staff may do this", code="not_house_staff")


async def create_session(principal: Principal, body: SessionIn) -> SessionOut:
    require_house_staff(principal, body.house_org_id)
    house = await Organisation.get_or_none(id=body.house_org_id)
    if house is None or house.verification_status != "verified":
        raise Forbidden("the auction house must be verified", code="house_not_verified")
    session = await AuctionSession.create(
        house_org_id=body.house_org_id,
        title=body.title,
        kind=body.kind,
        starts_at=body.starts_at.astimezone(UTC),
        terms=body.terms.model_dump(mode="json"),
        created_by_user_id=principal.user_id,
    )
    return await session_out(session, Viewer.of(principal))


async def _session(session_id: int, principal: Principal | None) -> AuctionSession:
    session = await AuctionSession.get_or_none(id=session_id)
    if session is None or (
        session.status == "draft" and (principal is None or not is_house_staff(principal, session.house_org_id))
    ):
        raise NotFound("no such auction session")
    return session


Summary = tuple[outcome.Phase, outcome.Results]


async def summaries(sessions: list[AuctionSession], now: datetime | None = None) -> dict[int, Summary]:
    """Each session's phase and results, in two queries whatever the number of sessions."""
    ids = [s.id for s in sessions]
    statuses: dict[int, list[str]] = {i: [] for i in ids}
    for session_id, status in await Lot.filter(session_id__in=ids).values_list("session_id", "status"):
        statuses[int(session_id)].append(str(status))
    hammers: dict[int, list[int]] = {i: [] for i in ids}
    for session_id, hammer in await SaleRecord.filter(session_id__in=ids).values_list("session_id", "hammer_price"):
        hammers[int(session_id)].append(int(hammer))
    at = to_ms(now or datetime.now(UTC))
    out: dict[int, Summary] = {}
    for s in sessions:
        # Timed lots are `open` from publishing but take bids from the session's start (publish sets both).
        opens = to_ms(s.starts_at) if mode_of(s.kind) == "timed" else None
        briefs = [outcome.LotBrief(st, opens) for st in statuses[s.id]]
        out[s.id] = (
            outcome.phase(s.status, briefs, to_ms(s.starts_at), at),
            outcome.results(statuses[s.id], hammers[s.id]),
        )
    return out


async def visible_session(session_id: int, principal: Principal | None) -> AuctionSession:
    """The session, if the caller may see it: published, or a draft of their own house (else 404)."""
    return await _session(session_id, principal)


async def session_out(
    session: AuctionSession, viewer: Viewer, *, with_lots: bool = False, summary: Summary | None = None
) -> SessionOut:
    phase, results = summary or (await summaries([session]))[session.id]
    lots: list[dict[str, Any]] = []
    if with_lots:
        rows = await Lot.filter(session_id=session.id).order_by("position")
        described = await vehicles.describe_many([r.vehicle_id for r in rows])
        for row in rows:
            terms = engine_terms(session.kind, session.terms, row.starting_price, row.reserve_price, row.buy_now_price)
            state = LotState.from_json(row.state)
            lots.append(lot_out(row, state, terms, session.house_org_id, viewer, described.get(row.vehicle_id)))
    return SessionOut(
        id=session.id,
        house_org_id=session.house_org_id,
        title=session.title,
        kind=session.kind,
        mode=mode_of(session.kind),
        starts_at=session.starts_at,
        status=session.status,
        phase=phase,
        results=results.to_json() if phase != "draft" else None,
        terms=session.terms,
        lots=lots,
    )


async def get_session(principal: Principal | None, session_id: int) -> SessionOut:
    session = await _session(session_id, principal)
    paddle = None
    if principal is not None:
        reg = await Registration.get_or_none(session_id=session.id, user_id=principal.user_id)
        paddle = reg.paddle if reg else None
    return await session_out(session, Viewer.of(principal, paddle), with_lots=True)


ENDED_SHOWN = 30


async def list_sessions(principal: Principal | None, now: datetime | None = None) -> list[SessionOut]:
    """The calendar: live sessions first, then upcoming (soonest first), your house's drafts, then the most
    recently ended ones (a bounded number, so ended sessions never push the coming ones out)."""
    unfinished = set(
        await Lot.filter(status__in=[engine.SCHEDULED, engine.OPEN, engine.PAUSED])
        .distinct()
        .values_list("session_id", flat=True)
    )
    coming = await AuctionSession.filter(status="published", id__in=list(unfinished)).order_by("starts_at").limit(200)
    ended = (
        await AuctionSession.filter(status="published")
        .exclude(id__in=list(unfinished))
        .order_by("-starts_at", "-id")
        .limit(ENDED_SHOWN)
    )
    sessions = [*coming, *ended]
    if principal is not None:
        houses = [o for o in principal.memberships if is_house_staff(principal, o)]
        sessions += await AuctionSession.filter(status="draft", house_org_id__in=houses).order_by("starts_at")
    found = await summaries(sessions, now)
    viewer = Viewer.of(principal)

    def order(s: AuctionSession) -> tuple[int, float]:
        phase = found[s.id][0]
        stamp = s.starts_at.timestamp()
        return outcome.PHASE_ORDER[phase], -stamp if phase == "ended" else stamp

    return [await session_out(s, viewer, summary=found[s.id]) for s in sorted(sessions, key=order)]


async def _lock_draft(conn: BaseDBAsyncClient, session_id: int, refusal: str) -> None:
    """The session's row is the catalogue's lock: adding, removing and publishing take turns on it (row lock
    on PostgreSQL; SQLite runs one transaction at a time), and each re-checks that the catalogue is a draft."""
    draft = await AuctionSession.filter(id=session_id, status="draft").select_for_update().using_db(conn).first()
    if draft is None:
        raise Conflict(refusal, code="session_published")


def _view(c: Consignment | None) -> rights.ConsignmentView | None:
    return None if c is None else rights.ConsignmentView(c.vehicle_id, c.seller_org_id, c.house_org_id, c.status)


async def add_lot(principal: Principal, session_id: int, body: LotIn) -> dict[str, Any]:
    session = await _session(session_id, principal)
    require_house_staff(principal, session.house_org_id)
    if session.status != "draft":
        raise Conflict("lots can only be added before the catalogue is published", code="session_published")
    ladder = ladder_of(session.terms)
    problems = []
    for name in ("starting_price", "reserve_price", "buy_now_price"):
        value = getattr(body, name)
        if value is not None and not ladder.on_grid(value):
            problems.append(
                {"loc": ["body", name], "msg": f"not on the increment grid; nearest {ladder.nearest(value)}"}
            )
    if body.reserve_price is not None and body.reserve_price < body.starting_price:
        problems.append({"loc": ["body", "reserve_price"], "msg": "the reserve cannot be below the starting price"})
    if body.buy_now_price is not None:
        if mode_of(session.kind) != "timed":
            problems.append({"loc": ["body", "buy_now_price"], "msg": "buy-now is only for timed (online) lots"})
        elif body.buy_now_price <= max(body.starting_price, body.reserve_price or 0):
            problems.append({"loc": ["body", "buy_now_price"], "msg": "buy-now must exceed the start and reserve"})
    if problems:
        raise ValidationFailed("the lot is invalid", details=problems)
    vehicle = await vehicles.describe(body.vehicle_id)
    consignment = None
    if vehicle is not None and vehicle.owner_org_id != session.house_org_id:
        consignment = (
            await Consignment.filter(
                vehicle_id=vehicle.id, house_org_id=session.house_org_id, status=rights.Status.ACTIVE
            )
            .order_by("id")
            .first()
        )
    if vehicle is None or not rights.may_offer(vehicle.owner_org_id, session.house_org_id, _view(consignment)):
        # Another organisation's vehicle without its consent looks exactly like no vehicle at all.
        raise NotFound("no such vehicle", code="vehicle_not_found")
    async with in_transaction() as conn:
        await _lock_draft(conn, session.id, "lots can only be added before the catalogue is published")
        last = await Lot.filter(session_id=session.id).using_db(conn).order_by("-position").first()
        position = (last.position if last else 0) + 1
        try:
            lot = await Lot.create(
                session_id=session.id,
                position=position,
                vehicle_id=vehicle.id,
                seller_org_id=vehicle.owner_org_id,
                starting_price=body.starting_price,
                reserve_price=body.reserve_price,
                buy_now_price=body.buy_now_price,
                condition_report=body.condition_report,
                state=LotState().to_json(),
                using_db=conn,
            )
        except IntegrityError:  # another lot took this place at the same moment: nothing was written
            raise Conflict("the catalogue changed meanwhile; try again", code="catalogue_changed") from None
        if consignment is not None:
            used = (
                await Consignment.filter(id=consignment.id, status=rights.Status.ACTIVE)
                .using_db(conn)
                .update(status=rights.Status.USED, lot_id=lot.id)
            )
            if used != 1:  # withdrawn (or used by another lot) since we read it: the lot is rolled back
                raise NotFound("no such vehicle", code="vehicle_not_found")
        try:
            await vehicles.engage(conn, vehicle.id, "lot", lot.id)
        except vehicles.VehicleBusy as exc:
            raise Conflict(str(exc), code="vehicle_busy") from None
    terms = engine_terms(session.kind, session.terms, lot.starting_price, lot.reserve_price, lot.buy_now_price)
    return lot_out(lot, LotState.from_json(lot.state), terms, session.house_org_id, Viewer.of(principal), vehicle)


async def remove_lot(principal: Principal, lot_id: int) -> None:
    """Take a lot out of a draft catalogue: the vehicle is free again, its consignment active again (it was
    never auctioned), and the lots after it move up one place. A published catalogue's lots stay."""
    lot = await Lot.get_or_none(id=lot_id)
    if lot is None:
        raise NotFound("no such lot", code="lot_not_found")
    session = await _session(lot.session_id, principal)  # a foreign draft's lot is not found either
    require_house_staff(principal, session.house_org_id)
    async with in_transaction() as conn:
        await _lock_draft(conn, session.id, "lots of a published catalogue cannot be removed")
        lot = await Lot.filter(id=lot.id).using_db(conn).first()  # as it is now: its place may have moved up
        if lot is None or not await Lot.filter(id=lot.id).using_db(conn).delete():
            raise NotFound("no such lot", code="lot_not_found")  # removed meanwhile
        await vehicles.release(conn, lot.vehicle_id, "lot", lot.id)
        # The consignment backs no lot any more: active again, unless the seller has consigned the vehicle
        # to this house afresh meanwhile (one active consignment per vehicle and house).
        newer = await (
            Consignment.filter(
                vehicle_id=lot.vehicle_id, house_org_id=session.house_org_id, status=rights.Status.ACTIVE
            )
            .using_db(conn)
            .exists()
        )
        await (
            Consignment.filter(lot_id=lot.id, status=rights.Status.USED)
            .using_db(conn)
            .update(status=rights.Status.WITHDRAWN if newer else rights.Status.ACTIVE, lot_id=None)
        )
        # One at a time, in order: (session, position) is unique, and each target place is free by then.
        later = await Lot.filter(session_id=session.id, position__gt=lot.position).using_db(conn).order_by("position")
        for row in later:
            await Lot.filter(id=row.id).using_db(conn).update(position=row.position - 1)


async def publish(principal: Principal, session_id: int, now: datetime | None = None) -> SessionOut:
    """Publish the catalogue; timed lots get their staggered end times, live lots wait for the auctioneer."""
    session = await _session(session_id, principal)
    require_house_staff(principal, session.house_org_id)
    if session.status != "draft":
        raise Conflict("the session is already published", code="session_published")
    now = now or datetime.now(UTC)
    start = max(session.starts_at, now)
    duration = timedelta(seconds=int(session.terms["lot_duration_seconds"]))
    stagger = timedelta(seconds=int(session.terms["stagger_seconds"]))
    async with in_transaction() as conn:
        await _lock_draft(conn, session.id, "the session is already published")
        lots = await Lot.filter(session_id=session.id).using_db(conn).order_by("position")  # none added meanwhile
        if not lots:
            raise Conflict("a session needs at least one lot", code="no_lots")
        for i, lot in enumerate(lots):
            if mode_of(session.kind) == "timed":
                ends = start + duration + i * stagger
                state = engine.timed(
                    engine_terms(session.kind, session.terms, 1, None, None), to_ms(start), to_ms(ends), to_ms(now)
                )
                await (
                    Lot.filter(id=lot.id)
                    .using_db(conn)
                    .update(status=state.status, ends_at=ends, state=state.to_json())
                )
        await AuctionSession.filter(id=session.id).using_db(conn).update(status="published", starts_at=start)
        # The terms pin the house's fee schedule in force now (settlement keeps the pin, keyed by the session).
        premium = [[b["start"], b["percent_bp"], b.get("fixed", 0)] for b in session.terms["premium"]]
        await settlement_fees.pin_session(conn, session.id, session.house_org_id, premium, now or datetime.now(UTC))
    return await get_session(principal, session.id)


# --- registration and deposits ----------------------------------------------------------------
def registration_out(reg: Registration, instructions: str = "") -> RegistrationOut:
    return RegistrationOut(
        id=reg.id,
        session_id=reg.session_id,
        paddle=reg.paddle,
        org_id=reg.org_id,
        deposit_amount=reg.deposit_amount,
        deposit_status=reg.deposit_status,
        payment_reference=reg.payment_reference,
        instructions=instructions,
    )


async def register(
    principal: Principal, session_id: int, org_id: int | None, payments: PaymentGateway
) -> RegistrationOut:
    session = await _session(session_id, principal)
    if session.status != "published":
        raise Conflict("registration opens when the catalogue is published", code="session_not_published")
    if rights.registration_refusal(set(principal.memberships), session.house_org_id):
        raise Forbidden("the auction house's own staff may not bid in its sessions", code="house_staff_cannot_bid")
    if org_id is None:
        if not session.terms.get("allow_individuals"):
            raise Forbidden("this house accepts only verified dealers", code="dealers_only")
    else:
        refusal = await organisations.trading_refusal(principal.user_id, org_id, datetime.now(UTC).date())
        if refusal:
            raise Forbidden("you may not bid for this organisation", code=refusal)
    if await Registration.exists(session_id=session.id, user_id=principal.user_id):
        raise Conflict("you are already registered for this session", code="already_registered")
    # A default (悔拍) bars the buyer's organisation (and the person) from the house's sessions for a while:
    # settlement keeps the bar; this is where a bidder enters a session, so it is checked here.
    barred = await settlement_defaults.bar_refusal(
        session.house_org_id, principal.user_id, org_id, datetime.now(UTC).astimezone(_LOCAL).date()
    )
    if barred:
        raise Forbidden("this auction house has barred you from its sessions after a default", code=barred)
    async with in_transaction() as conn:
        count = await Registration.filter(session_id=session.id).using_db(conn).count()
        reference = f"AU{session.id:05d}-{principal.user_id:06d}"
        reg = await Registration.create(
            session_id=session.id,
            user_id=principal.user_id,
            org_id=org_id,
            paddle=str(FIRST_PADDLE + count),
            deposit_amount=int(session.terms["deposit"]),
            deposit_status="confirmed" if int(session.terms["deposit"]) == 0 else "pending",
            payment_reference=reference,
            using_db=conn,
        )
    instruction = await payments.request_deposit(reference, reg.deposit_amount)
    return registration_out(reg, instruction.instructions)


async def my_registration(principal: Principal, session_id: int, payments: PaymentGateway) -> RegistrationOut:
    reg = await Registration.get_or_none(session_id=session_id, user_id=principal.user_id)
    if reg is None:
        raise NotFound("you are not registered for this session", code="not_registered")
    instruction = await payments.request_deposit(reg.payment_reference, reg.deposit_amount)
    return registration_out(reg, instruction.instructions if reg.deposit_status == "pending" else "")


async def confirm_deposit(principal: Principal, registration_id: int) -> RegistrationOut:
    """Staff saw the bank transfer arrive (the offline payment adapter's confirmation step)."""
    reg = await Registration.get_or_none(id=registration_id).prefetch_related("session")
    if reg is None:
        raise NotFound("no such registration")
    require_house_staff(principal, reg.session.house_org_id)
    async with in_transaction() as conn:
        moved = await (
            Registration.filter(id=reg.id, deposit_status="pending")
            .using_db(conn)
            .update(deposit_status="confirmed", confirmed_by_user_id=principal.user_id)
        )
        if moved == 1 and reg.deposit_amount > 0:
            # Settlement keeps the deposit as the house's liability to the bidder, from this event alone.
            await record_event(
                conn,
                DEPOSIT_CONFIRMED,
                {"registration_id": reg.id, "session_id": reg.session_id, "house_org_id": reg.session.house_org_id,
                 "user_id": reg.user_id, "org_id": reg.org_id, "paddle": reg.paddle, "amount_fen": reg.deposit_amount,
                 "currency": "CNY", "rail": "bank", "reference": reg.payment_reference,
                 "confirmed_by_user_id": principal.user_id, "confirmed_at": datetime.now(UTC).isoformat()},
            )  # fmt: skip
    await reg.refresh_from_db()
    return registration_out(reg)


async def list_registrations(principal: Principal, session_id: int) -> list[RegistrationOut]:
    session = await _session(session_id, principal)
    require_house_staff(principal, session.house_org_id)
    return [registration_out(r) for r in await Registration.filter(session_id=session.id).order_by("id")]
