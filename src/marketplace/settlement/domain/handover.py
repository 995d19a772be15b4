"""After the money: the gate pass (提车), the seller's payout, the 过户 clock, disputes. Pure rules, time passed in.

Each function answers one question the services ask; the services load the rows, ask, and write the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from marketplace.settlement.domain.calendar import WorkingCalendar
from marketplace.settlement.domain.fees import Estimate
from marketplace.settlement.domain.invoices import buyer_party, seller_party
from marketplace.settlement.domain.ledger import FEE_INCOME_PREFIX, Leg, credit, debit, without_zero_legs

# --- the gate pass ----------------------------------------------------------------------------------------------

# 31 symbols without 0/O, 1/I/L: a code read aloud or typed from a phone is not mistaken. 8 of them are
# 31**8 ≈ 8.5e11 codes (39.6 bits); a guess is answered exactly like a typo, and only the house's own staff
# may try at all.
GATE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GATE_CODE_LENGTH = 8


def normalise_gate_code(typed: str) -> str | None:
    """The code as stored, from what the yard scanned or typed (case, spaces and dashes ignored); None when it
    cannot be a code at all (which the caller answers exactly as an unknown code)."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != GATE_CODE_LENGTH or any(ch not in GATE_ALPHABET for ch in code):
        return None
    return code


# --- the seller's payout ----------------------------------------------------------------------------------------


class Waiting(StrEnum):
    """Why a payout is not due yet (every reason that applies is listed)."""

    NOT_PAID = "invoice_not_paid"  # the buyer has not paid in full
    NOT_HANDED_OVER = "not_handed_over"  # the gate pass was not scanned at the yard
    DISPUTE_WINDOW_OPEN = "dispute_window_open"  # the buyer may still open a dispute
    DISPUTE_OPEN = "dispute_open"  # a dispute awaits the house's answer
    UNWOUND = "sale_unwound"  # the sale was undone: nothing is owed to the seller for it
    OWN_STOCK = "own_stock"  # a dealer's own sale: no consignor to pay


@dataclass(frozen=True)
class PayoutFigures:
    hammer_fen: int
    commission_fen: int  # the seller commission (佣金) of the sale's schedule
    seller_fees_fen: int  # the seller's fixed fees of the sale's schedule
    adjustments_fen: int  # price adjustments refunded to the buyer after a dispute, borne by the seller
    set_off_fen: int  # other fees the seller owes the house (its payable account is short by this much)
    amount_fen: int  # what the house transfers

    @property
    def net_of_sale_fen(self) -> int:
        return self.hammer_fen - self.commission_fen - self.seller_fees_fen - self.adjustments_fen


def payout_figures(est: Estimate, adjustments_fen: int, payable_balance_fen: int) -> PayoutFigures:
    """hammer − seller commission − the seller's fees; less what was refunded to the buyer on a dispute; and
    never more than the seller's payable account holds, so fees the seller owes the house elsewhere (relist,
    storage charged to the seller) are set off rather than paid out."""
    commission = sum(c.amount_fen for c in est.seller_charges if c.kind == "seller_commission")
    others = sum(c.amount_fen for c in est.seller_charges if c.kind != "seller_commission")
    net = est.hammer_fen - commission - others - adjustments_fen
    amount = max(0, min(net, payable_balance_fen))
    return PayoutFigures(est.hammer_fen, commission, others, adjustments_fen, max(net, 0) - amount, amount)


def window_of(recorded_days: int | None, house_days: int) -> int:
    """The dispute window of a delivered vehicle: never shorter than the one in force at its handover (kept on its
    gate pass), so a house that shortens its window later cannot cut short a buyer's right already running; a
    longer window the house sets later applies (the house chose to give its buyers more time). A pass handed over
    before the window was kept has the house's current window."""
    return house_days if recorded_days is None else max(recorded_days, house_days)


def dispute_window_closes(delivered_at: datetime, window_days: int) -> datetime:
    """The buyer may open a dispute until this moment: `window_days` × 24 hours after the handover."""
    return delivered_at + timedelta(days=window_days)


def payout_waiting(
    *,
    own_stock: bool,
    invoice_paid: bool,
    delivered_at: datetime | None,
    window_days: int,
    dispute_open: bool,
    unwound: bool,
    now: datetime,
) -> list[Waiting]:
    """Every reason the payout is not due at `now`; an empty list means it is due."""
    if own_stock:
        return [Waiting.OWN_STOCK]
    if unwound:
        return [Waiting.UNWOUND]
    waits = []
    if not invoice_paid:
        waits.append(Waiting.NOT_PAID)
    if delivered_at is None:
        waits.append(Waiting.NOT_HANDED_OVER)
    elif now < dispute_window_closes(delivered_at, window_days):
        waits.append(Waiting.DISPUTE_WINDOW_OPEN)
    if dispute_open:
        waits.append(Waiting.DISPUTE_OPEN)
    return waits


