"""The demo's settlement history: what happened after the hammer of the demo house's two past sessions.

`marketplace demo` holds the sessions through auctions (auctions/demo_history.py) and then calls `settle`, which
hands their committed sale and session-end events to settlement's consumers (as the relay would) and plays each
sale's story through the real services at its moment in the past: receipts, the gate pass and the yard's scan, the
过户 steps, the consignor's payout, a dispute, the sweeper (late fees, notices, deposit refunds) and a default.
Every state is therefore one the services reached themselves, with its postings in the house's books.

The stories, by the key auctions returns for each lot (README.md, "What the demo shows after the hammer"):

| key | the earlier session (two weeks or more ago) | | key | the later session (the last working day) |
| --- | --- | --- | --- | --- |
| `paid_out` | paid, handed over, 过户 done, consignor paid | | `part_paid` | a bank receipt for part of it |
| `payout_due` | paid, handed over, dispute window closed | | `unpaid` | nothing paid, due date still ahead |
| `defaulted` | never paid: default declared today | | `disputed` | paid, handed over, the buyer disputes |
| `overdue` | never paid: past due, the late fee posted | | | |

Only settlement is imported here (it never imports auctions or listings); the caller passes ids.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import User
from marketplace.outbox.events import envelope
from marketplace.outbox.models import OutboxEvent
from marketplace.ports.files.base import FileStorage
from marketplace.settlement import holidays
from marketplace.settlement.domain import clocks as clock_rules
from marketplace.settlement.domain import handover as handover_rules
from marketplace.settlement.models import GatePass, Invoice, Sale
from marketplace.settlement.services import (
    defaults,
    deposits,
    disputes,
    fees,
    handover,
    invoices,
    payouts,
    sales,
    sweeper,
    transfers,
)

BEIJING = ZoneInfo("Asia/Shanghai")

# The demo house's published terms: the live demo's premium table (5 % below 10万, then 3 % + ¥500), 3 % commission
# from the consignor (at least ¥500), a ¥300 document fee, a ¥500 late fee (违约金) and the default clocks.
PAYMENT_DAYS = 3
FEE_RULES = {
    "buyer_premium": [
        {"lower_fen": 0, "upper_fen": 9_999_999, "rate_bp": 500},
        {"lower_fen": 10_000_000, "upper_fen": None, "rate_bp": 300, "flat_fen": 50_000},
    ],
    "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 300, "min_fen": 50_000}],
    "fixed": [{"kind": "document", "side": "buyer", "amount_fen": 30_000}],
    "late": {"flat_fen": 50_000},
    "vat_bp": 600,
    "payment_days": PAYMENT_DAYS,
}
PUBLISHED_DAYS_AGO = 60
WINDOW_DAYS = 7  # the dispute window the demo house keeps (the platform's default)
PROOF_LIMIT = 5 * 1024 * 1024


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a Beijing calendar day."""
    return datetime.combine(day, time(hour, minute), BEIJING)


def history_days(now: datetime) -> tuple[date, date]:
    """The days of the two past sessions. The later one is the last working day before today, so its invoices are
    still within their clock. The earlier one is at least two weeks back, and far enough that its unpaid invoice may
    go into default today and its paid vehicle's payout (handover + the dispute window) lies in the past."""
    cal = holidays.china()
    today = now.astimezone(BEIJING).date()
    later = today - timedelta(days=1)
    while not cal.is_working_day(later):
        later -= timedelta(days=1)
    earlier = today - timedelta(days=14)
    while True:
        if cal.is_working_day(earlier):
            due = cal.add_working_days(earlier, PAYMENT_DAYS)
            clocks = clock_rules.deadlines(cal, earlier, due, clock_rules.DEFAULT_TERMS, None)
            payout_on = cal.add_working_days(earlier, 1) + timedelta(days=WINDOW_DAYS + 1)
            if clocks.default_on < today and payout_on < today and cal.add_working_days(earlier, 4) < today:
                return earlier, later
        earlier -= timedelta(days=1)


