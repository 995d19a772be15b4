"""The house-wide list of consignor payouts (卖方结算): every consigned sale of the house, due, waiting, paid or
unwound, newest sale first. The state is the one `payouts.status_of` gives a single sale; the filter narrows in
SQL on the same facts (the invoice paid, the handover before the dispute window's length, no dispute open, the
payout row), so a page is O(limit) rows and a handful of queries whatever the house's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation
from marketplace.errors import NotFound
from marketplace.settlement.domain import access
from marketplace.settlement.domain import handover as rules
from marketplace.settlement.domain import ledger as ledger_rules
from marketplace.settlement.domain.invoices import seller_party
from marketplace.settlement.models import Dispute, GatePass, Invoice, LedgerAccount, Payout, Sale
from marketplace.settlement.services.handover import window_days
from marketplace.settlement.services.invoices import local_day
from marketplace.settlement.services.payouts import assemble
from marketplace.web.pagination import PageQuery, paginate

STATES = ("due", "waiting", "paid", "unwound")


@dataclass(frozen=True)
class PayoutRow:
    sale_id: int
    seller_org_id: int
    seller_name: str
    source: str
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    sold_at: datetime
    currency: str
    amount_fen: int  # what is (or was) transferred to the consignor
    state: str  # due | waiting | paid | unwound
    waiting: list[str]
    due_date: date | None  # the day the dispute window closes (Asia/Shanghai); unknown until the handover
    bank_reference: str | None
    paid_on: date | None


def _window_closed(now: datetime, house_window: int, kept: list[int]) -> Q:
    """Handovers whose dispute window has closed at `now`, as `rules.window_of` says for each pass: the window kept
    on it (the house's at its handover) or the house's now, whichever is longer. `kept` lists the windows the
    house's passes keep (a few values), so this stays one indexed filter."""
    closed = Q(dispute_window_days__isnull=True, handed_over_at__lte=now - timedelta(days=house_window))
    for days in kept:
        longest = rules.window_of(days, house_window)
        closed |= Q(dispute_window_days=days, handed_over_at__lte=now - timedelta(days=longest))
    return closed


def _narrowed(house_org_id: int, state: str | None, window_closed_q: Q) -> QuerySet[Sale]:
    """The house's consigned sales (a dealer's own stock has no consignor), narrowed to one state."""
    qs = Sale.filter(house_org_id=house_org_id).exclude(seller_org_id=house_org_id)
    if state is None:
        return qs
    if state == "unwound":
        return qs.filter(unwound_at__not_isnull=True)
    paid = Subquery(Payout.filter(house_org_id=house_org_id).values("sale_id"))
    if state == "paid":
        return qs.filter(unwound_at__isnull=True, id__in=paid)
    open_ = qs.filter(unwound_at__isnull=True).exclude(id__in=paid)
    invoice_paid = Subquery(Invoice.filter(house_org_id=house_org_id, status="paid").values("sale_id"))
    window_closed = Subquery(GatePass.filter(window_closed_q, house_org_id=house_org_id).values("sale_id"))
    disputed = Subquery(Dispute.filter(house_org_id=house_org_id, status="open").values("sale_id"))
    if state == "due":
        return open_.filter(id__in=invoice_paid).filter(id__in=window_closed).exclude(id__in=disputed)
    return open_.filter(~Q(id__in=invoice_paid) | ~Q(id__in=window_closed) | Q(id__in=disputed))


async def house_payouts(
    principal: Principal, house_org_id: int, state: str | None, cursor: str | None, limit: int, now: datetime
) -> tuple[list[PayoutRow], str | None]:
    """For the house's staff (platform staff read); anyone else 404, as for every list of the house's books."""
    if not access.reads_books(principal, house_org_id):
        raise NotFound("not found")
    window = await window_days(house_org_id)
    kept: list[Any] = await (
        GatePass.filter(house_org_id=house_org_id, dispute_window_days__not_isnull=True)
        .distinct()
        .values_list("dispute_window_days", flat=True)
    )
    closed = _window_closed(now, window, sorted({int(d) for d in kept}))
    sales, next_cursor = await paginate(_narrowed(house_org_id, state, closed), PageQuery(cursor=cursor, limit=limit),
                                        lambda s: s)  # fmt: skip
    ids = [s.id for s in sales]
    invoices = {i.sale_id: i for i in await Invoice.filter(sale_id__in=ids)}
    gates = {g.sale_id: g for g in await GatePass.filter(sale_id__in=ids)}
    disputes = {d.sale_id: d for d in await Dispute.filter(sale_id__in=ids)}
    payouts = {p.sale_id: p for p in await Payout.filter(sale_id__in=ids)}
    parties = {seller_party(s.seller_org_id) for s in sales}
    accounts = await LedgerAccount.filter(house_org_id=house_org_id, code__in=["seller_payable"], party__in=parties)
    kind = ledger_rules.account_type("seller_payable")
    payable = {(a.party, a.currency): ledger_rules.natural(kind, a.balance_fen) for a in accounts}
    names = {o.id: o.name for o in await Organisation.filter(id__in={s.seller_org_id for s in sales})}
    rows = []
    for sale in sales:
        gate, payout = gates.get(sale.id), payouts.get(sale.id)
        st = assemble(sale, invoices.get(sale.id), gate, disputes.get(sale.id), payout, window,
                      payable.get((seller_party(sale.seller_org_id), sale.currency), 0), now)  # fmt: skip
        unwound = rules.Waiting.UNWOUND in st.waiting
        delivered = gate.handed_over_at if gate is not None else None
        rows.append(
            PayoutRow(
                sale_id=sale.id, seller_org_id=sale.seller_org_id, seller_name=names.get(sale.seller_org_id, ""),
                source=sale.source, lot_id=sale.lot_id, listing_id=sale.listing_id, vehicle_id=sale.vehicle_id,
                sold_at=sale.sold_at, currency=sale.currency,
                amount_fen=0 if unwound else (payout.amount_fen if payout else max(st.figures.amount_fen, 0)),
                state="unwound" if unwound else st.state,
                waiting=[w.value for w in st.waiting if w is not rules.Waiting.UNWOUND],
                due_date=None if delivered is None else local_day(rules.dispute_window_closes(
                    delivered, rules.window_of(gate.dispute_window_days if gate is not None else None, window))),
                bank_reference=payout.bank_reference if payout else None, paid_on=payout.paid_on if payout else None,
            )
        )  # fmt: skip
    return rows, next_cursor
