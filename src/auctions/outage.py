"""What the live protocol answers when the database or Redis cannot be reached (docs/protocol.md, "Outages")."""

from __future__ import annotations

from typing import Any

from marketplace.outages import RETRY_AFTER_SECONDS

_RESULTS = {"bid": "bid_result", "buy_now": "bid_result", "control": "control_result", "decide": "decision_result"}


def unavailable_reply(data: dict[str, Any]) -> dict[str, Any]:
    """The answer when the database or Redis cannot be reached: nothing was decided, send it again later.

    A bid gets its own result type at once (the client must not wait for its resend timer), with
    `status: "unavailable"`, which is not an acknowledgement: the same `client_bid_id` sent again is
    decided then, or answered from its receipt if it had been committed after all.
    """
    kind = _RESULTS.get(str(data.get("type")))
    retry_after_ms = RETRY_AFTER_SECONDS * 1000
    if kind is None:
        return {
            "type": "error",
            "code": "service_unavailable",
            "message": "try again shortly",
            "retry_after_ms": retry_after_ms,
        }
    return {
        "type": kind,
        "lot_id": data.get("lot_id"),
        "client_bid_id": data.get("client_bid_id"),
        "status": "unavailable",
        "reason": "service_unavailable",
        "retry_after_ms": retry_after_ms,
    }
