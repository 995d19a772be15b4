"""The export VAT refund (出口退税) of a used car: never more than the tax on its purchase invoice.

Only a special VAT invoice (增值税专用发票) carries a deductible tax; an ordinary invoice, or a car bought from a
private person, yields nothing. The refund is the invoice's net amount times the refund rate, rounded down to
the fen, capped at the invoice's tax. Rates are basis points (1300 = 13 %); money is integer fen.
"""

from __future__ import annotations

from typing import Literal

InvoiceKind = Literal["special_vat", "ordinary", "private_seller"]


def refundable(kind: InvoiceKind, net_fen: int, tax_fen: int, refund_rate_bp: int) -> int:
    if kind != "special_vat" or net_fen <= 0 or tax_fen <= 0 or refund_rate_bp <= 0:
        return 0
    return min(tax_fen, net_fen * refund_rate_bp // 10_000)