def payout_legs(seller_org_id: int, amount_fen: int, currency: str) -> list[Leg]:
    """The consignor is paid from the house's bank account: the payable falls by what was transferred."""
    return [
        debit("seller_payable", seller_party(seller_org_id), amount_fen, currency),
        credit("bank_clearing", "", amount_fen, currency),
    ]


# --- 过户: the registration transfer ------------------------------------------------------------------------------

TRANSFER_DAYS = 30  # 《机动车登记规定》(公安部令第164号) 第二十五条: 自机动车交付之日起三十日内申请转让登记
DOCUMENTS = ("driving_licence", "registration_certificate", "invoice")  # 行驶证 · 登记证书 · 二手车销售统一发票


class Blocker(StrEnum):
    MORTGAGE = "mortgage"  # 抵押登记未解除: the vehicle cannot change hands at the 车管所
    PENDING_VIOLATION = "pending_violation"  # 未处理的交通违法: must be cleared before the transfer


class Outcome(StrEnum):
    NONE = "none"  # re-registered in the selling city: a 过户 with no 转籍
    IN_PROVINCE = "in_province"  # 省内转籍
    CROSS_PROVINCE = "cross_province"  # 跨省转籍


def transfer_deadline(delivered_on: date, calendar: WorkingCalendar) -> date:
    """The last day to apply: 30 calendar days after delivery, the day of delivery not counted (民法典 第二百零一条);
    when that day is a rest day (a weekend or public holiday) the last day is the next working day
    (民法典 第二百零三条)."""
    last = delivered_on + timedelta(days=TRANSFER_DAYS)
    while not calendar.is_working_day(last):
        last += timedelta(days=1)
    return last


# A reminder is due from the start of its day (the house's local date): ten days left, three left, the last day,
# then once when the deadline has passed. Each is sent once.
REMINDERS = (("days_left_10", 10), ("days_left_3", 3), ("last_day", 0), ("overdue", -1))


def reminders_due(deadline: date, today: date, sent: set[str]) -> list[str]:
    """The reminders that are due and not sent yet. Only the latest one due is sent, so a transfer discovered late
    (the sweeper was down) gets one message, not four; the earlier ones are marked as passed."""
    due = [kind for kind, left in REMINDERS if (deadline - today).days <= left]
    return [due[-1]] if due and due[-1] not in sent else []


def reminders_passed(deadline: date, today: date) -> list[str]:
    return [kind for kind, left in REMINDERS if (deadline - today).days <= left]


def transfer_outcome(from_province: str, from_city: str, to_province: str, to_city: str) -> Outcome:
    """Compared by name after trimming; a province-level city (北京, 上海, 天津, 重庆) is its own city."""
    if from_province.strip() != to_province.strip():
        return Outcome.CROSS_PROVINCE
    if from_city.strip() != to_city.strip():
        return Outcome.IN_PROVINCE
    return Outcome.NONE


# --- disputes ---------------------------------------------------------------------------------------------------

DEFAULT_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 90


class Reason(StrEnum):
    UNDISCLOSED_DAMAGE = "undisclosed_damage"  # damage the condition report did not disclose
    MILEAGE = "mileage"  # 调表: the odometer was wound back
    TITLE_DOCUMENTS = "title_documents"  # title or documents (登记证书, 行驶证, invoice) wrong or missing
    MAJOR_ACCIDENT = "major_accident"  # 重大事故车 as GB/T 30323-2013 defines it
    FLOOD = "flood"  # 泡水车 (GB/T 30323)
    FIRE = "fire"  # 火烧车 (GB/T 30323)


class Answer(StrEnum):
    REJECTED = "rejected"
    PRICE_ADJUSTMENT = "price_adjustment"  # a partial refund
    UNWIND = "unwind"  # full refund, the vehicle returned, the sale out of the statistics


class Level(StrEnum):
    """The seed's order of escalation: within the company, then the association, then the authorities."""

    HOUSE = "house"
    ASSOCIATION = "association"
    AUTHORITIES = "authorities"


NEXT_LEVEL = {Level.HOUSE: Level.ASSOCIATION, Level.ASSOCIATION: Level.AUTHORITIES}


