"""HTTP handlers of settlement, one module per part of the back office: parse, call one service, serialise."""

from __future__ import annotations

from starlette.routing import BaseRoute

from marketplace.settlement.routes import (
    bank,
    books,
    cards,
    deposits,
    disputes,
    documents,
    payees,
    payouts,
    refunds,
    transfers,
)

routes: list[BaseRoute] = [
    *books.routes,
    *bank.routes,
    *cards.routes,
    *payees.routes,
    *deposits.routes,
    *payouts.routes,
    *transfers.routes,
    *disputes.routes,
    *documents.routes,
    *refunds.routes,
]
