"""A LOCAL FAKE of the few Stripe endpoints the card rail uses. No Stripe server can be reached from here, so the
adapter (`marketplace.ports.payments.stripe_cards`, the real `stripe` SDK) talks to this over HTTP instead; the
contract suite (tests/contract/test_stripe_contract.py) runs the same calls against Stripe's test mode when
STRIPE_SECRET_KEY is a test key.

What it models, as Stripe documents it: PaymentIntents (create, retrieve, capture, cancel) with automatic or
manual capture; refunds; balance transactions (a charge's fee 2.9 % + 30, a refund's); the Idempotency-Key header
(the same key and parameters return the first answer, the same key with other parameters is a 400
idempotency_error); Checkout Sessions (create in payment mode with inline `price_data` line items, retrieve; the
payer paying on the hosted page is the fake's `POST /_fake/checkout/{id}/pay`, which makes the session's
PaymentIntent and its charge as Stripe does, `…/pay?delayed=1` leaves it `complete` but `unpaid` until
`…/settle`, and `…/expire` expires it); webhook events signed `t=…,v1=HMAC-SHA256(secret, "t.payload")`. The
buyer confirming the card in the browser is the fake's own endpoint `POST /_fake/confirm/{id}`. It counts what was
created, so a test can tell one charge from two.

Connect, as Stripe documents it for direct charges: a request with a `Stripe-Account` header acts on that connected
account, and every object it makes lives there (`owner`): the same id asked for on another account (or on the
platform's own, without the header) is a 404 resource_missing, balance transactions are listed per account, and an
idempotency key is per account. An event about an object on a connected account carries `account`. Every request's
account is recorded (`calls`: method, path, account; "" for the platform), so a test can assert which account a call
was made on. `GET /v1/accounts/{id}` answers for the accounts a test connected (`connect`); any other id is the 403
permission error Stripe gives for an account the platform is not connected to. (Unlike Stripe, the header itself is
not checked against the connected accounts: a test that wants the refusal asks `GET /v1/accounts`.)
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

WEBHOOK_SECRET = "whsec_fake_local"
SECRET_KEY = "sk_test_fake_local"


def _form(items: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`metadata[key]=v`, `created[gte]=n`) back into nested dicts."""
    out: dict[str, Any] = {}
    for key, value in items:
        if "[" in key:
            outer, inner = key.split("[", 1)
            out.setdefault(outer, {})[inner.rstrip("]")] = value
        else:
            out[key] = value
    return out