class Decider(StrEnum):
    """Who records the decision of a case at its level. Money moves only in the house's books (it collected it),
    so the association's mediation (调解) binds through the house's terms, which accept it: its ruling is posted
    exactly as a house answer. The platform does not rule for the authorities: the house records their outcome."""

    HOUSE = "house"
    ASSOCIATION = "association"


DECIDES = {Level.HOUSE: Decider.HOUSE, Level.ASSOCIATION: Decider.ASSOCIATION, Level.AUTHORITIES: Decider.HOUSE}


class DisputeError(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def may_open_dispute(delivered_at: datetime | None, window_days: int, now: datetime) -> None:
    if delivered_at is None:
        raise DisputeError("a dispute opens after the vehicle was handed over", "not_handed_over")
    if now >= dispute_window_closes(delivered_at, window_days):
        raise DisputeError(f"disputes are opened within {window_days} days of the handover", "dispute_window_closed")


def may_decide(decider: Decider, level: Level, status: str) -> None:
    """An open case is decided by whoever decides at its level, once; the house is told when the case is the
    association's, the association when the case has left it (for the authorities)."""
    if DECIDES[level] is not decider:
        if decider is Decider.HOUSE:
            raise DisputeError("the case is with the association: its ruling decides it", "dispute_with_association")
        raise DisputeError("the case is no longer with the association", "dispute_not_with_association")
    if status != "open":
        raise DisputeError("the dispute awaits no answer", "dispute_not_open")


def check_refund(amount_fen: int, paid_fen: int, refunded_fen: int) -> None:
    """A refund never exceeds what the buyer paid less what was refunded already."""
    if amount_fen <= 0:
        raise DisputeError("a price adjustment refunds a positive amount", "invalid_refund")
    if amount_fen > paid_fen - refunded_fen:
        raise DisputeError(
            f"the refund exceeds what was paid and not yet refunded ({paid_fen - refunded_fen} fen)",
            "refund_exceeds_paid",
        )


def adjustment_legs(buyer_user_id: int, seller_org_id: int, own_stock: bool, amount_fen: int,
                    currency: str) -> list[Leg]:  # fmt: skip
    """A price adjustment: the house owes the buyer the amount (their buyer_credit) from what it owes the consignor
    (the misdescription is the consignor's); a dealer selling its own stock takes it off its sales income. No bank
    money moves at the decision: it leaves when house staff record the refund transfer (`credit_refund_legs`)."""
    owed = credit("buyer_credit", buyer_party(buyer_user_id), amount_fen, currency)
    if own_stock:
        return [debit("vehicle_sales", "", amount_fen, currency), owed]
    return [debit("seller_payable", seller_party(seller_org_id), amount_fen, currency), owed]


def unwind_legs(
    est: Estimate, buyer_user_id: int, seller_org_id: int, own_stock: bool, paid_fen: int, refunded_fen: int
) -> list[Leg]:
    """Undo the sale and refund what is left of the buyer's money, in one transaction: the sale's own legs reversed
    (the receivable cancelled, the consignor owed nothing, the fees and their VAT given back) and the money paid
    (deposit applied included) less earlier price adjustments owed back to the buyer as their credit, to be paid
    by bank when house staff record the refund. Earlier adjustments were taken from the consignor's payable (or a
    dealer's sales income), so less of it is reversed: each ends at zero for the sale."""
    cur = est.currency
    legs = [credit("buyer_receivable", buyer_party(buyer_user_id), est.total_due_fen, cur)]
    if own_stock:
        legs.append(debit("vehicle_sales", "", est.hammer_fen - refunded_fen, cur))
    else:
        legs.append(debit("seller_payable", seller_party(seller_org_id), est.seller_net_fen - refunded_fen, cur))
    charges = (*est.buyer_charges, *est.seller_charges)
    legs.extend(debit(FEE_INCOME_PREFIX + c.kind, "", c.amount_fen - c.vat_fen, cur) for c in charges)
    legs.append(debit("vat_payable", "", sum(c.vat_fen for c in charges), cur))
    # What the buyer had paid had lowered the receivable; the refund raises it back to zero.
    legs.append(debit("buyer_receivable", buyer_party(buyer_user_id), paid_fen, cur))
    legs.append(credit("buyer_credit", buyer_party(buyer_user_id), paid_fen - refunded_fen, cur))
    return _merge(without_zero_legs(legs))


def _merge(legs: list[Leg]) -> list[Leg]:
    out: dict[tuple[str, str, str], int] = {}
    for leg in legs:
        key = (leg.code, leg.party, leg.currency)
        out[key] = out.get(key, 0) + leg.amount_fen
    return [Leg(code, party, fen, cur) for (code, party, cur), fen in out.items() if fen]
