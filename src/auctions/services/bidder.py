"""The buyer's side: "my auctions" (registrations and where the caller stands on every lot they bid on) and the
sale record (成交确认书) with the deposit, the amount due and the next step.

A caller only ever sees their own registrations and bids; a sale record only its buyer, seller and house.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from auctions.domain import buyer as rules
from auctions.domain.lot import LotState
from auctions.domain.results import LotBrief, phase
from auctions.domain.terms import mode_of, to_ms
from auctions.models import AuctionSession, Lot, Registration, SaleRecord
from auctions.services.catalogue import is_house_staff
from auctions.services.present import vehicle_out
from listings import vehicles
from marketplace.accounts.domain import Principal
from marketplace.errors import NotFound
from marketplace.web.pagination import PageQuery, decode_cursor, encode_cursor

Standing = Literal["leading", "outbid", "pending", "won", "lost"]


class MyAuctionsQuery(PageQuery):
    standing: Standing | None = Field(default=None, description="only registrations with a lot where you stand so")


class MySale(BaseModel):
    hammer_price: int
    buyer_premium: int
    total: int
    deposit_applied: int
    balance_due: int


class MyLot(BaseModel):
    lot_id: int
    position: int
    title: str
    status: str
    price: int | None
    ends_at: int | None = Field(description="epoch milliseconds")
    your_max: int | None = Field(description="your standing maximum (private to you)")
    standing: Standing
    sale: MySale | None = Field(description="what you owe for a lot you won")


class MySession(BaseModel):
    id: int
    title: str
    kind: str
    starts_at: datetime
    phase: str = Field(description="upcoming | live | ended")


class MyRegistration(BaseModel):
    id: int
    paddle: str
    org_id: int | None
    deposit_amount: int
    deposit_status: str
    payment_reference: str
    session: MySession
    lots: list[MyLot] = Field(description="the lots you bid on, in catalogue order")


class MyAuctionsPage(BaseModel):
    items: list[MyRegistration]
    next_cursor: str | None


def _dues(regs: list[Registration], sales: list[SaleRecord]) -> dict[int, rules.Due]:
    """Each won lot's amount due; one deposit per registration, spent on its won lots in the order they sold."""
    by_key = {(r.session_id, r.paddle): r for r in regs}
    left = {key: r.deposit_amount for key, r in by_key.items()}
    dues: dict[int, rules.Due] = {}
    for sale in sorted(sales, key=lambda s: (s.sold_at, s.lot_id)):
        key = (sale.session_id, sale.buyer_paddle)
        reg = by_key.get(key)
        confirmed = reg is not None and reg.deposit_status == "confirmed"
        due = rules.amount_due(sale.hammer_price, sale.buyer_premium, left.get(key, 0), confirmed)
        left[key] = left.get(key, 0) - due.deposit_applied
        dues[sale.lot_id] = due
    return dues


async def my_auctions(principal: Principal, query: MyAuctionsQuery, now: int) -> MyAuctionsPage:
    """The caller's registrations, newest first, each with the lots they bid on and where they stand."""
    qs = Registration.filter(user_id=principal.user_id)
    if query.cursor:
        qs = qs.filter(id__lt=decode_cursor(query.cursor))
    if query.standing is not None:
        # Filtering by standing needs each lot's state: look at a bounded window of registrations.
        rows = list(await qs.order_by("-id").limit(500))
    else:
        rows = list(await qs.order_by("-id").limit(query.limit + 1))
    session_ids = list({r.session_id for r in rows})
    sessions = {s.id: s for s in await AuctionSession.filter(id__in=session_ids)}
    lots = await Lot.filter(session_id__in=session_ids).order_by("session_id", "position")
    described = await vehicles.describe_many(list({lot.vehicle_id for lot in lots}))
    reg_of = {r.session_id: r for r in rows}  # one registration per user and session (unique)
    sales = await SaleRecord.filter(session_id__in=session_ids, buyer_user_id=principal.user_id)
    dues = _dues(rows, list(sales))
    sold_lots = {s.lot_id: s for s in sales}

    items: list[MyRegistration] = []
    mine: dict[int, list[MyLot]] = {r.id: [] for r in rows}
    briefs: dict[int, list[LotBrief]] = {}
    for lot in lots:
        session = sessions[lot.session_id]
        state = LotState.from_json(lot.state)
        opens = to_ms(session.starts_at) if mode_of(session.kind) == "timed" else None
        briefs.setdefault(lot.session_id, []).append(LotBrief(state.status, opens))
        reg = reg_of[lot.session_id]
        entry = state.entries.get(reg.paddle)
        standing = rules.standing(state.status, state.leader, reg.paddle, entry is not None)
        if standing is None:
            continue
        due = dues.get(lot.id) if standing == "won" else None
        sold = sold_lots.get(lot.id) if due else None
        v = vehicle_out(described.get(lot.vehicle_id))
        mine[reg.id].append(
            MyLot(
                lot_id=lot.id,
                position=lot.position,
                title=str(v["title"]) if v else f"#{lot.id}",
                status=state.status,
                price=state.price,
                ends_at=state.ends_at,
                your_max=entry.max if entry else None,
                standing=standing,
                sale=MySale(
                    hammer_price=sold.hammer_price,
                    buyer_premium=sold.buyer_premium,
                    total=due.total,
                    deposit_applied=due.deposit_applied,
                    balance_due=due.balance,
                )
                if sold and due
                else None,
            )
        )
    for reg in rows:
        if query.standing is not None and not any(m.standing == query.standing for m in mine[reg.id]):
            continue
        s = sessions[reg.session_id]
        items.append(
            MyRegistration(
                id=reg.id,
                paddle=reg.paddle,
                org_id=reg.org_id,
                deposit_amount=reg.deposit_amount,
                deposit_status=reg.deposit_status,
                payment_reference=reg.payment_reference,
                session=MySession(
                    id=s.id,
                    title=s.title,
                    kind=s.kind,
                    starts_at=s.starts_at,
                    phase=phase(s.status, briefs.get(s.id, []), to_ms(s.starts_at), now),
                ),
                lots=mine[reg.id],
            )
        )
    more = len(items) > query.limit
    items = items[: query.limit]
    return MyAuctionsPage(items=items, next_cursor=encode_cursor(items[-1].id) if more and items else None)