async def publish_fees(house_org_id: int, house_admin_id: int, now: datetime) -> None:
    """The house published its fee schedule two months ago (so both past sessions pinned it)."""
    admin = await _principal(house_admin_id)
    published = now - timedelta(days=PUBLISHED_DAYS_AGO)
    await fees.create_version(admin, house_org_id, FEE_RULES, published, "演示收费标准 / demo fee schedule", published)


async def _principal(user_id: int) -> Principal:
    return await principal_for_user(await User.get(id=user_id))


async def deliver_events() -> int:
    """Hand every committed sale and session-end event to settlement's consumers, in order, as the relay would
    (each once: a later delivery by the relay changes nothing). Returns how many were new."""
    consumers: dict[str, Callable[[dict[str, object]], Awaitable[bool]]] = {
        sales.LOT_SOLD: sales.consume,
        deposits.SESSION_ENDED: deposits.consume,
    }
    new = 0
    for event in await OutboxEvent.filter(topic__in=list(consumers)).order_by("id"):
        new += await consumers[event.topic](envelope(event))
    return new


Step = tuple[datetime, Callable[[], Awaitable[object]]]


class _Story:
    """The steps of every sale, each at its moment; `run` plays them in time order."""

    def __init__(self, house_org_id: int, yard: Principal, admin: Principal, files: FileStorage | None) -> None:
        self.house, self.yard, self.admin, self.files = house_org_id, yard, admin, files
        self.steps: list[Step] = []

    def at(self, when: datetime, fn: Callable[..., Awaitable[object]], *args: object) -> None:
        self.steps.append((when, functools.partial(fn, *args)))

    async def run(self) -> None:
        for _, step in sorted(self.steps, key=lambda s: s[0]):
            await step()

    async def receipt(self, sale: Sale, when: datetime, part: bool = False) -> None:
        invoice = await Invoice.get(sale_id=sale.id)
        balance = invoice.total_fen - invoice.paid_fen
        amount = balance // 2 // 100_000 * 100_000 if part else balance  # a part payment in round thousands of yuan
        reference = f"ICBC{when.astimezone(BEIJING):%Y%m%d}{invoice.seq:05d}"
        received = when.astimezone(BEIJING).date()
        await invoices.record_receipt(self.yard, self.house, invoice.id, reference, amount, received, when)
        # The job on `settlement.receipt_recorded`: a gate pass once the invoice is paid in full.
        await handover.issue_if_paid(invoice.id, when + timedelta(minutes=1))

    async def scan(self, sale: Sale, when: datetime) -> None:
        code = (await GatePass.get(sale_id=sale.id)).pass_code
        await handover.scan(self.yard, self.house, code, when)

    async def documents(self, sale: Sale, when: datetime) -> None:
        await transfers.record_documents(self.yard, sale.id, list(handover_rules.DOCUMENTS), None, None, when)

    async def filed(self, sale: Sale, when: datetime) -> None:
        await transfers.record_filed(await _principal(sale.buyer_user_id), sale.id, when)

    async def proof(self, sale: Sale, when: datetime) -> None:
        if self.files is None:
            return  # no file storage given (a test's load): the transfer waits at `filed` for its proof
        buyer = await _principal(sale.buyer_user_id)
        await transfers.upload_proof(self.files, buyer, sale.id, proof_picture(), "image/png", PROOF_LIMIT,
                                     "重庆", "重庆", "渝A·D2026", when)  # fmt: skip
        await transfers.confirm(self.yard, sale.id, when + timedelta(hours=2))

    async def payout(self, sale: Sale, when: datetime) -> None:
        reference = f"ICBC{when.astimezone(BEIJING):%Y%m%d}P{sale.id:04d}"
        await payouts.record_payout(self.admin, sale.id, reference, when.astimezone(BEIJING).date(), when)

    async def dispute(self, sale: Sale, when: datetime) -> None:
        buyer = await _principal(sale.buyer_user_id)
        await disputes.open_dispute(
            buyer, sale.id, handover_rules.Reason.UNDISCLOSED_DAMAGE,
            "左后门有钣金修复痕迹，车况报告未披露。The left rear door has been repaired; the condition report does "
            "not say so.", when,
        )  # fmt: skip

    async def default(self, sale: Sale, when: datetime) -> None:
        invoice = await Invoice.get(sale_id=sale.id)
        reason = "买受人未在宽限期内付款 / not paid within the grace period"
        await defaults.declare(self.admin, invoice.id, reason, when)


