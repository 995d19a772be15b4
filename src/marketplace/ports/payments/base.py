"""Payments port: deposits (保证金) for auction registration. Offline bank transfer now; Stripe later."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DepositInstruction:
    reference: str  # quoted by the payer so staff can match the transfer
    amount: int  # fen
    method: str  # "bank_transfer" | "card"
    instructions: str  # what the payer is told to do


class PaymentGateway(Protocol):
    name: str

    async def request_deposit(self, reference: str, amount: int) -> DepositInstruction:
        """Ask the payer for a deposit; the reference is ours and unique."""
        ...

    def confirmation_is_manual(self) -> bool:
        """True when staff confirm receipt (offline transfer); False when the provider calls back."""
        ...


# --- the card rail: payments and card-held deposits by a provider (Stripe) ------------------------------------
#
# The shape is kept for three kinds of provider: Stripe (the house's or the exporter's own offshore account takes
# the money), and a licensed domestic split-payment provider (not built): the money sits with the provider, which
# pays each recipient its share when told to. So nothing here assumes the house holds the funds: a request names
# its payee (whose account takes it) and may carry splits; an adapter that cannot split refuses them.


@dataclass(frozen=True)
class Split:
    recipient: str  # the provider's id for a recipient's account (the consignor, the house)
    amount: int  # minor units


@dataclass(frozen=True)
class Payee:
    account: str = ""  # the provider account that takes the money ("": the API key's own)
    splits: tuple[Split, ...] = ()  # a split-payment provider divides the money on settlement


@dataclass(frozen=True)
class CardRequest:
    idempotency_key: str  # stored with the operation row before the first call: a retry is the same request
    amount: int  # minor units of currency
    currency: str  # ISO code, upper case
    capture: str  # "automatic" (a payment) | "manual" (an authorisation held, captured later: a deposit)
    payee: Payee
    description: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class CardPayment:
    id: str
    status: str  # the provider's: requires_payment_method, requires_action, processing, requires_capture, …
    amount: int
    amount_received: int
    amount_capturable: int
    currency: str
    client_secret: str | None  # for the payer's browser to confirm the card
    latest_charge: str | None
    metadata: dict[str, str]


@dataclass(frozen=True)
class CheckoutRequest:
    """A hosted checkout page (Stripe Checkout, mode=payment) for one amount: the payer leaves our site to pay."""

    idempotency_key: str  # stored with the operation row before the first call, as for a payment
    amount: int  # minor units of currency: one line item of this amount
    currency: str  # ISO code, upper case
    item: str  # the line item's name, as the payer sees it on the hosted page
    reference: str  # ours, shown back as the session's client_reference_id
    success_url: str
    cancel_url: str
    payee: Payee
    metadata: dict[str, str]


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    status: str  # the provider's: open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    url: str | None  # the hosted page, while it is open
    amount_total: int
    currency: str
    payment_id: str | None  # the payment it made (Stripe: a PaymentIntent), once the payer confirmed
    client_reference_id: str | None
    expires_at: int  # unix seconds
    metadata: dict[str, str]


@dataclass(frozen=True)
class CardRefund:
    id: str
    payment_id: str
    amount: int
    currency: str
    status: str


@dataclass(frozen=True)
class BalanceLine:
    id: str
    type: str  # charge, payment, refund, payout, adjustment, …
    source: str  # the charge or refund it moved money for
    amount: int
    fee: int
    net: int
    currency: str
    created: int  # unix seconds


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    created: int
    object_id: str
    account: str = ""  # the connected account the event happened on (Stripe Connect's `account`); "": the platform's


@dataclass(frozen=True)
class ProviderAccount:
    """A connected account as the provider has it: whether it may take card payments now."""

    id: str
    charges_enabled: bool
    country: str
    default_currency: str


class CardRailError(Exception):
    """The provider refused or could not be reached. `retryable`: the same call (same key) may be made again."""

    def __init__(self, message: str, code: str, retryable: bool) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class WebhookRefused(Exception):
    """A webhook that is not the provider's (bad signature) or is outside the time window: nothing is done."""


class CardRail(Protocol):
    name: str
    currencies: frozenset[str]  # what it settles (Stripe: no CNY for a mainland business)

    async def create_payment(self, request: CardRequest) -> CardPayment: ...

    async def retrieve_payment(self, payment_id: str, payee: Payee) -> CardPayment: ...

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutSession: ...

    async def retrieve_checkout(self, session_id: str, payee: Payee) -> CheckoutSession: ...

    async def capture(self, payment_id: str, amount: int, idempotency_key: str, payee: Payee) -> CardPayment: ...

    async def cancel(self, payment_id: str, idempotency_key: str, payee: Payee) -> CardPayment: ...

    async def refund(self, payment_id: str, amount: int, idempotency_key: str, payee: Payee) -> CardRefund: ...

    async def balance_lines(self, payee: Payee, created_from: int) -> list[BalanceLine]: ...

    async def retrieve_account(self, account: str) -> ProviderAccount:
        """The connected account, as the platform sees it; CardRailError `card_account_not_found` if the platform
        is not connected to it."""
        ...

    def verify_event(self, payload: bytes, signature: str, now: float) -> ProviderEvent:
        """The event if the signature is the provider's and its time is within the tolerance either way."""
        ...
