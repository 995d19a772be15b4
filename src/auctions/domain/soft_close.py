"""Soft close (延时) for timed lots and the restarting countdown of live lots. Times are epoch milliseconds."""

from __future__ import annotations


def extended_end(ends_at: int, received_at: int, window_ms: int, scheduled_end: int, cap_ms: int | None) -> int:
    """A price-changing bid received within the last W moves the end to receipt + W, never backwards.

    With a cap, the end never passes scheduled_end + cap.
    """
    if window_ms <= 0 or ends_at - received_at > window_ms:
        return ends_at
    candidate = received_at + window_ms
    if cap_ms is not None:
        candidate = min(candidate, scheduled_end + cap_ms)
    return max(ends_at, candidate)


def restarted_countdown(ends_at: int, received_at: int, countdown_ms: int) -> int:
    """A live lot's countdown restarts on every accepted bid."""
    return max(ends_at, received_at + countdown_ms)
