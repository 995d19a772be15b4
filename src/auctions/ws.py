"""`/ws`: the live auction protocol (docs/protocol.md). One connection, many lots.

Guarantees: every bid is answered only after its outcome is committed; a lot's events reach the
client in sequence order with no gap (filled from the event log) and no duplicate; a client that
cannot keep up is disconnected with a reason instead of slowing anyone else.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from auctions.domain.lot import LotState
from auctions.domain.terms import engine_terms
from auctions.models import AuctionSession, Lot, Registration
from auctions.outage import unavailable_reply
from auctions.schemas import ClientBidId
from auctions.services import actions
from auctions.services.clock import now_ms
from auctions.services.live import Hub, dumps
from auctions.services.present import Viewer, history, lot_out
from auctions.transport import Limits, Transport
from listings import vehicles
from marketplace.accounts.auth import authenticate
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError
from marketplace.outages import OutageLog, outage_of

log = logging.getLogger("auctions.ws")
_OUTAGE = OutageLog(log, "socket messages")


LIMITS = Limits()


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Subscribe(_Msg):
    type: Literal["subscribe"]
    lot_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    session_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    last_seq: int | None = Field(default=None, ge=0)


class Unsubscribe(_Msg):
    type: Literal["unsubscribe"]
    lot_id: int = Field(ge=1, le=2**31 - 1)


class BidMsg(_Msg):
    type: Literal["bid", "buy_now"]
    lot_id: int = Field(ge=1, le=2**31 - 1)
    client_bid_id: ClientBidId
    amount: int = Field(default=0, ge=0, le=10**13)
    proxy: bool = False


class ControlMsg(_Msg):
    type: Literal["control"]
    lot_id: int = Field(ge=1, le=2**31 - 1)
    action: Literal["open", "warn", "pause", "resume", "hammer", "pass", "retract", "floor_bid"]
    level: int | None = Field(default=None, ge=1, le=2)
    reason: str | None = Field(default=None, max_length=500)
    paddle: str | None = Field(default=None, pattern=r"^[0-9]{1,6}$")
    amount: int | None = Field(default=None, gt=0, le=10**13)


class DecideMsg(_Msg):
    type: Literal["decide"]
    lot_id: int = Field(ge=1, le=2**31 - 1)
    action: Literal["accept", "decline", "counter"]
    amount: int | None = Field(default=None, gt=0, le=10**13)


class PingMsg(_Msg):
    type: Literal["ping", "pong"]
    t: int | None = None


MESSAGES: dict[str, type[_Msg]] = {
    "subscribe": Subscribe,
    "unsubscribe": Unsubscribe,
    "bid": BidMsg,
    "buy_now": BidMsg,
    "control": ControlMsg,
    "decide": DecideMsg,
    "ping": PingMsg,
    "pong": PingMsg,
}


def _origin_allowed(origin: str | None, host: str | None) -> bool:
    if not origin:
        return True  # not a browser: the credentials alone decide
    return bool(host) and urlsplit(origin).netloc == host


async def endpoint(websocket: WebSocket) -> None:
    services = websocket.app.state.services
    if not _origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host")):
        await websocket.close(code=4003, reason="origin_not_allowed")
        return
    authenticated_at = time.monotonic()  # before the credential is read: see IdentityWatch.hold
    try:
        principal = await authenticate(websocket, csrf_required=False)
    except ApiError as exc:
        await websocket.close(code=4001, reason=exc.code)
        return
    except Exception as exc:
        if outage_of(exc) is None:
            raise
        _OUTAGE.failed(exc)
        await websocket.close(code=1013, reason="service_unavailable")  # 1013: try again later
        return
    if principal is not None and not principal.has_scope("read"):
        await websocket.close(code=4003, reason="insufficient_scope")
        return
    await websocket.accept()
    connection = Connection(websocket, services, principal, services.auction_hub)
    identities = services.identities
    if principal is not None:
        identities.hold(connection, principal, authenticated_at)
    try:
        await connection.run()
    finally:
        identities.release(connection)


class Connection(Transport):
    def __init__(self, ws: WebSocket, services: Any, principal: Principal | None, hub: Hub) -> None:
        super().__init__(ws, LIMITS, hub)
        self.services = services
        self.principal = principal
        self.paddles: dict[int, str | None] = {}  # session -> my paddle
        self.tokens = float(LIMITS.burst)
        self.refilled = time.monotonic()
        self.violations = 0
        self.replay_refusals = 0
        self.watching: set[int] = set()

    # --- identity (IdentityWatch's holder) ---------------------------------------------------
    def identity_revoked(self) -> None:
        self.close_soon(4010, "credentials_revoked")

    def identity_refreshed(self, principal: Principal) -> None:
        self.principal = principal  # memberships, roles or scopes changed: act with what is left

    # --- incoming -------------------------------------------------------------------------
    async def run(self) -> None:
        self.send(
            {
                "type": "welcome",
                "user_id": self.principal.user_id if self.principal else None,
                "heartbeat_ms": int(LIMITS.heartbeat_seconds * 1000),
                "idle_timeout_ms": int(LIMITS.dead_after_seconds * 1000),
                "max_message_bytes": LIMITS.max_message_bytes,
            }
        )
        try:
            await self.serve(self._receive)
        finally:
            for lot_id in self.watching:
                self.hub.unwatch(self, lot_id)

    async def _receive(self) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while self.ws.client_state == WebSocketState.CONNECTED and not self.closing:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                self.last_heard = time.monotonic()
                text = message.get("text")
                if text is None:
                    self.error("binary_not_supported", "send JSON text frames")
                    continue
                if not self._allow():
                    continue
                with self.handling():
                    await self.handle(text)

    def _allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(LIMITS.burst, self.tokens + (now - self.refilled) * LIMITS.rate_per_second)
        self.refilled = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.violations += 1
        if self.violations > LIMITS.abuse_limit:
            self.close_soon(4029, "rate_limited")
        else:
            self.error("rate_limited", "too many messages", retry_after_ms=int(1000 / LIMITS.rate_per_second))
        return False

    def error(self, code: str, message: str, **extra: Any) -> None:
        self.send({"type": "error", "code": code, "message": message, **extra})

    async def handle(self, text: str) -> None:
        if len(text.encode()) > LIMITS.max_message_bytes:
            self.error("message_too_large", f"messages are limited to {LIMITS.max_message_bytes} bytes")
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError (deep nesting) would end the loop as a RuntimeError
            self.error("malformed", "not valid JSON")
            return
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            self.error("invalid_message", "a message is a JSON object with a string 'type'")
            return
        model = MESSAGES.get(data["type"])
        if model is None:
            self.error("unknown_type", f"unknown message type {data['type'][:40]!r}")
            return
        try:
            msg = model.model_validate(data)
        except ValidationError as exc:
            details = [
                {"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False, include_input=False)
            ]
            ref = data.get("client_bid_id")  # echoed only if a string: a nested value may be too deep to encode
            self.error(
                "invalid_message", "the message is invalid", details=details, ref=ref if isinstance(ref, str) else None
            )
            return
        try:
            await self.dispatch(msg)
        except ApiError as exc:
            self.error(exc.code, exc.message, lot_id=data.get("lot_id"), ref=data.get("client_bid_id"))
        except Exception as exc:
            if outage_of(exc) is not None:
                _OUTAGE.failed(exc)
                self.send(unavailable_reply(data))
                return
            log.exception("ws message failed")
            self.error("internal_error", "the server could not handle this message", ref=data.get("client_bid_id"))
        else:
            _OUTAGE.recovered()

    async def dispatch(self, msg: _Msg) -> None:
        now = now_ms()  # a bid counts by the server's receipt time
        if isinstance(msg, PingMsg):
            if msg.type == "ping":
                self.send({"type": "pong", "t": msg.t})
            return
        if isinstance(msg, Subscribe):
            await self.subscribe(msg)
            return
        if isinstance(msg, Unsubscribe):
            self.hub.unwatch(self, msg.lot_id)
            self.watching.discard(msg.lot_id)
            self.last.pop(msg.lot_id, None)
            self.send({"type": "unsubscribed", "lot_id": msg.lot_id})
            return
        if self.principal is None:
            self.error(
                "unauthenticated",
                "log in (session cookie or API token) to do this",
                lot_id=getattr(msg, "lot_id", None),
            )
            return
        if await self.services.identities.current(self) is None:
            return  # the credential died since the last check: the connection is closing (4010)
        if isinstance(msg, BidMsg):
            result = await actions.place_bid(
                self.services,
                self.principal,
                msg.lot_id,
                msg.client_bid_id,
                msg.amount,
                now,
                proxy=msg.proxy,
                buy_now=msg.type == "buy_now",
            )
        elif isinstance(msg, ControlMsg):
            result = await actions.control(self.services, self.principal, msg.lot_id, msg.model_dump(), now)
        elif isinstance(msg, DecideMsg):
            result = await actions.decide(self.services, self.principal, msg.lot_id, msg.action, msg.amount, now)
        else:  # pragma: no cover - MESSAGES is exhaustive
            return
        self.send(result)

    async def subscribe(self, msg: Subscribe) -> None:
        if (msg.lot_id is None) == (msg.session_id is None):
            self.error("invalid_message", "subscribe to exactly one of lot_id or session_id")
            return
        if msg.session_id is not None:
            session = await AuctionSession.get_or_none(id=msg.session_id, status="published")
            if session is None:
                self.error("not_found", "no such auction session", session_id=msg.session_id)
                return
            rows: list[Any] = (
                await Lot.filter(session_id=session.id)
                .order_by("position")
                .limit(LIMITS.max_lots)
                .values_list("id", flat=True)
            )
            lot_ids = [int(r) for r in rows]
            self.send({"type": "session", "session_id": session.id, "title": session.title, "lot_ids": lot_ids})
            for lot_id in lot_ids:
                await self.subscribe_lot(lot_id, None)
            return
        assert msg.lot_id is not None
        await self.subscribe_lot(msg.lot_id, msg.last_seq)

    async def subscribe_lot(self, lot_id: int, last_seq: int | None) -> None:
        if lot_id not in self.last and len(self.last) >= LIMITS.max_lots:
            self.error("too_many_subscriptions", f"at most {LIMITS.max_lots} lots per connection")
            return
        head = self.hub.head(lot_id)
        if last_seq is not None and head is not None and last_seq <= head and head - last_seq <= LIMITS.replay_limit:
            # The lot is live on this process (checked when first watched here): its head and events are
            # in memory, so a replay costs no query at all.
            self._replay(lot_id, last_seq, head)
            return
        lot = await Lot.get_or_none(id=lot_id)
        session = await AuctionSession.get_or_none(id=lot.session_id) if lot else None
        if lot is None or session is None or session.status != "published":
            self.error("not_found", "no such lot", lot_id=lot_id)
            return
        if last_seq is not None and last_seq <= lot.seq and lot.seq - last_seq <= LIMITS.replay_limit:
            self._replay(lot_id, last_seq, lot.seq)
            return
        self._watch(lot_id, lot.seq)
        paddle = await self._paddle(session.id)
        terms = engine_terms(session.kind, session.terms, lot.starting_price, lot.reserve_price, lot.buy_now_price)
        viewer = Viewer.of(self.principal, paddle)
        body = lot_out(
            lot,
            LotState.from_json(lot.state),
            terms,
            session.house_org_id,
            viewer,
            await vehicles.describe(lot.vehicle_id),
        )
        message = {"type": "snapshot", "lot_id": lot_id, "seq": lot.seq, "lot": body, "history": await history(lot_id)}
        self.put_snapshot(lot_id, lot.seq, dumps(message))

    def _replay(self, lot_id: int, last_seq: int, head: int) -> None:
        wait_ms = self.take_replay_budget(head - last_seq)
        if wait_ms is not None:
            # A client told to wait that keeps asking (typically one that does not read what it gets) is
            # closed within a second or two: each refusal still costs a parse and an answer.
            self.replay_refusals += 1
            if self.replay_refusals > LIMITS.replay_refusals:
                self.close_soon(4029, "rate_limited")
                return
            self.error(
                "replay_rate_limited",
                "too many replayed events; retry later, or subscribe without last_seq for a snapshot",
                lot_id=lot_id,
                retry_after_ms=wait_ms,
            )
            return
        self._watch(lot_id, head)
        self.put_replay(lot_id, last_seq, head)

    def _watch(self, lot_id: int, seq: int) -> None:
        # Anything committed after `seq` was read and before this reaches the connection through the
        # hub, or through the gap fill its next event triggers (the sender reads the event log).
        self.watching.add(lot_id)
        self.hub.watch(self, lot_id, seq)

    async def _paddle(self, session_id: int) -> str | None:
        if self.principal is None:
            return None
        if session_id not in self.paddles:
            reg = await Registration.get_or_none(session_id=session_id, user_id=self.principal.user_id)
            self.paddles[session_id] = reg.paddle if reg else None
        return self.paddles[session_id]
