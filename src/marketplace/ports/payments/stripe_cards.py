"""The card rail on Stripe: the only module that imports `stripe`.

Stripe serves buyers abroad (export buyers paying in USD, EUR or HKD to the house's or the exporter's offshore
entity). It cannot settle CNY for a mainland business, so CNY is refused here before any call. Every call that
creates or moves money carries the idempotency key stored with the operation row before the first attempt, so a
retry after a crash is the same request and Stripe answers it with the same object.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import stripe

from marketplace.ports.payments.base import (
    BalanceLine,
    CardPayment,
    CardRailError,
    CardRefund,
    CardRequest,
    CheckoutRequest,
    CheckoutSession,
    Payee,
    ProviderAccount,
    ProviderEvent,
    WebhookRefused,
)

T = TypeVar("T")
TOLERANCE_SECONDS = 300  # Stripe's own default for a signature's age; we hold the future to it too
CURRENCIES = frozenset({"USD", "EUR", "HKD"})


class _HTTPXClient(stripe.HTTPXClient):
    """stripe 16 hands httpx its encoded form as `data=`, which httpx 0.28 deprecates for raw text (a warning on
    every call); the same bytes as `content=` are the same request."""

    def _get_request_args_kwargs(self, method: str, url: str, headers: Any, post_data: Any) -> Any:
        args, kwargs = super()._get_request_args_kwargs(method, url, headers, post_data)
        if isinstance(kwargs.get("data"), str | bytes):
            kwargs["content"] = kwargs.pop("data")
        elif not kwargs.get("data"):
            kwargs.pop("data", None)
        return args, kwargs


class StripeCards:
    name = "stripe"
    currencies = CURRENCIES

    def __init__(
        self, secret_key: str, webhook_secret: str, api_base: str | None = None, timeout: float = 20.0,
        tolerance: int = TOLERANCE_SECONDS, connect_webhook_secret: str = "",
    ) -> None:  # fmt: skip
        bases: Any = {"api": api_base} if api_base else None
        self._client = stripe.StripeClient(
            secret_key, base_addresses=bases, http_client=_HTTPXClient(timeout=timeout), max_network_retries=0
        )
        # Direct charges happen on the connected accounts, so their events go to a Connect endpoint, which Stripe
        # signs with that endpoint's own secret; the platform's endpoint has another. Either may sign a delivery.
        self._webhook_secrets = tuple(x for x in (webhook_secret, connect_webhook_secret) if x) or ("",)
        self._tolerance = tolerance

    @staticmethod
    def _options(payee: Payee, idempotency_key: str | None = None) -> Any:
        options: dict[str, str] = {}
        if idempotency_key:
            options["idempotency_key"] = idempotency_key
        if payee.account:  # a connected account: the house's or exporter's own Stripe account takes the money
            options["stripe_account"] = payee.account
        return options

    async def create_payment(self, request: CardRequest) -> CardPayment:
        if request.currency not in CURRENCIES:
            raise CardRailError(f"Stripe settles no {request.currency} here", "card_currency_unsupported", False)
        if request.payee.splits:
            raise CardRailError("Stripe does not split a payment between recipients", "card_splits_unsupported", False)
        params: Any = {
            "amount": request.amount,
            "currency": request.currency.lower(),
            "capture_method": request.capture,
            "description": request.description,
            "metadata": request.metadata,
            "automatic_payment_methods": {"enabled": True},
        }
        return await self._call(
            self._client.v1.payment_intents.create_async(params, self._options(request.payee, request.idempotency_key)),
            _payment,
        )

    async def retrieve_payment(self, payment_id: str, payee: Payee) -> CardPayment:
        return await self._call(
            self._client.v1.payment_intents.retrieve_async(payment_id, options=self._options(payee)), _payment
        )

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """A Checkout Session in payment mode: one line item of the amount, priced inline (no Product kept at
        Stripe); the PaymentIntent it makes carries the same metadata, so either object leads back to us."""
        if request.currency not in CURRENCIES:
            raise CardRailError(f"Stripe settles no {request.currency} here", "card_currency_unsupported", False)
        if request.payee.splits:
            raise CardRailError("Stripe does not split a payment between recipients", "card_splits_unsupported", False)
        params: Any = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "product_data": {"name": request.item},
                    },
                }
            ],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": request.reference,
            "metadata": request.metadata,
            "payment_intent_data": {
                "capture_method": "automatic",
                "description": request.item,
                "metadata": request.metadata,
            },
        }
        return await self._call(
            self._client.v1.checkout.sessions.create_async(
                params, self._options(request.payee, request.idempotency_key)
            ),
            _checkout,
        )

    async def retrieve_checkout(self, session_id: str, payee: Payee) -> CheckoutSession:
        return await self._call(
            self._client.v1.checkout.sessions.retrieve_async(session_id, options=self._options(payee)), _checkout
        )

    async def capture(self, payment_id: str, amount: int, idempotency_key: str, payee: Payee) -> CardPayment:
        params: Any = {"amount_to_capture": amount}
        return await self._call(
            self._client.v1.payment_intents.capture_async(payment_id, params, self._options(payee, idempotency_key)),
            _payment,
        )

    async def cancel(self, payment_id: str, idempotency_key: str, payee: Payee) -> CardPayment:
        return await self._call(
            self._client.v1.payment_intents.cancel_async(payment_id, options=self._options(payee, idempotency_key)),
            _payment,
        )

    async def refund(self, payment_id: str, amount: int, idempotency_key: str, payee: Payee) -> CardRefund:
        params: Any = {"payment_intent": payment_id, "amount": amount}
        return await self._call(
            self._client.v1.refunds.create_async(params, self._options(payee, idempotency_key)), _refund
        )

    async def balance_lines(self, payee: Payee, created_from: int) -> list[BalanceLine]:
        out: list[BalanceLine] = []
        params: Any = {"limit": 100, "created": {"gte": created_from}}
        while True:
            page = await self._call(
                self._client.v1.balance_transactions.list_async(params, self._options(payee)), lambda p: p
            )
            out.extend(_balance_line(bt) for bt in page.data)
            if not page.has_more or not page.data:
                return out
            params = {**params, "starting_after": page.data[-1].id}

    async def retrieve_account(self, account: str) -> ProviderAccount:
        try:
            acct = await self._client.v1.accounts.retrieve_async(account)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:  # no such account, or not one of this platform's
                raise CardRailError(str(exc.user_message or exc), "card_account_not_found", False) from None
            raise CardRailError(str(exc.user_message or exc), "card_refused", False) from None
        except stripe.StripeError as exc:
            return await self._call(_raise(exc), _account)  # mapped as every other call's error is
        return _account(acct)

    def verify_event(self, payload: bytes, signature: str, now: float) -> ProviderEvent:
        event: Any = None
        refusal = "no signing secret verifies it"
        for secret in self._webhook_secrets:
            try:
                event = stripe.Webhook.construct_event(payload, signature, secret, self._tolerance)
                break
            except (ValueError, stripe.SignatureVerificationError) as exc:
                refusal = str(exc)
        if event is None:
            raise WebhookRefused(refusal)
        # construct_event refuses a stale timestamp only; one from the future beyond the tolerance is as suspect
        # (a replay prepared ahead, or a clock that cannot be trusted to order events).
        try:
            stamp = int(next(p[2:] for p in signature.split(",") if p.startswith("t=")))
        except (StopIteration, ValueError):
            raise WebhookRefused("no timestamp in the signature") from None
        if stamp > now + self._tolerance:
            raise WebhookRefused("the signature's timestamp is in the future")
        if stamp < now - self._tolerance:  # construct_event reads time.time(); `now` is ours
            raise WebhookRefused("the signature's timestamp is too old")
        obj = event.data.object
        return ProviderEvent(
            id=event.id, type=event.type, created=int(event.created), object_id=str(_get(obj, "id") or ""),
            account=str(_get(event, "account") or ""),
        )  # fmt: skip

    @staticmethod
    async def _call(awaitable: Awaitable[Any], convert: Callable[[Any], T]) -> T:
        try:
            return convert(await awaitable)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise CardRailError(str(exc.user_message or exc), "card_provider_unavailable", True) from None
        except stripe.PermissionError as exc:  # a Stripe-Account the platform is not connected to
            raise CardRailError(str(exc.user_message or exc), "card_account_not_found", False) from None
        except stripe.IdempotencyError as exc:
            raise CardRailError(str(exc.user_message or exc), "card_idempotency_conflict", False) from None
        except stripe.APIError as exc:  # Stripe's 5xx: the outcome is unknown, the same key retries safely
            raise CardRailError(str(exc.user_message or exc), "card_provider_unavailable", True) from None
        except stripe.StripeError as exc:
            raise CardRailError(str(exc.user_message or exc), "card_refused", False) from None


async def _raise(exc: Exception) -> Any:
    raise exc


def _get(obj: Any, name: str) -> Any:
    # stripe 16's objects are not dicts: a field Stripe left out is an AttributeError.
    return getattr(obj, name, None)


def _id_of(value: Any) -> str | None:
    return value if isinstance(value, str) or value is None else str(value.id)


def _payment(pi: Any) -> CardPayment:
    metadata = _get(pi, "metadata")
    meta = metadata.to_dict() if hasattr(metadata, "to_dict") else dict(metadata or {})
    return CardPayment(
        id=pi.id, status=pi.status, amount=int(pi.amount), amount_received=int(_get(pi, "amount_received") or 0),
        amount_capturable=int(_get(pi, "amount_capturable") or 0), currency=str(pi.currency).upper(),
        client_secret=_get(pi, "client_secret"), latest_charge=_id_of(_get(pi, "latest_charge")),
        metadata={str(k): str(v) for k, v in meta.items()},
    )  # fmt: skip


def _metadata(obj: Any) -> dict[str, str]:
    metadata = _get(obj, "metadata")
    meta = metadata.to_dict() if hasattr(metadata, "to_dict") else dict(metadata or {})
    return {str(k): str(v) for k, v in meta.items()}


def _checkout(cs: Any) -> CheckoutSession:
    return CheckoutSession(
        id=cs.id, status=str(cs.status), payment_status=str(_get(cs, "payment_status") or "unpaid"),
        url=_get(cs, "url"), amount_total=int(_get(cs, "amount_total") or 0), currency=str(cs.currency).upper(),
        payment_id=_id_of(_get(cs, "payment_intent")), client_reference_id=_get(cs, "client_reference_id"),
        expires_at=int(_get(cs, "expires_at") or 0), metadata=_metadata(cs),
    )  # fmt: skip


def _account(acct: Any) -> ProviderAccount:
    return ProviderAccount(
        id=acct.id, charges_enabled=bool(_get(acct, "charges_enabled")), country=str(_get(acct, "country") or ""),
        default_currency=str(_get(acct, "default_currency") or "").upper(),
    )  # fmt: skip


def _refund(re: Any) -> CardRefund:
    return CardRefund(
        id=re.id, payment_id=_id_of(_get(re, "payment_intent")) or "", amount=int(re.amount),
        currency=str(re.currency).upper(), status=str(re.status),
    )  # fmt: skip


def _balance_line(bt: Any) -> BalanceLine:
    return BalanceLine(
        id=bt.id, type=str(bt.type), source=_id_of(_get(bt, "source")) or "", amount=int(bt.amount), fee=int(bt.fee),
        net=int(bt.net), currency=str(bt.currency).upper(), created=int(bt.created),
    )  # fmt: skip


def select(
    secret_key: str | None, webhook_secret: str | None, api_base: str | None = None,
    connect_webhook_secret: str | None = None,
) -> StripeCards | None:  # fmt: skip
    """The card rail when Stripe is configured; None otherwise (the embedded profile takes bank transfers only)."""
    if not secret_key:
        return None
    return StripeCards(secret_key, webhook_secret or "", api_base, connect_webhook_secret=connect_webhook_secret or "")
