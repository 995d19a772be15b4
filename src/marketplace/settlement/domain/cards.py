"""Rules of the card rail that need no provider: what a state means, the hold's life, the postings.

A card authorisation (a manual-capture PaymentIntent) lapses about 7 days after it is made; a deposit needed
for longer is captured before then and refunded later, never left to lapse. The margin of a day keeps a capture
made by a sweep that ran late inside the window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.settlement.domain.ledger import Leg, credit, debit, without_zero_legs

AUTHORISATION_LIFE = timedelta(days=7)
CAPTURE_MARGIN = timedelta(days=1)
ANSWERED = frozenset({"requires_payment_method", "requires_confirmation", "requires_action", "processing",
                      "requires_capture", "succeeded", "canceled"})  # fmt: skip
FINAL = frozenset({"succeeded", "canceled", "failed"})


def capture_by(authorised_at: datetime) -> datetime:
    """The last moment to capture a held deposit: the authorisation's life less the margin."""
    return authorised_at + AUTHORISATION_LIFE - CAPTURE_MARGIN


def must_capture(authorised_at: datetime, needed_until: datetime | None, now: datetime) -> bool:
    """Capture now (and refund later) when the deposit is needed past the hold's life and the hold is near its end."""
    if needed_until is not None and needed_until <= capture_by(authorised_at):
        return False
    return now >= capture_by(authorised_at)


def payment_legs(party: str, applied_fen: int, credit_fen: int, currency: str) -> list[Leg]:
    """A card payment that succeeded: the money is on its way from the provider (Stripe clearing)."""
    return without_zero_legs(
        [
            debit("stripe_clearing", "", applied_fen + credit_fen, currency),
            credit("buyer_receivable", party, applied_fen, currency),
            credit("buyer_credit", party, credit_fen, currency),
        ]
    )


def refund_legs(party: str, amount_fen: int, currency: str) -> list[Leg]:
    """A buyer's credit paid back to the card it came from."""
    return [debit("buyer_credit", party, amount_fen, currency), credit("stripe_clearing", "", amount_fen, currency)]


def settled_legs(amount_fen: int, fee_fen: int, net_fen: int, currency: str) -> list[Leg]:
    """A provider balance transaction: the gross leaves the clearing account, the net is in the provider's balance,
    the fee is an expense. Signed, so a refund (negative amount) reverses the same way."""
    return without_zero_legs(
        [
            debit("stripe_balance", "", net_fen, currency),
            debit("payment_fees", "", fee_fen, currency),
            credit("stripe_clearing", "", amount_fen, currency),
        ]
    )