async def settle(
    house_org_id: int, house_admin_id: int, yard_user_id: int, lots: dict[str, int], now: datetime,
    files: FileStorage | None = None,
) -> dict[str, int]:  # fmt: skip
    """Settle the past sessions' sales, each by its story (the module's table). `lots` maps each story's key to
    its lot id. Returns the settlement sale id per key."""
    await deliver_events()
    cal = holidays.china()
    sale = {key: await Sale.get(source="auction", source_ref=lot_id) for key, lot_id in lots.items()}
    story = _Story(house_org_id, await _principal(yard_user_id), await _principal(house_admin_id), files)

    def day_of(key: str) -> date:
        return sale[key].sold_at.astimezone(BEIJING).date()

    def after(key: str, working_days: int, hour: int) -> datetime:
        return local(cal.add_working_days(day_of(key), working_days), hour)

    if "paid_out" in sale:
        s = sale["paid_out"]
        story.at(after("paid_out", 1, 10), story.receipt, s, after("paid_out", 1, 10))
        handed = after("paid_out", 1, 15)
        story.at(handed, story.scan, s, handed)
        story.at(after("paid_out", 2, 10), story.documents, s, after("paid_out", 2, 10))
        story.at(after("paid_out", 3, 10), story.filed, s, after("paid_out", 3, 10))
        story.at(after("paid_out", 4, 10), story.proof, s, after("paid_out", 4, 10))
        paid = local(handed.date() + timedelta(days=WINDOW_DAYS + 1), 10)
        story.at(paid, story.payout, s, paid)
    if "payout_due" in sale:
        s = sale["payout_due"]
        story.at(after("payout_due", 1, 11), story.receipt, s, after("payout_due", 1, 11))
        story.at(after("payout_due", 1, 16), story.scan, s, after("payout_due", 1, 16))
        story.at(after("payout_due", 2, 11), story.documents, s, after("payout_due", 2, 11))
    if "part_paid" in sale:
        s = sale["part_paid"]
        story.at(local(day_of("part_paid"), 16), story.receipt, s, local(day_of("part_paid"), 16), True)
    if "disputed" in sale:
        s = sale["disputed"]
        story.at(local(day_of("disputed"), 14), story.receipt, s, local(day_of("disputed"), 14))
        story.at(local(day_of("disputed"), 15), story.scan, s, local(day_of("disputed"), 15))
        story.at(local(day_of("disputed"), 17), story.dispute, s, local(day_of("disputed"), 17))
    # Today: the sweeper's pass (late fees, notices, deposit refunds due), then the house declares the default.
    story.at(now - timedelta(hours=2), sweeper.sweep_once, now - timedelta(hours=2))
    if "defaulted" in sale:
        story.at(now - timedelta(hours=1), story.default, sale["defaulted"], now - timedelta(hours=1))
    await story.run()
    return {key: s.id for key, s in sale.items()}


@functools.lru_cache(maxsize=1)
def proof_picture() -> bytes:
    """A drawn stand-in for the new 登记证书 page the buyer photographs (marked as a demo picture)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 420), (236, 240, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 400), outline=(90, 110, 90), width=4)
    draw.text((48, 48), "Motor Vehicle Registration Certificate", fill=(40, 60, 40))
    draw.text((48, 90), "Plate: Yu A-D2026   Chongqing", fill=(40, 60, 40))
    draw.text((48, 360), "demo picture", fill=(160, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