def _nested(items: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding at any depth (`line_items[0][price_data][unit_amount]=5`); numbered keys stay keys."""
    out: dict[str, Any] = {}
    for key, value in items:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class FakeStripe:
    def __init__(self) -> None:
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.balance: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.created = {"payment_intent": 0, "refund": 0, "capture": 0, "checkout_session": 0}
        self.requests: list[tuple[str, str]] = []
        self.calls: list[tuple[str, str, str]] = []  # (method, path, Stripe-Account or "")
        self.owner: dict[str, str] = {}  # object id -> the account it lives on ("": the platform's)
        self.accounts: dict[str, dict[str, Any]] = {}
        self._key_account: dict[str, str] = {}
        self._acting = ""  # the account of the request being worked (under the lock)
        self._keys: dict[str, tuple[str, dict[str, Any], int, dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.refund_status = "succeeded"  # Stripe answers "pending" for refunds it settles later
        self.fail_next = 0  # answer this many requests with a 500 (after doing the work: an ambiguous outcome)
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def _account(self, request: Request) -> str:
        account = request.headers.get("stripe-account", "")
        self.calls.append((request.method, request.url.path, account))
        return account

    def _mine(self, obj_id: str, account: str) -> bool:
        """Whether an object lives on the account asked (Stripe: another account's object does not exist)."""
        return self.owner.get(obj_id, "") == account

    def connect(self, account: str, *, charges_enabled: bool = True, country: str = "HK") -> str:
        """A connected account of the platform's (what onboarding a house's Stripe account makes)."""
        self.accounts[account] = {"id": account, "object": "account", "charges_enabled": charges_enabled,
                                  "country": country, "default_currency": "hkd", "type": "standard"}  # fmt: skip
        return account

    def calls_on(self, account: str, path_prefix: str = "/v1/") -> list[tuple[str, str]]:
        """The API calls made on an account (its Stripe-Account header), as (method, path)."""
        return [(m, p) for m, p, a in self.calls if a == account and p.startswith(path_prefix)]

    # --- the HTTP side ---------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/payment_intents", self._create_intent, methods=["POST"]),
                Route("/v1/payment_intents/{id}", self._get_intent, methods=["GET"]),
                Route("/v1/payment_intents/{id}/capture", self._capture, methods=["POST"]),
                Route("/v1/payment_intents/{id}/cancel", self._cancel, methods=["POST"]),
                Route("/v1/refunds", self._refund, methods=["POST"]),
                Route("/v1/balance_transactions", self._list_balance, methods=["GET"]),
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions/{id}", self._get_session, methods=["GET"]),
                Route("/v1/accounts/{id}", self._get_account, methods=["GET"]),
                Route("/_fake/confirm/{id}", self._confirm, methods=["POST"]),
                Route("/_fake/checkout/{id}/{action}", self._session_action, methods=["POST"]),
            ]
        )

    async def _idempotent(self, request: Request, work: Any, parse: Any = _form) -> JSONResponse:
        params = parse(list((await request.form()).multi_items()))
        self.requests.append((request.method, request.url.path))
        account = self._account(request)
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key and key in self._keys:
                path, first_params, status, body = self._keys[key]
                # Stripe keeps keys per account; the fake, stricter, refuses a key reused on another account
                # (never done on purpose: each operation has its own key and one payee).
                if path != request.url.path or first_params != params or self._key_account[key] != account:
                    return _error(400, "idempotency_error", "Keys for idempotent requests can only be used with the "
                                  "same parameters they were first used with.")  # fmt: skip
                return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})
            self._acting = account
            status, body = work(params, request.path_params.get("id", ""))
            if status == 200 and body.get("id"):
                self.owner.setdefault(str(body["id"]), account)
            if key:
                self._keys[key] = (request.url.path, params, status, body)
                self._key_account[key] = account
        if self.fail_next > 0:
            self.fail_next -= 1
            return _error(500, "api_error", "the fake answers 500 after doing the work")
        return JSONResponse(body, status_code=status)

    async def _create_intent(self, request: Request) -> JSONResponse:
        def work(p: dict[str, Any], _: str) -> tuple[int, dict[str, Any]]:
            pi_id = self._id("pi")
            intent = {
                "id": pi_id, "object": "payment_intent", "amount": int(p["amount"]), "currency": p["currency"],
                "capture_method": p.get("capture_method", "automatic"), "status": "requires_payment_method",
                "amount_received": 0, "amount_capturable": 0, "client_secret": f"{pi_id}_secret_fake",
                "latest_charge": None, "metadata": p.get("metadata", {}), "description": p.get("description"),
                "created": int(time.time()), "livemode": False,
            }  # fmt: skip
            self.intents[pi_id] = intent
            self.created["payment_intent"] += 1
            return 200, dict(intent)

        return await self._idempotent(request, work)

    async def _get_intent(self, request: Request) -> JSONResponse:
        self.requests.append(("GET", request.url.path))
        account = self._account(request)
        intent = self.intents.get(request.path_params["id"])
        if intent is None or not self._mine(intent["id"], account):
            return _error(404, "invalid_request_error", "No such payment_intent", "resource_missing")
        return JSONResponse(intent)

    def _charge(self, intent: dict[str, Any], amount: int) -> None:
        fee = (amount * 29 + 500) // 1000 + 30
        bt = {"id": self._id("txn"), "object": "balance_transaction", "type": "charge",
              "source": intent["latest_charge"], "amount": amount, "fee": fee, "net": amount - fee,
              "currency": intent["currency"], "created": int(time.time()), "status": "pending"}  # fmt: skip
        self.owner[bt["id"]] = self.owner.get(intent["id"], "")
        self.balance.append(bt)

    async def _confirm(self, request: Request) -> JSONResponse:
        intent = self.intents[request.path_params["id"]]
        with self._lock:
            if intent["status"] == "requires_payment_method":
                intent["latest_charge"] = self._id("ch")
                if intent["capture_method"] == "manual":
                    intent["status"], intent["amount_capturable"] = "requires_capture", intent["amount"]
                else:
                    intent["status"], intent["amount_received"] = "succeeded", intent["amount"]
                    self._charge(intent, intent["amount"])
        return JSONResponse(intent)

    async def _capture(self, request: Request) -> JSONResponse:
        def work(p: dict[str, Any], pi_id: str) -> tuple[int, dict[str, Any]]:
            intent = self.intents.get(pi_id)
            if intent is not None and not self._mine(pi_id, self._acting):
                return 404, {"error": {"type": "invalid_request_error", "message": "No such payment_intent",
                                       "code": "resource_missing"}}  # fmt: skip
            if intent is None or intent["status"] != "requires_capture":
                return 400, {"error": {"type": "invalid_request_error", "message": "This PaymentIntent could not be "
                                       "captured", "code": "payment_intent_unexpected_state"}}  # fmt: skip
            amount = int(p.get("amount_to_capture", intent["amount"]))
            intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
            self._charge(intent, amount)
            self.created["capture"] += 1
            return 200, dict(intent)

        return await self._idempotent(request, work)

    async def _cancel(self, request: Request) -> JSONResponse:
        def work(p: dict[str, Any], pi_id: str) -> tuple[int, dict[str, Any]]:
            intent = self.intents.get(pi_id)
            if intent is not None and not self._mine(pi_id, self._acting):
                return 404, {"error": {"type": "invalid_request_error", "message": "No such payment_intent",
                                       "code": "resource_missing"}}  # fmt: skip
            if intent is None or intent["status"] in ("succeeded", "canceled"):
                return 400, {"error": {"type": "invalid_request_error", "message": "cannot cancel",
                                       "code": "payment_intent_unexpected_state"}}  # fmt: skip
            intent.update(status="canceled", amount_capturable=0)
            return 200, dict(intent)

        return await self._idempotent(request, work)

    async def _refund(self, request: Request) -> JSONResponse:
        def work(p: dict[str, Any], _: str) -> tuple[int, dict[str, Any]]:
            intent = self.intents.get(p.get("payment_intent", ""))
            if intent is not None and not self._mine(intent["id"], self._acting):
                return 404, {"error": {"type": "invalid_request_error", "message": "No such payment_intent",
                                       "code": "resource_missing"}}  # fmt: skip
            refunded = sum(r["amount"] for r in self.refunds.values() if intent and r["payment_intent"] == intent["id"])
            amount = int(p.get("amount", 0))
            if intent is None or intent["status"] != "succeeded" or refunded + amount > intent["amount_received"]:
                return 400, {"error": {"type": "invalid_request_error", "message": "cannot refund",
                                       "code": "charge_already_refunded"}}  # fmt: skip
            re = {"id": self._id("re"), "object": "refund", "amount": amount, "currency": intent["currency"],
                  "payment_intent": intent["id"], "status": self.refund_status,
                  "created": int(time.time())}  # fmt: skip
            self.refunds[re["id"]] = re
            self.owner[re["id"]] = self._acting
            txn = self._id("txn")
            self.owner[txn] = self._acting
            self.balance.append({"id": txn, "object": "balance_transaction", "type": "refund",
                                 "source": re["id"], "amount": -amount, "fee": 0, "net": -amount,
                                 "currency": intent["currency"], "created": int(time.time()),
                                 "status": "pending"})  # fmt: skip
            self.created["refund"] += 1
            return 200, dict(re)

        return await self._idempotent(request, work)

    async def _list_balance(self, request: Request) -> JSONResponse:
        q = request.query_params
        account = self._account(request)
        gte = int(q.get("created[gte]", "0"))
        rows = [b for b in self.balance if b["created"] >= gte and self._mine(b["id"], account)]
        after = q.get("starting_after")
        if after:
            ids = [b["id"] for b in rows]
            rows = rows[ids.index(after) + 1 :] if after in ids else []
        limit = int(q.get("limit", "10"))
        return JSONResponse({"object": "list", "url": "/v1/balance_transactions", "has_more": len(rows) > limit,
                             "data": rows[:limit]})  # fmt: skip

    async def _create_session(self, request: Request) -> JSONResponse:
        def work(p: dict[str, Any], _: str) -> tuple[int, dict[str, Any]]:
            if p.get("mode") != "payment" or not p.get("success_url") or not p.get("line_items"):
                return 400, {"error": {"type": "invalid_request_error", "message": "mode=payment, success_url and "
                                       "line_items are required here", "code": "parameter_missing"}}  # fmt: skip
            items = list(p["line_items"].values())
            currencies = {i["price_data"]["currency"] for i in items}
            cs_id = self._id("cs_test")
            session = {
                "id": cs_id, "object": "checkout.session", "mode": "payment", "status": "open",
                "payment_status": "unpaid", "url": f"{self.url}/_fake/hosted/{cs_id}",
                "amount_total": sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items),
                "currency": currencies.pop(), "payment_intent": None,
                "client_reference_id": p.get("client_reference_id"), "metadata": p.get("metadata", {}),
                "success_url": p["success_url"], "cancel_url": p.get("cancel_url"),
                "expires_at": int(time.time()) + 24 * 3600, "livemode": False,
                "_items": items, "_intent": p.get("payment_intent_data", {}),
            }  # fmt: skip
            self.sessions[cs_id] = session
            self.created["checkout_session"] += 1
            return 200, _public(session)

        return await self._idempotent(request, work, _nested)

    async def _get_session(self, request: Request) -> JSONResponse:
        self.requests.append(("GET", request.url.path))
        account = self._account(request)
        session = self.sessions.get(request.path_params["id"])
        if session is None or not self._mine(session["id"], account):
            return _error(404, "invalid_request_error", "No such checkout.session", "resource_missing")
        return JSONResponse(_public(session))

    async def _get_account(self, request: Request) -> JSONResponse:
        self._account(request)
        acct = self.accounts.get(request.path_params["id"])
        if acct is None:
            return _error(
                403,
                "invalid_request_error",
                "The provided key does not have access to account "
                f"'{request.path_params['id']}' (or that account does not exist).",
                "account_invalid",
            )
        return JSONResponse(acct)

    async def _session_action(self, request: Request) -> JSONResponse:
        session, action = self.sessions[request.path_params["id"]], request.path_params["action"]
        with self._lock:
            if action == "expire" and session["status"] == "open":
                session["status"] = "expired"
            elif action == "pay" and session["status"] == "open":
                pi_id = self._id("pi")
                extra = session["_intent"]
                self.intents[pi_id] = {
                    "id": pi_id, "object": "payment_intent", "amount": session["amount_total"],
                    "currency": session["currency"], "capture_method": extra.get("capture_method", "automatic"),
                    "status": "processing", "amount_received": 0, "amount_capturable": 0,
                    "client_secret": f"{pi_id}_secret_fake", "latest_charge": self._id("ch"),
                    "metadata": extra.get("metadata", {}), "description": extra.get("description"),
                    "created": int(time.time()), "livemode": False,
                }  # fmt: skip
                self.created["payment_intent"] += 1
                self.owner[pi_id] = self.owner.get(session["id"], "")  # made on the session's account
                session.update(status="complete", payment_intent=pi_id)
                if request.query_params.get("delayed") != "1":
                    self._settle(session)
            elif action == "settle" and session["status"] == "complete" and session["payment_status"] == "unpaid":
                self._settle(session)
        return JSONResponse(_public(session))

    def _settle(self, session: dict[str, Any]) -> None:
        intent = self.intents[session["payment_intent"]]
        intent.update(status="succeeded", amount_received=intent["amount"])
        self._charge(intent, intent["amount"])
        session["payment_status"] = "paid"

    # --- the test's side -----------------------------------------------------------------------------------

    def confirm(self, pi_id: str) -> None:
        """The buyer's browser confirms the card (Stripe.js), as the fake's own endpoint does."""
        import httpx

        httpx.post(f"{self.url}/_fake/confirm/{pi_id}").raise_for_status()

    def checkout(self, session_id: str, action: str, delayed: bool = False) -> None:
        """The payer on Stripe's hosted page: `pay` (with `delayed`: a method that clears later), `settle`, `expire`."""
        import httpx

        query = "?delayed=1" if delayed else ""
        httpx.post(f"{self.url}/_fake/checkout/{session_id}/{action}{query}").raise_for_status()

    def session_object(self, session_id: str) -> dict[str, Any]:
        return _public(self.sessions[session_id])

    def event(self, type_: str, obj: dict[str, Any], *, event_id: str | None = None, at: int | None = None,
              secret: str = WEBHOOK_SECRET, account: str | None = None) -> tuple[bytes, str]:  # fmt: skip
        """A webhook delivery as Stripe signs it: the payload and its Stripe-Signature header. An object on a
        connected account makes a Connect event naming it (`account`), unless the test names another."""
        stamp = int(time.time()) if at is None else at
        body: dict[str, Any] = {"id": event_id or self._id("evt"), "object": "event", "type": type_, "created": stamp,
                                "api_version": "2025-01-01", "livemode": False, "data": {"object": obj}}  # fmt: skip
        on = self.owner.get(str(obj.get("id", "")), "") if account is None else account
        if on:
            body["account"] = on
        payload = json.dumps(body).encode()
        sig = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
        return payload, f"t={stamp},v1={sig}"

    def start(self) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        for _ in range(200):
            if self._server.started:
                break
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)


def _public(session: dict[str, Any]) -> dict[str, Any]:
    """A session as Stripe shows it: the hosted page's URL only while it is open, no fake-private fields."""
    out = {k: v for k, v in session.items() if not k.startswith("_")}
    if out["status"] != "open":
        out["url"] = None
    return out


def _error(status: int, type_: str, message: str, code: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"type": type_, "message": message, "code": code}}, status_code=status)