# --- the sale record ---------------------------------------------------------------------------------------
class SaleDeposit(BaseModel):
    amount: int
    status: str
    applied: int = Field(description="the part of the deposit counted toward this lot's total")


class SaleRecordOut(BaseModel):
    lot_id: int
    session_id: int
    vehicle_id: int
    hammer_price: int
    buyer_premium: int
    total: int
    buyer_paddle: str
    buyer_user_id: int | None
    buyer_org_id: int | None
    seller_org_id: int
    house_org_id: int
    via: str
    sold_at: datetime
    viewer_role: Literal["buyer", "seller", "house"]
    deposit: SaleDeposit | None = Field(description="the buyer's deposit: for the buyer and the house only")
    balance_due: int | None = Field(description="total − the deposit applied: for the buyer and the house only")
    payment_reference: str | None = Field(description="quote it when paying the house (buyer and house only)")
    next_steps: list[str] = Field(
        description="codes: pay_balance, collect_vehicle (buyer); await_payment, hand_over_vehicle (seller); "
        "confirm_payment, release_vehicle (house)"
    )


async def sale_record(principal: Principal, lot_id: int) -> SaleRecordOut:
    sale = await SaleRecord.get_or_none(lot_id=lot_id)
    if sale is None:
        raise NotFound("no sale record")
    role: Literal["buyer", "seller", "house"]
    if sale.buyer_user_id == principal.user_id:
        role = "buyer"
    elif principal.is_platform_admin or is_house_staff(principal, sale.house_org_id):
        role = "house"
    elif principal.roles_in(sale.seller_org_id):
        role = "seller"
    else:
        raise NotFound("no sale record")  # not theirs: as if there were none
    deposit: SaleDeposit | None = None
    balance: int | None = None
    reference: str | None = None
    total = sale.hammer_price + sale.buyer_premium
    if role != "seller":
        reg = await Registration.get_or_none(session_id=sale.session_id, paddle=sale.buyer_paddle)
        if reg is not None:
            others = await SaleRecord.filter(session_id=sale.session_id, buyer_paddle=sale.buyer_paddle)
            due = _dues([reg], list(others))[sale.lot_id]
            deposit = SaleDeposit(amount=reg.deposit_amount, status=reg.deposit_status, applied=due.deposit_applied)
            balance = due.balance
            reference = reg.payment_reference
        else:  # a floor bidder without an online registration: nothing lodged here
            balance = total
    return SaleRecordOut(
        lot_id=sale.lot_id,
        session_id=sale.session_id,
        vehicle_id=sale.vehicle_id,
        hammer_price=sale.hammer_price,
        buyer_premium=sale.buyer_premium,
        total=total,
        buyer_paddle=sale.buyer_paddle,
        buyer_user_id=sale.buyer_user_id,
        buyer_org_id=sale.buyer_org_id,
        seller_org_id=sale.seller_org_id,
        house_org_id=sale.house_org_id,
        via=sale.via,
        sold_at=sale.sold_at.astimezone(UTC),
        viewer_role=role,
        deposit=deposit,
        balance_due=balance,
        payment_reference=reference,
        next_steps=rules.next_steps(role, balance if balance is not None else total),
    )
