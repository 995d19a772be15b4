"""PDF documents: pure renderers from plain content (model.py) to PDF bytes, used by settlement and export.

`render(content)` is pure and CPU-heavy (a font subset, layout, compression): callers on the event loop use
`await render_offloaded(content)`, which runs it in the offload worker processes with a CPU budget. This
package reads no database and imports neither settlement nor export; they gather the content and call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marketplace import offload
from marketplace.documents import contract, exports, sales, statements
from marketplace.documents.layout import DocumentTooLarge, Sheet, compose
from marketplace.documents.model import (
    BuyerInvoice,
    CommercialInvoice,
    Content,
    ExportContract,
    ExportDossier,
    GatePass,
    PackingList,
    PayoutStatement,
    SaleConfirmation,
    SaleContract,
    SellerStatement,
)

__all__ = ["DocumentTooLarge", "render", "render_offloaded", "sheet_for"]

# A document's CPU budget in the worker: a typical one takes well under 2 s; the bounds keep the largest far
# inside this, which only stops what they did not foresee.
CPU_SECONDS = 20.0

_BUILDERS: dict[type, Callable[[Any], Sheet]] = {
    SaleConfirmation: sales.sale_confirmation,
    BuyerInvoice: sales.buyer_invoice,
    PayoutStatement: sales.payout_statement,
    SellerStatement: statements.seller_statement,
    GatePass: sales.gate_pass,
    SaleContract: contract.sale_contract,
    CommercialInvoice: exports.commercial_invoice,
    PackingList: exports.packing_list,
    ExportContract: exports.export_contract,
    ExportDossier: exports.export_dossier,
}


def sheet_for(content: Content) -> Sheet:
    builder = _BUILDERS.get(type(content))
    if builder is None:
        raise TypeError(f"no renderer for {type(content).__name__}")
    return builder(content)


def render(content: Content) -> bytes:
    """The document as PDF bytes. Raises DocumentTooLarge past the bounds."""
    return compose(sheet_for(content))


async def render_offloaded(content: Content) -> bytes:
    return await offload.run(render, content, cpu_seconds=CPU_SECONDS)
